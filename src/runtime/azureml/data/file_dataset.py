"""`from azureml.data.file_dataset import FileDataset`."""

from benchtop._file_dataset import FileDataset

__all__ = ["FileDataset"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
