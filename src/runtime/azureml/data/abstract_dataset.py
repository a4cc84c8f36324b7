"""`from azureml.data.abstract_dataset import AbstractDataset`."""

from benchtop._dataset import AbstractDataset

__all__ = ["AbstractDataset"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
