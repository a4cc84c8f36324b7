"""The Run API (Azure ML SDK v1 shape) for scripts run by Benchtop.

Inside a Benchtop run (BENCHTOP_RUN_ID and BENCHTOP_RUN_EVENTS set) records go
to the run's events file, which the app tails live. Outside one, an offline
run prints what it would have logged, as Azure's offline run does.
"""

import os
import shutil
import sys
import uuid

from ._writer import EventWriter, check_name, decode_value, encode_value, read_events, warn

_context = None


class Experiment:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Experiment(name=%r)" % self.name


class _BaseRun:
    """What both the live and the offline run share: tags and properties in memory."""

    def __init__(self, run_id, experiment_name):
        self.id = run_id
        self.experiment = Experiment(experiment_name)
        self.display_name = run_id
        self.parent = None
        self._tags = {}
        self._properties = {}

    # --- tags and properties -------------------------------------------------
    def tag(self, key, value=None):
        self.set_tags({key: "" if value is None else value})

    def set_tags(self, tags):
        clean = {str(k): ("" if v is None else str(v)) for k, v in dict(tags).items()}
        self._tags.update(clean)
        self._record({"type": "tags", "tags": clean})

    def get_tags(self):
        return dict(self._tags)

    def add_properties(self, properties):
        """Properties are add-only: changing one already set raises, as in Azure."""
        clean = {str(k): str(v) for k, v in dict(properties).items()}
        for key, value in clean.items():
            if key in self._properties and self._properties[key] != value:
                raise ValueError(
                    "Property %r is already set to %r; properties cannot be changed." % (key, self._properties[key])
                )
        self._properties.update(clean)
        self._record({"type": "properties", "properties": clean})

    def get_properties(self):
        return dict(self._properties)

    def get_status(self):
        return "Running"

    def __repr__(self):
        return "Run(id=%r, experiment=%r)" % (self.id, self.experiment.name)


class OfflineRun(_BaseRun):
    """Returned outside a Benchtop run: prints what it would log."""

    def __init__(self):
        super().__init__("OfflineRun_%s" % uuid.uuid4(), "offline")

    def _record(self, record):
        pass

    def _say(self, kind, name, value):
        print("Attempted to log %s metric %s:\n%s" % (kind, name, value))

    def log(self, name, value, description="", step=None):
        self._say("scalar", name, value)

    def log_list(self, name, value, description=""):
        self._say("list", name, value)

    def log_row(self, name, description=None, **kwargs):
        self._say("row", name, kwargs)

    def log_table(self, name, value, description=""):
        self._say("table", name, value)

    def log_image(self, name, path=None, plot=None, description=""):
        self._say("image", name, path if path is not None else plot)

    def get_metrics(self, name=None, recursive=False, run_type=None, populate=False):
        return {}

    def upload_file(self, name, path_or_stream):
        print("Attempted to upload file %s" % name)

    def upload_folder(self, name, path):
        print("Attempted to upload folder %s" % name)

    def register_model(self, model_name, model_path=None, **kwargs):
        print("Attempted to register model %s" % model_name)

    def complete(self, _set_status=True):
        pass

    def fail(self, error_details=None, error_code=None, _set_status=True):
        pass

    def flush(self):
        pass


class LiveRun(_BaseRun):
    def __init__(self, run_id, experiment_name, events_path, files_dir):
        super().__init__(run_id, experiment_name)
        self._writer = EventWriter(events_path)
        self._events_path = events_path
        self._files_dir = files_dir

    def _record(self, record):
        self._writer.write(record)

    def flush(self):
        self._writer.flush()

    # --- metrics ---------------------------------------------------------------
    def log(self, name, value, description="", step=None):
        if not check_name(name):
            return
        record = {"type": "scalar", "name": name, "value": encode_value(value)}
        if step is not None:
            record["step"] = encode_value(step)
        if description:
            record["description"] = str(description)
        self._record(record)

    def log_list(self, name, value, description=""):
        if check_name(name):
            self._record(
                {
                    "type": "list",
                    "name": name,
                    "value": [encode_value(v) for v in value],
                    "description": str(description),
                }
            )

    def log_row(self, name, description=None, **kwargs):
        if check_name(name):
            self._record(
                {
                    "type": "row",
                    "name": name,
                    "value": {str(k): encode_value(v) for k, v in kwargs.items()},
                    "description": str(description or ""),
                }
            )

    def log_table(self, name, value, description=""):
        if check_name(name):
            table = {
                str(k): [encode_value(v) for v in (col if isinstance(col, (list, tuple)) else [col])]
                for k, col in dict(value).items()
            }
            self._record({"type": "table", "name": name, "value": table, "description": str(description)})

    def log_image(self, name, path=None, plot=None, description=""):
        if not check_name(name):
            return
        if (path is None) == (plot is None):
            raise ValueError("log_image needs exactly one of path= or plot=.")
        target_dir = os.path.join(self._files_dir, "logs", "images")
        os.makedirs(target_dir, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
        if plot is not None:
            target = os.path.join(target_dir, "%s_%s.png" % (safe, uuid.uuid4().hex[:8]))
            figure = plot.gcf() if hasattr(plot, "gcf") else plot
            figure.savefig(target)
        else:
            target = os.path.join(
                target_dir, "%s_%s%s" % (safe, uuid.uuid4().hex[:8], os.path.splitext(str(path))[1] or ".png")
            )
            shutil.copyfile(path, target)
        self._record(
            {
                "type": "image",
                "name": name,
                "path": os.path.relpath(target, self._files_dir),
                "description": str(description),
            }
        )

    def get_metrics(self, name=None, recursive=False, run_type=None, populate=False):
        """Scalars logged once come back as a value, logged repeatedly as a list (Azure's shape)."""
        self._writer.flush()
        metrics = {}
        scalar_counts = {}
        for record in read_events(self._events_path):
            kind = record.get("type")
            key = record.get("name")
            if key is None or (name is not None and key != name):
                continue
            if kind == "scalar":
                metrics.setdefault(key, []).append(decode_value(record["value"]))
                scalar_counts[key] = scalar_counts.get(key, 0) + 1
            elif kind == "list":
                metrics[key] = [decode_value(v) for v in record["value"]]
            elif kind == "row":
                row = metrics.setdefault(key, {})
                for column, value in record["value"].items():
                    row.setdefault(column, []).append(decode_value(value))
            elif kind == "table":
                metrics[key] = {c: [decode_value(v) for v in values] for c, values in record["value"].items()}
            elif kind == "image":
                metrics[key] = record["path"]
        return {k: (v[0] if scalar_counts.get(k) == 1 else v) for k, v in metrics.items()}

    # --- files -----------------------------------------------------------------
    def upload_file(self, name, path_or_stream):
        target = self._upload_target(name)
        if hasattr(path_or_stream, "read"):
            with open(target, "wb") as out:
                shutil.copyfileobj(path_or_stream, out)
        else:
            shutil.copyfile(path_or_stream, target)
        self._record({"type": "file", "name": name})

    def upload_files(self, names, paths):
        for name, path in zip(names, paths):
            self.upload_file(name, path)

    def upload_folder(self, name, path):
        for root, _dirs, files in os.walk(path):
            for file in files:
                full = os.path.join(root, file)
                self.upload_file(os.path.join(name, os.path.relpath(full, path)).replace(os.sep, "/"), full)

    def _upload_target(self, name):
        normalised = os.path.normpath(str(name)).lstrip(os.sep)
        if normalised.startswith(".."):
            raise ValueError("Upload name %r leaves the run's folder." % name)
        target = os.path.join(self._files_dir, "uploads", normalised)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return target

    # --- models and status -------------------------------------------------------
    def register_model(
        self,
        model_name,
        model_path=None,
        tags=None,
        properties=None,
        model_framework=None,
        model_framework_version=None,
        description=None,
        datasets=None,
        sample_input_dataset=None,
        sample_output_dataset=None,
        resource_configuration=None,
        **kwargs,
    ):
        """Registers a file or folder of this run (outputs/..., logs/... or an uploaded path) in the local registry now."""
        from ._model import register_from_run

        self._writer.flush()
        model = register_from_run(
            self, model_name, model_path, tags, properties, description, model_framework, model_framework_version
        )
        self._record({"type": "register_model", "name": model.name, "version": model.version, "path": model_path})
        return model

    def complete(self, _set_status=True):
        self._record({"type": "status", "status": "Completed"})
        self._writer.flush()

    def fail(self, error_details=None, error_code=None, _set_status=True):
        self._record(
            {"type": "status", "status": "Failed", "error": None if error_details is None else str(error_details)}
        )
        self._writer.flush()


def get_context(allow_offline=True):
    """The run this process belongs to, or an offline run outside Benchtop."""
    global _context
    if _context is not None:
        return _context
    run_id = os.environ.get("BENCHTOP_RUN_ID") or os.environ.get("AZUREML_RUN_ID")
    events = os.environ.get("BENCHTOP_RUN_EVENTS")
    if run_id and events:
        files = os.environ.get("BENCHTOP_RUN_FILES") or os.path.dirname(events)
        _context = LiveRun(run_id, os.environ.get("AZUREML_ARM_PROJECT_NAME", "Default"), events, files)
    elif allow_offline:
        _context = OfflineRun()
    else:
        raise RuntimeError("Not inside a Benchtop run (BENCHTOP_RUN_ID is not set); use allow_offline=True.")
    return _context


class Run:
    """`Run.get_context()` as in azureml.core."""

    @staticmethod
    def get_context(allow_offline=True, **kwargs):
        return get_context(allow_offline)


if sys.version_info < (3, 6):  # pragma: no cover - guard for very old interpreters
    warn("Benchtop's runtime needs Python 3.6 or later")
