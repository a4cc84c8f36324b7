"""Dataset.File.upload_directory and Dataset.Tabular.register_pandas_dataframe: files into a datastore folder,
then a dataset of them (as azureml-core's, which upload to the datastore's blob container)."""

import fnmatch
import os
import shutil
import sys
import tempfile
import uuid

from ._exceptions import UserErrorException


def _parse_target(target):
    from ._datastore import AbstractDatastore
    from ._datastore_paths import DataPath

    if isinstance(target, AbstractDatastore):
        return target, ""
    if isinstance(target, DataPath):
        return target._datastore, (target.path_on_datastore or "").strip("/")
    if isinstance(target, tuple) and len(target) == 2 and isinstance(target[0], AbstractDatastore):
        return target[0], (target[1] or "").strip("/")
    raise UserErrorException(
        "Invalid argument type for `target`. It can be a datastore, a tuple of (datastore, relative path), or "
        "a DataPath; e.g. target=(ws.get_default_datastore(), 'data/iris')."
    )


def upload_directory(src_dir, target, pattern=None, overwrite=False, show_progress=True):
    from ._dataset_factory import FileDatasetFactory

    datastore, relative_path = _parse_target(target)
    src_dir = os.fspath(src_dir)
    if not os.path.isdir(src_dir):
        raise UserErrorException("src_dir must be a directory: %r is not one." % src_dir)
    files = []
    for dirpath, dirnames, filenames in os.walk(src_dir):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if pattern is None or fnmatch.fnmatch(os.path.relpath(full, src_dir).replace(os.sep, "/"), pattern):
                files.append(full)
    if show_progress:
        print("Uploading files from '{}' to '{}'".format(src_dir, relative_path))
    if files:
        datastore.upload_files(files, os.path.abspath(src_dir), relative_path, overwrite, show_progress)
    return FileDatasetFactory.from_files((datastore, relative_path or "/"))


def register_pandas_dataframe(
    dataframe, target, name, description, tags, show_progress, row_group_size, make_target_path_unique
):
    from ._dataset_factory import TabularDatasetFactory

    datastore, relative_path = _parse_target(target)
    if make_target_path_unique:
        relative_path = "%s/%s" % (relative_path, uuid.uuid4()) if relative_path else str(uuid.uuid4())
    folder = tempfile.mkdtemp(prefix="benchtop-frame-")
    try:
        file_path = os.path.join(folder, "%s.parquet" % uuid.uuid4())
        try:
            dataframe.to_parquet(file_path, row_group_size=row_group_size, engine="pyarrow", index=False)
        except ImportError as err:
            raise UserErrorException(
                "register_pandas_dataframe writes Parquet, which needs pyarrow in this Python (%s): "
                "`%s -m pip install pyarrow`. (%s)" % (sys.executable, sys.executable, err)
            )
        datastore.upload_files([file_path], folder, relative_path, True, show_progress)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    dataset = TabularDatasetFactory.from_parquet_files((datastore, relative_path + "/*.parquet"))
    return dataset.register(datastore.workspace, name, description, tags, create_new_version=True)
