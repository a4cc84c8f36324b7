"""`from azureml.train.hyperdrive.runconfig import HyperDriveConfig, PrimaryMetricGoal`."""

from benchtop._hyperdrive_config import MAX_DURATION_MINUTES, HyperDriveConfig, HyperDriveRunConfig, PrimaryMetricGoal

__all__ = ["HyperDriveConfig", "HyperDriveRunConfig", "PrimaryMetricGoal", "MAX_DURATION_MINUTES"]
