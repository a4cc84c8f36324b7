"""`from azureml.core.experiment import Experiment`."""

from benchtop._run import Experiment

__all__ = ["Experiment"]
