"""`from azureml.data.tabular_dataset import TabularDataset`."""

from benchtop._tabular_dataset import TabularDataset

__all__ = ["TabularDataset"]
