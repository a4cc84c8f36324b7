"""`from azureml.train.hyperdrive.run import HyperDriveRun, PrimaryMetricGoal` (run.py imports both there)."""

from benchtop._hyperdrive_config import PrimaryMetricGoal
from benchtop._hyperdrive_run import HyperDriveRun

__all__ = ["HyperDriveRun", "PrimaryMetricGoal"]
