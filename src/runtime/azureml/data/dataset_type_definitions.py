"""`from azureml.data.dataset_type_definitions import PromoteHeadersBehavior, FileEncoding`."""

from benchtop._dataset_factory import FileEncoding, PromoteHeadersBehavior

__all__ = ["FileEncoding", "PromoteHeadersBehavior"]
