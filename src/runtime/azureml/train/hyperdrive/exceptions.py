"""`from azureml.train.hyperdrive.exceptions import HyperDriveConfigException, ...`."""

from benchtop._hyperdrive_errors import (
    HyperDriveConfigException,
    HyperDriveException,
    HyperDriveNotImplementedException,
    HyperDriveRehydrateException,
    HyperDriveScenarioNotSupportedException,
    HyperDriveServiceException,
)

__all__ = [
    "HyperDriveConfigException",
    "HyperDriveException",
    "HyperDriveNotImplementedException",
    "HyperDriveRehydrateException",
    "HyperDriveScenarioNotSupportedException",
    "HyperDriveServiceException",
]
