"""azureml.data.dataset_consumption_config.DatasetConsumptionConfig: how a run gets a dataset.

ds.as_named_input("train").as_mount() in a ScriptRunConfig's arguments becomes `--input
train=NAME:VERSION:mount` on `benchtop run submit` and the argument `DatasetConsumptionConfig:train`, which the
run replaces by the path (benchtop._script_run_inputs). Names, modes and errors as azureml-core's.
"""

import logging
import re
import uuid

from ._exceptions import UserErrorException

DIRECT_MODE, DOWNLOAD_MODE, MOUNT_MODE, HDFS_MODE = "direct", "download", "mount", "hdfs"
_DATASET_ARGUMENT_TEMPLATE = "DatasetConsumptionConfig:{}"
# azureml.data.constants._PROHIBITED_NAMES: names that collide with common environment variables.
_PROHIBITED_NAMES = {"path", "ld_library_path", "user", "logname", "home", "pwd", "shell"}


def _validate_name(name, mode):
    if not name:
        raise UserErrorException("Invalid {} name. Name cannot be empty or None, please use a valid name.".format(mode))
    if name.lower() in _PROHIBITED_NAMES:
        logging.getLogger().warning(
            '{} name "{}" has the potential to collide with common environment variable names and can lead to '
            "unexpected behavior. Please consider using a different name. This will result in an error in future "
            "versions of the SDK.".format(mode.capitalize(), name)
        )
    if re.search("^[a-zA-Z_]+[a-zA-Z0-9_]*$", name):
        return name
    raise UserErrorException(
        'Invalid {} name "{}". The name can only be alphanumeric characters and underscore, '
        "and must not begin with a number.".format(mode, name)
    )


class DatasetConsumptionConfig(object):
    """A dataset as a run's input: its name in run.input_datasets, the mode, where it appears."""

    _SUPPORTED_MODE = {DIRECT_MODE, DOWNLOAD_MODE, MOUNT_MODE, HDFS_MODE}

    def __init__(self, name, dataset, mode=DIRECT_MODE, path_on_compute=None):
        mode = mode.lower()
        DatasetConsumptionConfig._validate_mode(dataset, mode)
        if isinstance(dataset, tuple):
            from ._dataset import AbstractDataset

            workspace, dataset_name = dataset[0], dataset[1]
            version = dataset[2] if len(dataset) > 2 else "latest"
            dataset = AbstractDataset.get_by_name(workspace, dataset_name, version)
        self.dataset = dataset
        if name:
            self._name = _validate_name(name, "input")
        elif dataset.id:
            self._name = "{}_{}".format("input_", str(dataset.id).split("-")[0])
        else:
            self._name = "{}_{}".format("input_", str(uuid.uuid4()).split("-")[0])
        self.arg_val = _DATASET_ARGUMENT_TEMPLATE.format(self._name)
        self.mode = mode
        self.path_on_compute = path_on_compute

    @staticmethod
    def _validate_mode(dataset, mode):
        from ._tabular_dataset import TabularDataset

        if mode not in DatasetConsumptionConfig._SUPPORTED_MODE:
            raise UserErrorException(
                "Invalid mode '{}'. Mode can only be mount, download, hdfs, link, or direct".format(mode)
            )
        if isinstance(dataset, TabularDataset) and mode in (DOWNLOAD_MODE, MOUNT_MODE, HDFS_MODE):
            raise UserErrorException(
                "{} does not support {}. Only FileDataset supports {}".format(type(dataset), mode, mode)
            )

    def as_download(self, path_on_compute=None):
        return DatasetConsumptionConfig(self.name, self.dataset, DOWNLOAD_MODE, path_on_compute)

    def as_mount(self, path_on_compute=None):
        return DatasetConsumptionConfig(self.name, self.dataset, MOUNT_MODE, path_on_compute)

    def as_hdfs(self):
        raise UserErrorException("as_hdfs needs an Azure Synapse Spark pool; use as_mount() or as_download() here.")

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        self._name = _validate_name(value, "input")

    def __repr__(self):
        return "DatasetConsumptionConfig(name=%r, mode=%r, dataset=%s)" % (
            self._name,
            self.mode,
            "%s:%s" % (self.dataset.name, self.dataset.version) if self.dataset.name else "unregistered",
        )
