"""`from azureml.core.experiment import Experiment`."""

from benchtop._experiment import Experiment, ViewType

__all__ = ["Experiment", "ViewType"]
