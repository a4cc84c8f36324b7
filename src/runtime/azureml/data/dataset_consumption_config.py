"""`from azureml.data.dataset_consumption_config import DatasetConsumptionConfig`."""

from benchtop._dataset_consumption import DatasetConsumptionConfig

__all__ = ["DatasetConsumptionConfig"]
