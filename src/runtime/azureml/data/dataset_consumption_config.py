"""`from azureml.data.dataset_consumption_config import DatasetConsumptionConfig`."""

from benchtop._dataset_consumption import DatasetConsumptionConfig

__all__ = ["DatasetConsumptionConfig"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
