"""`from azureml.core.webservice import Webservice, LocalWebservice, AciWebservice, AksWebservice`: served here."""

from benchtop._aci_webservice import AciWebservice
from benchtop._aks_webservice import AksEndpoint, AksWebservice
from benchtop._local_webservice import LocalWebservice
from benchtop._webservice import UnknownWebservice, Webservice

__all__ = ["AciWebservice", "AksEndpoint", "AksWebservice", "LocalWebservice", "UnknownWebservice", "Webservice"]
