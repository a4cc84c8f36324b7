"""`from azureml.core.webservice.webservice import Webservice, WebserviceDeploymentConfiguration`."""

from benchtop._webservice import Webservice, WebserviceDeploymentConfiguration

__all__ = ["Webservice", "WebserviceDeploymentConfiguration"]
