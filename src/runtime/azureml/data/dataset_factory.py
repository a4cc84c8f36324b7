"""`from azureml.data.dataset_factory import TabularDatasetFactory, FileDatasetFactory`."""

from benchtop._dataset_factory import DataType, FileDatasetFactory, TabularDatasetFactory

__all__ = ["DataType", "FileDatasetFactory", "TabularDatasetFactory"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
