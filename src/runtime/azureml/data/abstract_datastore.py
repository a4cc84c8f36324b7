"""`from azureml.data.abstract_datastore import AbstractDatastore`."""

from benchtop._datastore import AbstractDatastore

__all__ = ["AbstractDatastore"]
