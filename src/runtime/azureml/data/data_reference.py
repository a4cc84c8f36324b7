"""`from azureml.data.data_reference import DataReference`."""

from benchtop._datastore_paths import DataReference

__all__ = ["DataReference"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
