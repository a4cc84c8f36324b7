"""`from azureml.data.tabular_dataset import TabularDataset`."""

from benchtop._tabular_dataset import TabularDataset

__all__ = ["TabularDataset"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
