"""`from azureml.core.webservice.aci import AciWebservice, AciServiceDeploymentConfiguration`: deployed here."""

from benchtop._aci_webservice import (
    AciServiceDeploymentConfiguration,
    AciWebservice,
    ContainerResourceRequirements,
    EncryptionProperties,
    VnetConfiguration,
)

__all__ = [
    "AciServiceDeploymentConfiguration",
    "AciWebservice",
    "ContainerResourceRequirements",
    "EncryptionProperties",
    "VnetConfiguration",
]
