"""`from azureml.core.webservice.local import LocalWebservice, LocalWebserviceDeploymentConfiguration`."""

from benchtop._local_webservice import LocalWebservice, LocalWebserviceDeploymentConfiguration

__all__ = ["LocalWebservice", "LocalWebserviceDeploymentConfiguration"]
