"""`from azureml.data.datapath import DataPath`."""

from benchtop._datastore import DataPath

__all__ = ["DataPath"]
