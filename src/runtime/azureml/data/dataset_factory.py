"""`from azureml.data.dataset_factory import TabularDatasetFactory, FileDatasetFactory`."""

from benchtop._dataset_factory import FileDatasetFactory, TabularDatasetFactory

__all__ = ["FileDatasetFactory", "TabularDatasetFactory"]
