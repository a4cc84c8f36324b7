"""`from azureml.core import Run` (and Model, Experiment) for scripts written for Azure ML v1."""
from benchtop._model import Model
from benchtop._run import Experiment, Run

__all__ = ["Run", "Model", "Experiment"]
