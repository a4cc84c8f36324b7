"""`from azureml.data.abstract_dataset import AbstractDataset`."""

from benchtop._dataset import AbstractDataset

__all__ = ["AbstractDataset"]
