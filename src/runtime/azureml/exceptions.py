"""`from azureml.exceptions import WebserviceException`."""

from benchtop._webservice import WebserviceException

__all__ = ["WebserviceException"]
