"""`from azureml.data.dataset_error_handling import DatasetValidationError`."""

from benchtop._dataset_sources import DatasetValidationError

__all__ = ["DatasetValidationError"]
