"""`from azureml.data.dataset_type_definitions import PromoteHeadersBehavior, FileEncoding`."""

from benchtop._dataset_factory import FileEncoding, PromoteHeadersBehavior

__all__ = ["FileEncoding", "PromoteHeadersBehavior"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
