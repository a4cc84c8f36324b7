"""`from azureml.data.azure_storage_datastore import AzureBlobDatastore`: a workspace's datastore folder."""

from benchtop._datastore import AzureBlobDatastore

# Azure's base class of the blob and file-share datastores; both are folders here.
AbstractAzureStorageDatastore = AzureBlobDatastore

__all__ = ["AbstractAzureStorageDatastore", "AzureBlobDatastore"]
