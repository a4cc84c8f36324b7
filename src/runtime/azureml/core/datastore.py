"""`from azureml.core.datastore import Datastore`."""

from benchtop._datastore import Datastore

__all__ = ["Datastore"]
