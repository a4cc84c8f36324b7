"""`from azureml.data import FileDataset, TabularDataset` (and azureml.data.* modules) for Azure ML v1 code.

Benchtop's datasets (benchtop._dataset and friends) under azureml-core's module paths. Beside the real
azureml-core, __path__ lists its azureml/data folder after this one, so the modules only it has import from
it, while these (the datasets, datastores and their factories) stay Benchtop's; so do the names only its
package exports (OutputFileDatasetConfig, ...), from its modules.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

from benchtop._dataset_factory import DataType  # noqa: E402
from benchtop._file_dataset import FileDataset  # noqa: E402
from benchtop._tabular_dataset import TabularDataset  # noqa: E402

# What only Azure's azureml.data exports, from its own modules when azureml-core is installed beside this package.
_FROM_AZUREML_CORE = {
    "OutputFileDatasetConfig": "azureml.data.output_dataset_config",
    "HDFSOutputDatasetConfig": "azureml.data.output_dataset_config",
    "LinkFileOutputDatasetConfig": "azureml.data.output_dataset_config",
    "LinkTabularOutputDatasetConfig": "azureml.data.output_dataset_config",
    "DatacacheStore": "azureml.data.datacache",
}


def _beside_azureml_core():
    import os

    return any(os.path.isfile(os.path.join(folder, "output_dataset_config.py")) for folder in __path__[1:])


__all__ = ["DataType", "FileDataset", "TabularDataset"]
if _beside_azureml_core():
    __all__ += sorted(_FROM_AZUREML_CORE)


def __getattr__(name):
    import importlib

    module = _FROM_AZUREML_CORE.get(name)
    if module is None:
        raise AttributeError("module 'azureml.data' has no attribute %r" % name)
    if not _beside_azureml_core():
        # ImportError, not AttributeError, so `from azureml.data import OutputFileDatasetConfig` shows this text.
        raise ImportError(
            "azureml.data.%s comes from Azure's azureml-core package, which is not installed in this Python (%s). "
            "Benchtop has no %s of its own: a run's files under ./outputs are kept with the run (register them "
            "afterwards with Dataset.File.from_files or run.register_model)."
            % (name, __import__("sys").executable, name)
        )
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
