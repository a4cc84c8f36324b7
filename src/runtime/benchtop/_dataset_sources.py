"""Where a dataset's files are: local paths, globs and (datastore, path) pairs before registration, the
workspace's blob store after it.

A source's files get the relative paths the registry gives them (the contract's rule, so a dataset reads
the same before and after `register`): a file contributes its basename, a folder its contents relative to
the folder, a glob its matches relative to the glob's non-wildcard base folder. Globs are Python's own
(glob.glob, recursive `**`).
"""

import glob
import os

from ._exceptions import UserErrorException

_WILDCARDS = ("*", "?", "[")


class DatasetValidationError(UserErrorException):
    """azureml.data.dataset_error_handling.DatasetValidationError: the data is not there (or not readable)."""

    def __init__(self, message, exception=None):
        super().__init__(message, inner_exception=exception)


def _not_found(source):
    # Azure's text (dataset_factory._transform_and_validate) and dataprep's reason, then where Benchtop looked.
    return DatasetValidationError(
        "Failed to validate the data.If data is inaccessible, please set validate to False.\n"
        "Found no resources for the input provided: '%s'. Check the path (relative paths are from %s), "
        "or the glob's pattern." % (source, os.getcwd())
    )


def is_glob(path):
    return any(c in path for c in _WILDCARDS)


def _glob_base(pattern):
    """The folder a glob's matches are relative to: its leading components without wildcards."""
    parts = pattern.split(os.sep)
    fixed = []
    for part in parts:
        if is_glob(part):
            break
        fixed.append(part)
    return os.sep.join(fixed) or os.sep


def _walk(folder):
    out = []
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            out.append((os.path.relpath(full, folder).replace(os.sep, "/"), full))
    return out


def expand(source):
    """[(relative path, absolute file)] of one absolute source (file, folder or glob); raises when it has none."""
    if is_glob(source):
        base = _glob_base(source)
        matches = sorted(p for p in glob.glob(source, recursive=True) if os.path.isfile(p))
        out = [(os.path.relpath(p, base).replace(os.sep, "/"), p) for p in matches]
    elif os.path.isdir(source):
        out = _walk(source)
    elif os.path.isfile(source):
        out = [(os.path.basename(source), source)]
    else:
        out = []
    if not out:
        raise _not_found(source)
    return out


def expand_all(sources):
    """The files of every source, sorted by relative path; two sources giving one path are refused naming both."""
    seen = {}
    for source in sources:
        for relative, full in expand(source):
            if relative in seen and seen[relative][0] != source:
                raise UserErrorException(
                    "Two sources give the file %r: %s and %s. Register them as separate datasets, or point at "
                    "their common folder so their paths differ." % (relative, seen[relative][0], source)
                )
            seen[relative] = (source, full)
    return sorted((relative, full) for relative, (_source, full) in seen.items())


def blob_path(store, digest):
    """A stored file's path in the blob store (the models' BlobStore layout: <store>/<2 hex>/<digest>)."""
    return os.path.join(store, digest[:2], digest)


def normalize(path):
    """Azure's `path` argument (one or a list of: local path or glob, (datastore, path), DataPath) as absolute paths."""
    from ._datastore import AbstractDatastore
    from ._datastore_paths import DataPath, DataReference

    invalid = UserErrorException(
        "Invalid argument type for `path`. It can be single value or a list of: a local path or glob, "
        "`azureml.data.datapath.DataPath` object, or tuple of `azureml.core.Datastore` object and string for "
        "relative path in the datastore."
    )
    if path is None:
        raise invalid
    items = path if isinstance(path, list) else [path]
    if not items:
        raise invalid
    out = []
    for item in items:
        if isinstance(item, DataPath):
            out.append(item._datastore._local_path(item.path_on_datastore))
        elif isinstance(item, DataReference):
            out.append(item.datastore._local_path(item.path_on_datastore))
        elif isinstance(item, tuple):
            if len(item) != 2 or not isinstance(item[0], AbstractDatastore) or not isinstance(item[1], str):
                raise UserErrorException(
                    "Invalid tuple for path. Please make sure the tuple consists of a datastore and a path/SQL query"
                )
            out.append(item[0]._local_path(item[1]))
        elif isinstance(item, os.PathLike) or isinstance(item, str):
            text = os.fspath(item)
            if "://" in text:
                raise UserErrorException(
                    "%r is a URL; Benchtop works offline and reads local files only. Download it first "
                    "(e.g. urllib.request.urlretrieve), then create the dataset from the local file." % text
                )
            out.append(os.path.abspath(os.path.expanduser(text)))
        else:
            raise invalid
    return out
