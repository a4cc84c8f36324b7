"""`from azureml.data.data_reference import DataReference`."""

from benchtop._datastore import DataReference

__all__ = ["DataReference"]
