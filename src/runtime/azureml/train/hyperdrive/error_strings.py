"""`from azureml.train.hyperdrive.error_strings import HyperDriveErrorStrings`."""

from benchtop._hyperdrive_errors import HyperDriveErrorStrings

__all__ = ["HyperDriveErrorStrings"]
