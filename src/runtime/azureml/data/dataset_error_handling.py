"""`from azureml.data.dataset_error_handling import DatasetValidationError`."""

from benchtop._dataset_sources import DatasetValidationError

__all__ = ["DatasetValidationError"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
