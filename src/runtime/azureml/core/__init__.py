"""`from azureml.core import Run` (and Model, Experiment, Workspace, Environment) for scripts written for Azure ML v1."""

from benchtop._model import Model
from benchtop._run import Experiment, Run
from benchtop._workspace import Environment, Workspace

__all__ = ["Run", "Model", "Experiment", "Workspace", "Environment"]
