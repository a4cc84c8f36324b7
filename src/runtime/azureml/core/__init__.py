"""`from azureml.core import Workspace, Experiment, Environment, Run, Model, ...` for code written for Azure ML v1.

Run and Model load at once (every training script imports them); the rest load on first use, so
a run's start-up does not pay for the notebook-side modules (urllib, subprocess, ...).
"""

from benchtop._model import Model
from benchtop._run import Experiment, Run
from benchtop._version import AZUREML_VERSION as VERSION

__version__ = VERSION

_LAZY = {
    "ContainerRegistry": "benchtop._container_registry",
    "Environment": "benchtop._environment",
    "Webservice": "benchtop._webservice",
    "Workspace": "benchtop._workspace",
}

__all__ = ["ContainerRegistry", "Environment", "Experiment", "Model", "Run", "Webservice", "Workspace", "VERSION"]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError("module 'azureml.core' has no attribute %r" % name)
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
