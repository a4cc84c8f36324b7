"""azureml.core.Datastore on the workspace's folders: `<workspace>/datastores/<name>/`.

Every workspace has `workspaceblobstore` (Azure's default datastore's name), made on first use; upload,
upload_files and download copy files in and out as Azure's blob datastore does (same arguments, same
skipping of existing files, same progress lines), and (datastore, "path") pairs and DataPath name files in
it for the dataset factories. Registering an Azure storage account or database needs Azure: refused.
"""

import os
import re
import sys
import tempfile

from . import _cli
from ._atomic_copy import atomic_copy as _copy
from ._datastore_paths import DataReference
from ._exceptions import UserErrorException

DEFAULT_DATASTORE = "workspaceblobstore"
_DEFAULT_FILE = ".default"


def _needs_azure(what):
    return UserErrorException(
        "%s needs Azure; this Benchtop workspace is a folder on this machine. Its datastore is a folder too: "
        "ws.get_default_datastore().upload(src_dir) copies files into it, or create datasets from local paths "
        "(Dataset.File.from_files('data/'))." % what
    )


def _listed(workspace):
    try:
        return _cli.call(["data", "datastores"], workspace)
    except _cli.BenchtopCliError as err:
        raise UserErrorException(str(err))


def _default_name(workspace, stores):
    from ._dataset import _workspace_root

    try:
        with open(os.path.join(_workspace_root(workspace), "datastores", _DEFAULT_FILE)) as f:
            chosen = f.read().strip()
    except OSError:
        chosen = ""
    return chosen if chosen in {s["name"] for s in stores} else DEFAULT_DATASTORE


def get(workspace, name):
    stores = _listed(workspace)
    for store in stores:
        if store["name"] == name:
            return AzureBlobDatastore(workspace, name, store["path"])
    raise UserErrorException(
        "Datastore %r was not found in this workspace. Its datastores: %s (folders under %s)."
        % (name, ", ".join(s["name"] for s in stores) or "none", os.path.dirname(stores[0]["path"]) if stores else "-")
    )


def get_default(workspace):
    return get(workspace, _default_name(workspace, _listed(workspace)))


def all_datastores(workspace):
    return {s["name"]: AzureBlobDatastore(workspace, s["name"], s["path"]) for s in _listed(workspace)}


def set_default(workspace, name):
    from ._dataset import _workspace_root

    get(workspace, name)  # it must exist
    folder = os.path.join(_workspace_root(workspace), "datastores")
    fd, staging = tempfile.mkstemp(prefix=".default-", dir=folder)
    with os.fdopen(fd, "w") as f:
        f.write(name + "\n")
    os.replace(staging, os.path.join(folder, _DEFAULT_FILE))


class AbstractDatastore(object):
    def __init__(self, workspace, name, datastore_type):
        self.workspace = workspace
        self.name = name
        self.datastore_type = datastore_type

    def set_as_default(self):
        set_default(self.workspace, self.name)

    def unregister(self):
        raise UserErrorException(
            "Datastore %r is a folder of this workspace and stays; delete files in it yourself if you no longer "
            "need them." % self.name
        )


class AzureBlobDatastore(AbstractDatastore):
    """A datastore of this workspace: a folder (`root`) that upload/download copy files into and out of."""

    def __init__(self, workspace, name, root):
        super().__init__(workspace, name, "AzureBlob")
        self.root = root
        self.container_name = name
        self.account_name = "local"
        self.protocol = "file"
        self.endpoint = None
        self.sas_token = None
        self.account_key = None
        self.credential_type = "None"

    def __repr__(self):
        import json

        return json.dumps({"name": self.name, "container_name": self.container_name, "path": self.root}, indent=2)

    __str__ = __repr__

    def _local_path(self, path_on_datastore=None):
        relative = (path_on_datastore or "").lstrip("/\\")
        full = os.path.normpath(os.path.join(self.root, relative))
        if full != self.root and not full.startswith(self.root + os.sep):
            raise UserErrorException("%r is outside datastore %r." % (path_on_datastore, self.name))
        return full

    # --- references -------------------------------------------------------------------------
    def path(self, path=None, data_reference_name=None):
        return DataReference(self).path(path, data_reference_name)

    def as_mount(self):
        return DataReference(self).as_mount()

    def as_download(self, path_on_compute=None):
        return DataReference(self).as_download(path_on_compute)

    # --- copying files in and out -----------------------------------------------------------------
    def upload(self, src_dir, target_path=None, overwrite=False, show_progress=True):
        src_dir = os.fspath(src_dir).rstrip("/\\")
        if not os.path.isdir(src_dir):
            raise UserErrorException("src_path must be a directory.")
        pairs = []
        for dirpath, dirnames, filenames in os.walk(src_dir):
            dirnames.sort()
            pairs += _targets([os.path.join(dirpath, f) for f in sorted(filenames)], target_path, src_dir)
        self._copy_in(pairs, overwrite, show_progress)
        return DataReference(datastore=self, path_on_datastore=target_path or "")

    def upload_files(self, files, relative_root=None, target_path=None, overwrite=False, show_progress=True):
        files = [os.fspath(f) for f in files]
        # azureml-core's common_path: the files' common folder ("" for none, so no files upload nothing).
        relative_root = relative_root or (
            os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in files]) if files else ""
        )
        for path in files:
            if relative_root not in path and relative_root != "/" and relative_root not in os.path.abspath(path):
                raise UserErrorException(
                    "relative_root: '{}' is not part of the file_path: '{}'.".format(relative_root, path)
                )
        self._copy_in(_targets(files, target_path, relative_root), overwrite, show_progress)
        return DataReference(datastore=self, path_on_datastore=target_path or "")

    def _copy_in(self, pairs, overwrite, show_progress):
        console = _console(show_progress)
        total = len(pairs)
        console("Uploading an estimated of {} files".format(total))
        done = 0
        for source, target in pairs:
            destination = self._local_path(target)
            if not overwrite and os.path.exists(destination):
                total -= 1
                console("Target already exists. Skipping upload for {}".format(target))
                continue
            console("Uploading {}".format(source))
            _copy(source, destination)
            done += 1
            console("Uploaded {}, {} files out of an estimated total of {}".format(source, done, total))
        console("Uploaded {} files".format(done))
        return done

    def download(self, target_path, prefix=None, overwrite=False, show_progress=True):
        """Copies the files whose path starts with prefix into target_path; how many were copied."""
        console = _console(show_progress)
        os.makedirs(target_path, exist_ok=True)
        names = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            for filename in sorted(filenames):
                name = os.path.relpath(os.path.join(dirpath, filename), self.root).replace(os.sep, "/")
                if name != _DEFAULT_FILE and (not prefix or name.startswith(prefix.lstrip("/"))):
                    names.append(name)
        total, done = len(names), 0
        for name in names:
            destination = os.path.join(target_path, os.path.normpath(name))
            if not overwrite and os.path.exists(destination):
                print("Path already exists. Skipping download for {}".format(destination), file=sys.stderr)
                total -= 1
                continue
            console("Downloading {}".format(name))
            _copy(os.path.join(self.root, name), destination)
            done += 1
            console("Downloaded {}, {} files out of an estimated total of {}".format(name, done, total))
        return done


def _targets(files, target_path, relative_root):
    out = []
    # azureml-core's _sanitize_target_path: leading "./", "../" and "/" go.
    target_path = re.sub(r"^(\.*[/\\])*", "", target_path or "")
    for path in files:
        if not os.path.isfile(path):
            raise UserErrorException(
                "'{}' does not point to a file. Please upload the file to cloud first if running in a cloud "
                "notebook.".format(path)
            )
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(relative_root)).replace(os.sep, "/")
        out.append((path, "/".join(p for p in (target_path.strip("/"), relative) if p)))
    return out


def _console(show_progress):
    def log(message):
        if show_progress:
            sys.stdout.write(message + "\n")

    return log


class Datastore(object):
    """azureml.core.Datastore: Datastore(ws) is the default one, Datastore(ws, name) / Datastore.get the named one."""

    def __new__(cls, workspace, name=None):
        return get_default(workspace) if name is None else get(workspace, name)

    @staticmethod
    def get(workspace, datastore_name):
        return get(workspace, datastore_name)

    @staticmethod
    def get_default(workspace):
        return get_default(workspace)

    @staticmethod
    def register_azure_blob_container(workspace, datastore_name, container_name, account_name, *args, **kwargs):
        raise _needs_azure("Datastore.register_azure_blob_container")

    @staticmethod
    def register_azure_file_share(workspace, datastore_name, file_share_name, account_name, *args, **kwargs):
        raise _needs_azure("Datastore.register_azure_file_share")

    @staticmethod
    def register_azure_data_lake(workspace, datastore_name, store_name, *args, **kwargs):
        raise _needs_azure("Datastore.register_azure_data_lake")

    @staticmethod
    def register_azure_data_lake_gen2(workspace, datastore_name, filesystem, account_name, *args, **kwargs):
        raise _needs_azure("Datastore.register_azure_data_lake_gen2")

    @staticmethod
    def register_azure_sql_database(workspace, datastore_name, server_name, database_name, *args, **kwargs):
        raise _needs_azure("Datastore.register_azure_sql_database")

    @staticmethod
    def register_azure_postgre_sql(workspace, datastore_name, server_name, database_name, *args, **kwargs):
        raise _needs_azure("Datastore.register_azure_postgre_sql")

    @staticmethod
    def register_azure_my_sql(workspace, datastore_name, server_name, database_name, *args, **kwargs):
        raise _needs_azure("Datastore.register_azure_my_sql")

    @staticmethod
    def register_dbfs(workspace, datastore_name):
        raise _needs_azure("Datastore.register_dbfs")

    @staticmethod
    def register_hdfs(workspace, datastore_name, *args, **kwargs):
        raise _needs_azure("Datastore.register_hdfs")
