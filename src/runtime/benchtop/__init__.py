"""Benchtop's native Python module: the same Run API as azureml.core, for new scripts.

import benchtop
run = benchtop.get_run()
run.log("loss", 0.25, step=1)
"""

from ._model import Model, get_model_path
from ._run import Experiment, LiveRun, OfflineRun, Run, get_context


def get_run():
    return get_context()


def log(name, value, description="", step=None):
    get_context().log(name, value, description=description, step=step)


__all__ = ["Run", "Model", "Experiment", "LiveRun", "OfflineRun", "get_run", "get_context", "get_model_path", "log"]
