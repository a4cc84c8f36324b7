"""`from azureml.core import Workspace, Experiment, Environment, Run, Model, ...` for code written for Azure ML v1.

Run and Model load at once (every training script imports them); the rest load on first use, so
a run's start-up does not pay for the notebook-side modules (urllib, subprocess, ...).

Beside the real azureml-core (most v1 environment files list azureml-defaults, which brings it):
this package comes first on sys.path and serves what Benchtop runs (Run, Model, Environment,
Workspace, Experiment, ScriptRunConfig, Webservice, Dataset, Datastore, ...), and __path__ also lists the
real package's folder, so the modules only it has (azureml.core.image, .keyvault, ...) import from it.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

from benchtop._model import Model  # noqa: E402
from benchtop._run import Experiment, Run  # noqa: E402
from benchtop._version import AZUREML_VERSION as VERSION  # noqa: E402

__version__ = VERSION

_LAZY = {
    "ComputeTarget": "benchtop._compute",
    "ContainerRegistry": "benchtop._container_registry",
    "Dataset": "benchtop._dataset_entry",
    "Datastore": "benchtop._datastore",
    "Environment": "benchtop._environment",
    "RunConfiguration": "benchtop._run_config",
    "ScriptRun": "benchtop._script_run",
    "ScriptRunConfig": "benchtop._script_run_config",
    "Webservice": "benchtop._webservice",
    "Workspace": "benchtop._workspace",
    "get_run": "benchtop._run",
}

# What only Azure's azureml-core has, from its own modules when it is installed beside this package.
_FROM_AZUREML_CORE = {
    "Image": "azureml.core.image",
    "Keyvault": "azureml.core.keyvault",
    "LinkedService": "azureml.core.linked_service",
    "PrivateEndPoint": "azureml.core.private_endpoint",
    "PrivateEndPointConfig": "azureml.core.private_endpoint",
    "SynapseWorkspaceLinkedServiceConfiguration": "azureml.core.linked_service",
}


def _beside_azureml_core():
    import os

    return any(os.path.isfile(os.path.join(folder, "dataset.py")) for folder in __path__[1:])


__all__ = ["Experiment", "Model", "Run", "VERSION"] + sorted(_LAZY)
if _beside_azureml_core():
    __all__ += sorted(_FROM_AZUREML_CORE)


def __getattr__(name):
    import importlib

    module = _LAZY.get(name)
    if module is None and name in _FROM_AZUREML_CORE:
        if not _beside_azureml_core():
            # ImportError, not AttributeError, so `from azureml.core import Dataset` shows this text.
            raise ImportError(
                "azureml.core.%s comes from Azure's azureml-core package, which is not installed in this Python "
                "(%s). Benchtop has no %s of its own: `pip install azureml-core` beside Benchtop's package "
                "(Benchtop's Run, Model, Workspace, Dataset, ... stay in charge; what needs Azure says so)."
                % (name, __import__("sys").executable, name)
            )
        module = _FROM_AZUREML_CORE[name]
    if module is None:
        raise AttributeError("module 'azureml.core' has no attribute %r" % name)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
