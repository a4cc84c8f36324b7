"""`from azureml.core import Workspace, Experiment, Environment, Run, Model, ...` for code written for Azure ML v1."""

from benchtop._container_registry import ContainerRegistry
from benchtop._environment import Environment
from benchtop._model import Model
from benchtop._run import Experiment, Run
from benchtop._version import AZUREML_VERSION as VERSION
from benchtop._webservice import Webservice
from benchtop._workspace import Workspace

__version__ = VERSION

__all__ = ["ContainerRegistry", "Environment", "Experiment", "Model", "Run", "Webservice", "Workspace", "VERSION"]
