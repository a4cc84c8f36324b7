"""`from azureml.data.azure_storage_datastore import AzureBlobDatastore`: a workspace's datastore folder."""

from benchtop._datastore import AzureBlobDatastore

# Azure's base class of the blob and file-share datastores; both are folders here.
AbstractAzureStorageDatastore = AzureBlobDatastore

__all__ = ["AbstractAzureStorageDatastore", "AzureBlobDatastore"]


def __getattr__(name):
    # Beside the real azureml-core: what only its module of this name has (benchtop._azure_beside).
    from benchtop._azure_beside import azure_attribute

    return azure_attribute(__name__, name)
