"""`from azureml.core.webservice import LocalWebservice, Webservice`."""

from benchtop._webservice import LocalWebservice, Webservice

__all__ = ["LocalWebservice", "Webservice"]
