"""`from azureml.core.dataset import Dataset`."""

from benchtop._dataset_entry import Dataset

__all__ = ["Dataset"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
