"""`from azureml.core.dataset import Dataset`."""

from benchtop._dataset_entry import Dataset

__all__ = ["Dataset"]
