"""azureml-core's _OfflineRun: what Run.get_context() returns outside a run. It stores nothing and
prints what it would have done, in azureml-core's words, so a training script runs the same on a
laptop (`python train.py`) as in a run.

Beyond azureml-core (for scripts that read back what they set): get_tags, get_properties and
get_metrics answer from memory ({} for metrics), get_status is "Running"."""

import uuid


class OfflineRun(object):
    def __init__(self, parent_logger=None, run_id=None, **kwargs):
        self._run_id = "OfflineRun_{}".format(uuid.uuid4()) if run_id is None else run_id
        self._tags = {}
        self._properties = {}
        self.parent = None
        self.display_name = self._run_id

    @property
    def id(self):
        return self._run_id

    @property
    def experiment(self):
        from ._experiment import Experiment

        return Experiment._in_run("offline", None)

    def add_properties(self, properties):
        print("Attempted to add properties {0}".format(properties))
        for key, value in dict(properties).items():
            self._properties.setdefault(str(key), str(value))

    def set_tags(self, tags):
        print("Attempted to set tags {0}".format(tags))
        self._tags.update({str(k): "" if v is None else str(v) for k, v in dict(tags).items()})

    def tag(self, name, value=None):
        print("Attempted to add tag {0} with value {1}".format(name, value))
        self._tags[str(name)] = "" if value is None else str(value)

    def get_tags(self):
        return dict(self._tags)

    def get_properties(self):
        return dict(self._properties)

    def get_status(self):
        return "Running"

    def complete(self, _set_status=True):
        pass

    def fail(self, error_details=None, error_code=None, _set_status=True):
        print("Run failed with error code {}:\n{}".format(str(error_code), str(error_details)))

    def cancel(self):
        pass

    def log(self, name, value, description="", step=None):
        self._emit("scalar", name, value)

    def log_list(self, name, value, description=""):
        self._emit("list", name, value)

    def log_table(self, name, value, description=""):
        self._emit("table", name, value)

    def log_row(self, name, description=None, **kwargs):
        self._emit("row", name, kwargs)

    def log_image(self, name, path=None, plot=None, description=""):
        self._emit("image", name, plot or path)

    def log_residuals(self, name, value, description=None):
        self._emit("residual", name, value)

    def log_predictions(self, name, value, description=None):
        self._emit("predictions", name, value)

    def log_accuracy_table(self, name, value, description=None):
        self._emit("accuracy_table", name, value)

    def log_confusion_matrix(self, name, value, description=None):
        self._emit("confusion_matrix", name, value)

    def get_metrics(self, name=None, recursive=False, run_type=None, populate=False):
        return {}

    def upload_folder(self, name, path, datastore_name=None):
        print("Attempted to track folder {0} at {1}".format(name, path))

    def upload_files(self, names, paths, return_artifacts=False, timeout_seconds=None, datastore_name=None):
        print("Attempted to track files {0} at {1} with timeout {2}s".format(names, paths, timeout_seconds))

    def upload_file(self, name, path_or_stream, datastore_name=None):
        print("Attempted to track file {0} at {1}".format(name, path_or_stream))

    def register_model(self, model_name, model_path=None, **kwargs):
        print("Attempted to register model %s" % model_name)

    def child_run(self, name=None, run_id=None, outputs=None):
        child_name = str(uuid.uuid4()) if name is None else name
        return OfflineRun(run_id="{}.{}".format(self.id, child_name) if run_id is None else run_id)

    def __enter__(self):
        print("[START] Run {} context".format(self.id))
        return self

    def __exit__(self, exit_type, value, traceback):
        print("[STOP] Run {} context".format(self.id))

    def _emit(self, type, name, value):
        print("Attempted to log {0} metric {1}:\n{2}".format(type, name, value))

    def flush(self, timeout_seconds=300):
        pass

    def __repr__(self):
        return "Run(id=%r, experiment='offline')" % self._run_id
