"""`from azureml.data.file_dataset import FileDataset`."""

from benchtop._file_dataset import FileDataset

__all__ = ["FileDataset"]
