"""azureml.data.FileDataset: files (one, a folder, a glob) to list, download, mount or hand to a run."""

from . import _dataset_plan
from ._dataset import AbstractDataset
from ._exceptions import UserErrorException


class FileDataset(AbstractDataset):
    """Files on this machine or in the workspace's store; records are files, in path order."""

    _kind = "file"

    def __init__(self):
        super().__init__()

    def _files(self):
        return _dataset_plan.apply_to_list(self._plan, self._all_files())

    def to_path(self):
        """The files' paths as the dataset sees them ("/folder/file.csv"), without reading them."""
        return ["/" + relative for relative, _path in self._files()]

    def download(self, target_path=None, overwrite=False, ignore_not_found=False):
        """Copies the files into target_path (a new temp folder when None); their absolute paths."""
        from ._dataset_read import copy_files

        return copy_files(self._files(), target_path, overwrite)

    def mount(self, mount_point=None, **kwargs):
        """A read-only folder of the files (symlinks): `with ds.mount() as m: os.listdir(m.mount_point)`."""
        from ._dataset_mount import MountContext

        return MountContext(self._files(), mount_point, stored=(self._registration or self._derived_from) is not None)

    def as_mount(self, path_on_compute=None):
        return self.as_named_input(name=None).as_mount(path_on_compute=path_on_compute)

    def as_download(self, path_on_compute=None):
        return self.as_named_input(name=None).as_download(path_on_compute=path_on_compute)

    def as_hdfs(self):
        raise UserErrorException("as_hdfs needs an Azure Synapse Spark pool; use as_mount() or as_download() here.")

    def file_metadata(self, col):
        raise UserErrorException("file_metadata is experimental in azureml-core and not available here: use os.stat().")

    def filter(self, expression):
        raise UserErrorException(
            "filter takes azureml-dataprep expressions, which Benchtop does not have: select the files with a glob "
            "(Dataset.File.from_files('data/**/2024-*.csv')) instead."
        )
