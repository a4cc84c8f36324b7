"""azureml.core.Dataset: the factories (Dataset.File, Dataset.Tabular) and the lookups of registered datasets.

As in azureml-core, FileDataset and TabularDataset are not subclasses of it (they are AbstractDatasets).
"""

from . import _cli
from ._dataset import AbstractDataset, _from_record
from ._dataset_factory import FileDatasetFactory, TabularDatasetFactory
from ._exceptions import UserErrorException


class Dataset(object):
    """azureml.core.Dataset: the factories (Dataset.File, Dataset.Tabular) and finding registered datasets."""

    File = FileDatasetFactory
    Tabular = TabularDatasetFactory
    get_by_name = staticmethod(AbstractDataset.get_by_name)
    get_by_id = staticmethod(AbstractDataset.get_by_id)
    get_all = staticmethod(AbstractDataset.get_all)

    def __init__(self, definition=None, workspace=None, name=None, id=None):
        raise UserErrorException(
            "The Dataset constructor is deprecated in azureml-core and not available here: create datasets with "
            "Dataset.File.from_files(...) or Dataset.Tabular.from_delimited_files(...), and get registered ones "
            "with Dataset.get_by_name(ws, name)."
        )

    @staticmethod
    def get(workspace, name=None, id=None):
        """Deprecated in azureml-core: get_by_name / get_by_id."""
        if name and id:
            found = AbstractDataset.get_by_id(workspace, id)
            if found.name != name:
                raise UserErrorException("Dataset id %s is %s, not %s." % (id, found.name, name))
            return found
        if id:
            return AbstractDataset.get_by_id(workspace, id)
        return AbstractDataset.get_by_name(workspace, name)

    @staticmethod
    def list(workspace):
        """Deprecated in azureml-core: get_all."""
        return [_from_record(workspace, r) for r in _cli.call(["data", "list", "--latest"], workspace)]
