"""azureml.data's DataReference and DataPath: a path in a datastore (a folder of the workspace here)."""


class DataReference(object):
    """azureml.data.data_reference.DataReference: a path in a datastore; as a run argument, its local path."""

    def __init__(
        self,
        datastore,
        data_reference_name=None,
        path_on_datastore=None,
        mode="mount",
        path_on_compute=None,
        overwrite=False,
    ):
        import uuid

        self.datastore = datastore
        self.path_on_datastore = path_on_datastore
        self.mode = mode
        self.path_on_compute = path_on_compute
        self.overwrite = overwrite
        if not data_reference_name and path_on_datastore and not _is_current(path_on_datastore):
            data_reference_name = uuid.uuid4().hex
        self.data_reference_name = data_reference_name or datastore.name

    def path(self, path=None, data_reference_name=None):
        if not path or _is_current(path):
            return DataReference(self.datastore, data_reference_name) if data_reference_name else self
        if self.path_on_datastore and not _is_current(self.path_on_datastore):
            path = "{0}/{1}".format(self.path_on_datastore, path)
        return DataReference(self.datastore, data_reference_name, path)

    def _clone(self, **changes):
        values = dict(
            datastore=self.datastore,
            data_reference_name=self.data_reference_name,
            path_on_datastore=self.path_on_datastore,
            mode=self.mode,
            path_on_compute=self.path_on_compute,
            overwrite=self.overwrite,
        )
        values.update(changes)
        return DataReference(**values)

    def as_mount(self):
        return self._clone(mode="mount")

    def as_download(self, path_on_compute=None, overwrite=False):
        return self._clone(mode="download", path_on_compute=path_on_compute)

    def as_upload(self, path_on_compute=None, overwrite=False):
        return self._clone(mode="upload", path_on_compute=path_on_compute)

    def _local_path(self):
        return self.datastore._local_path(self.path_on_datastore)

    def __str__(self):
        return "$AZUREML_DATAREFERENCE_{0}".format(self.data_reference_name)

    __repr__ = __str__


def _is_current(path):
    return path in ("/", ".", "./")


class DataPath(object):
    """azureml.data.datapath.DataPath: a datastore and a path (or glob) in it."""

    def __init__(self, datastore=None, path_on_datastore=None, name=None):
        import uuid

        if datastore is None:
            raise ValueError("datastore parameter is required.")
        self._datastore = datastore
        self._path_on_datastore = path_on_datastore
        self._name = name or "{0}_{1}".format(datastore.name, uuid.uuid4().hex[0:8])

    @property
    def datastore_name(self):
        return self._datastore.name

    @property
    def path_on_datastore(self):
        return self._path_on_datastore

    @staticmethod
    def create_from_data_reference(data_reference):
        if not isinstance(data_reference, DataReference):
            raise ValueError(
                "Invalid type. Expected DataReference, but type is {0}".format(type(data_reference).__name__)
            )
        return DataPath(data_reference.datastore, data_reference.path_on_datastore)

    def _serialize_to_dict(self):
        return {"name": self._name, "path_on_datastore": self.path_on_datastore, "datastore": self.datastore_name}
