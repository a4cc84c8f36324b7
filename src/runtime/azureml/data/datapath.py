"""`from azureml.data.datapath import DataPath`."""

from benchtop._datastore_paths import DataPath

__all__ = ["DataPath"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
