"""`from azureml.data import FileDataset, TabularDataset` (and azureml.data.* modules) for Azure ML v1 code.

Benchtop's datasets (benchtop._dataset and friends) under azureml-core's module paths. Beside the real
azureml-core, __path__ lists its azureml/data folder after this one, so the modules only it has import from
it, while these (the datasets, datastores and their factories) stay Benchtop's.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

from benchtop._dataset_factory import DataType  # noqa: E402
from benchtop._file_dataset import FileDataset  # noqa: E402
from benchtop._tabular_dataset import TabularDataset  # noqa: E402

__all__ = ["DataType", "FileDataset", "TabularDataset"]
