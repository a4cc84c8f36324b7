"""`from azureml.core.webservice.aks import AksWebservice, AksServiceDeploymentConfiguration`: deployed here."""

from benchtop._aks_webservice import (
    AksEndpoint,
    AksServiceAccessToken,
    AksServiceDeploymentConfiguration,
    AksWebservice,
)

__all__ = ["AksEndpoint", "AksServiceAccessToken", "AksServiceDeploymentConfiguration", "AksWebservice"]
