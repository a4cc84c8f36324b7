"""azureml.core.run.Run: one run of a Benchtop workspace, from inside its script or from a notebook.

run = Run.get_context()              # inside a run: the live run; outside: an offline run
run = Run(experiment, run_id)        # any run, by id (Run.get(ws, run_id) too)
run.log("loss", 0.25); run.tag("stage", "dev"); run.get_metrics(); run.get_file_names()
child = run.child_run(); child.log("x", 1); child.complete()

Where things go. Metrics, tags and properties are records in the run's events file (its folder in
the workspace: runs/<id>/events.jsonl), which the app tails; the run that this process logs to
(the script's own run, or one it made: start_logging, child_run) appends there directly, and
anything else goes through the Benchtop CLI (the one client of the core, benchtop._cli): submit,
status, names, tags on another process's run, files by name, ending a run.
"""

import json
import logging
import os
import shutil
import sys
import uuid

from . import _cli, _metrics, _portal
from ._exceptions import (
    ExperimentExecutionException,
    RunEnvironmentException,
    ServiceException,
    UserErrorException,
)
from ._offline_run import OfflineRun
from ._writer import EventWriter, check_name, encode_value, warn

module_logger = logging.getLogger("azureml.core.run")

FINAL_STATUSES = ("Completed", "Failed", "Canceled")
RUNNING_STATES = ["Starting", "Preparing", "Running", "Provisioning", "Queued"]
POST_PROCESSING_STATES = ["Finalizing", "CancelRequested"]
OUTPUTS_DIR = "./outputs"
SDK_TARGET = "sdk"

_context = None


def _call(args, workspace=None):
    """A CLI call whose failure is Azure's exception: a missing run is a ServiceException (404)."""
    try:
        return _cli.call(args, workspace)
    except _cli.BenchtopCliError as err:
        if err.code == "NOT_FOUND":
            raise _not_found(str(err))
        raise UserErrorException(str(err))


def _not_found(message):
    err = ServiceException(message)
    err.status_code = 404
    return err


def _string_map(values, what):
    """Azure's tags and properties are strings; None becomes "" as azureml-core sends it."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise UserErrorException("%s must be a dict, got %s" % (what, type(values).__name__))
    return {str(k): "" if v is None else str(v) for k, v in values.items()}


def _pairs(flag, values):
    out = []
    for key, value in values.items():
        out += [flag, "%s=%s" % (key, value)]
    return out


class Run(object):
    """A run: metrics, files, tags and status, of a script run, an interactive run or a child run."""

    def __init__(self, experiment, run_id, outputs=None, **kwargs):
        data = kwargs.pop("_data", None)
        owned = kwargs.pop("_owned", False)
        kwargs.pop("_run_dto", None)
        kwargs.pop("clean_up", None)
        kwargs.pop("_parent_logger", None)
        if kwargs:
            raise TypeError("__init__() got an unexpected keyword argument '%s'" % next(iter(kwargs)))
        self._experiment = experiment
        self._run_id = run_id
        self._data = data if data is not None else _fetch(experiment.workspace, run_id, experiment.name)
        self._dir = self._data.get("directory")
        self._events = _metrics.events_path(self._dir) if self._dir else None
        self._files = os.path.join(self._dir, "files") if self._dir else None
        self._writer = None
        self._owned = owned
        self._parent_run = None
        outputs = [outputs] if isinstance(outputs, str) else list(outputs or [])
        for folder in outputs:
            os.makedirs(folder, exist_ok=True)
        self._outputs = outputs

    @classmethod
    def _from_data(cls, experiment, data, owned=False, **kwargs):
        """The right Run class for a run the CLI described (a ScriptRun for a submitted script, a HyperDriveRun
        for a sweep's parent)."""
        if cls is Run and data.get("runType") == "azureml.scriptrun":
            from ._script_run import ScriptRun

            cls = ScriptRun
        elif cls is Run and data.get("runType") == "hyperdrive":
            from ._hyperdrive_run import HyperDriveRun

            cls = HyperDriveRun
        return cls(experiment, data["id"], _data=data, _owned=owned, **kwargs)

    # --- finding runs -------------------------------------------------------------------
    @classmethod
    def get_context(cls, allow_offline=True, used_for_context_manager=False, **kwargs):
        """The run this process is the script of; outside one, an offline run (or RunEnvironmentException)."""
        return get_context(allow_offline, **kwargs)

    @classmethod
    def get_submitted_run(cls, **kwargs):
        module_logger.warning("Run.get_submitted_run() is deprecated. Use Run.get_context() instead.")
        return get_context(allow_offline=False)

    @staticmethod
    def get(workspace, run_id):
        """The run with this id, in any experiment of the workspace."""
        data = _fetch(workspace, run_id)
        return Run._from_data(Experiment(workspace, data["experiment"], _skip_name_validation=True), data)

    @staticmethod
    def list(
        experiment, type=None, tags=None, properties=None, status=None, include_children=False, _rehydrate_runs=True
    ):
        """The experiment's runs, newest first (children too with include_children=True)."""
        args = ["run", "list", "-x", experiment.name, "--limit", "20000"]
        args += _filters("--tag", tags) + _filters("--property", properties)
        if type:
            args += ["--type", type]
        if status:
            args += ["--status", status]
        if not include_children:
            args.append("--top-level")
        for data in _call(args, experiment.workspace):
            yield Run._from_data(experiment, data)

    @staticmethod
    def _start_logging(experiment, name=None, run_id=None, outputs=None, snapshot_directory=".", **kwargs):
        """An interactive run (Experiment.start_logging): Running until complete(), fail() or leaving `with`."""
        from ._interactive_run import start_logging

        return start_logging(experiment, name, run_id, outputs, snapshot_directory, **kwargs)

    # --- what it is -------------------------------------------------------------------
    @property
    def id(self):
        return self._run_id

    @property
    def name(self):
        return self._data.get("displayName") or self._run_id

    @property
    def display_name(self):
        return self._data.get("displayName") or self._run_id

    @display_name.setter
    def display_name(self, display_name):
        self._update(["--display-name", str(display_name)])

    @property
    def description(self):
        return self._data.get("description")

    @description.setter
    def description(self, description):
        self._update(["--description", str(description)])

    @property
    def type(self):
        return self._data.get("runType")

    @property
    def number(self):
        module_logger.warning("Run Number's semantics may be modified in the future")
        return self._data.get("number")

    @property
    def experiment(self):
        return self._experiment

    @property
    def parent(self):
        parent_id = self._data.get("parentRunId")
        if self._parent_run is None and parent_id:
            self._parent_run = Run(self._experiment, parent_id)
        return self._parent_run

    @property
    def status(self):
        return self._data.get("status")

    @property
    def tags(self):
        return self.get_tags()

    @property
    def properties(self):
        return self.get_properties()

    def _workspace_path(self):
        workspace = self._experiment.workspace
        return getattr(workspace, "_path", None) or os.environ.get("BENCHTOP_WORKSPACE")

    def get_portal_url(self):
        """The run's page in the local Benchtop UI (Azure: the studio's page)."""
        return _portal.run_url(self._workspace_path(), self._run_id)

    def __str__(self):
        return "Run(Experiment: %s,\nId: %s,\nType: %s,\nStatus: %s)" % (
            self._experiment.name,
            self._run_id,
            self.type,
            self.status,
        )

    __repr__ = __str__

    def _repr_html_(self):
        from ._html import table

        return table(
            [
                ("Experiment", self._experiment.name),
                ("Id", self._run_id),
                ("Type", self.type),
                ("Status", self.status),
                ("Details Page", self.get_portal_url()),
            ]
        )

    # --- status -----------------------------------------------------------------------------
    def _refresh(self):
        self._data = _fetch(self._experiment.workspace, self._run_id)
        return self._data

    def get_status(self):
        if self.status not in FINAL_STATUSES:
            self._refresh()
        return self.status

    def get_detailed_status(self):
        status = self.get_status()
        return {"status": status, "details": self._data.get("reason")}

    def get_details(self):
        """Azure's run details: runId, target, status, times, properties, runDefinition, logFiles, error."""
        from ._run_details import details

        return details(self, self._refresh())

    @property
    def input_datasets(self):
        """The datasets this run was given as inputs: input name -> dataset version (benchtop._run_datasets)."""
        from ._run_datasets import submitted_inputs

        return submitted_inputs(self._experiment.workspace, self._refresh())

    def get_details_with_logs(self):
        details = self.get_details()
        for name, location in list(details["logFiles"].items()):
            try:
                with open(location, encoding="utf-8", errors="replace") as f:
                    details["logFiles"][name] = f.read()
            except OSError:
                details["logFiles"][name] = ""
        return details

    def wait_for_completion(self, show_output=False, wait_post_processing=False, raise_on_error=True):
        """Waits for the run to end; with show_output, streams its log as Azure does. Returns get_details()."""
        from ._run_stream import wait

        return self._wait_until_interrupted(
            wait, show_output, raise_on_error, "run.cancel(), or benchtop run cancel %s" % self._run_id
        )

    def _wait_until_interrupted(self, wait, show_output, raise_on_error, how_to_cancel):
        """WAIT(self, ...) until it returns; Ctrl-C stops the wait, never the run (azureml-core's words)."""
        try:
            return wait(self, show_output, raise_on_error)
        except KeyboardInterrupt:
            raise ExperimentExecutionException(
                "The output streaming for the run interrupted.\n"
                "But the run is still executing on the compute target. \n"
                "Details for canceling the run can be found here: https://aka.ms/aml-docs-cancel-run "
                "(here: %s)" % how_to_cancel
            )

    def get_environment(self):
        """The environment the run used (a registered name and version)."""
        from ._environment import Environment

        ref = self._data.get("environment") or ""
        if not ref or ":" not in ref:
            raise UserErrorException("There is no run definition or environment specified for the run.")
        name, version = ref.rsplit(":", 1)
        return Environment.get(self._experiment.workspace, name, version)

    def get_children(self, recursive=False, tags=None, properties=None, type=None, status=None, _rehydrate_runs=True):
        """Child runs, oldest first; recursive=True: their children too."""
        args = ["run", "list", "--parent", self._run_id, "--limit", "20000"]
        args += _filters("--tag", tags) + _filters("--property", properties)
        if type:
            args += ["--type", type]
        if status:
            args += ["--status", status]
        children = [Run._from_data(self._experiment, d) for d in reversed(_call(args, self._experiment.workspace))]
        for child in children:
            yield child
            if recursive and child._data.get("children"):
                for grandchild in child.get_children(True, tags, properties, type, status):
                    yield grandchild

    def clean(self):
        """Azure removes a local run's files; Benchtop keeps every run's folder (delete it in the app)."""
        return []

    # --- metrics ---------------------------------------------------------------------------
    def _record(self, record):
        if self._writer is None:
            if not self._events:
                raise UserErrorException("Run %s has no folder on this machine to log to." % self._run_id)
            self._writer = EventWriter(self._events)
        self._writer.write(record)
        if not self._is_context():
            # A notebook may log once and wait: the app sees each value at once.
            self._writer.flush()

    def _is_context(self):
        return False

    def flush(self, timeout_seconds=300):
        if self._writer is not None:
            self._writer.flush()

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

    def _log_json(self, kind, name, value, description):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise UserErrorException("Invalid JSON provided")
        self._record({"type": "object", "kind": kind, "name": name, "value": value, "description": str(description)})

    def log_confusion_matrix(self, name, value, description=""):
        self._log_json("confusion_matrix", name, value, description)

    def log_accuracy_table(self, name, value, description=""):
        self._log_json("accuracy_table", name, value, description)

    def log_residuals(self, name, value, description=""):
        self._log_json("residuals", name, value, description)

    def log_predictions(self, name, value, description=""):
        self._log_json("predictions", name, value, description)

    def log_image(self, name, path=None, plot=None, description=""):
        if not check_name(name):
            return
        if (path is None) == (plot is None):
            raise ValueError("log_image needs exactly one of path= or plot=.")
        target_dir = os.path.join(self._files_dir(), "logs", "images")
        os.makedirs(target_dir, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
        if plot is not None:
            target = os.path.join(target_dir, "%s_%s.png" % (safe, uuid.uuid4().hex[:8]))
            figure = plot.gcf() if hasattr(plot, "gcf") else plot
            figure.savefig(target)
        else:
            extension = os.path.splitext(str(path))[1] or ".png"
            target = os.path.join(target_dir, "%s_%s%s" % (safe, uuid.uuid4().hex[:8], extension))
            shutil.copyfile(path, target)
        relative = os.path.relpath(target, self._files_dir()).replace(os.sep, "/")
        self._record({"type": "image", "name": name, "path": relative, "description": str(description)})

    def get_metrics(self, name=None, recursive=False, run_type=None, populate=False):
        """{name: value} (a list for a metric logged more than once); recursive: {run id: metrics} with the children."""
        self.flush()
        if not recursive:
            return _metrics.metrics_from_events(self._events_file(), name)
        runs = [self] + [c for c in self.get_children(recursive=True, type=run_type)]
        return {r.id: _metrics.metrics_from_events(r._events_file(), name) for r in runs}

    def _events_file(self):
        return self._events

    def _files_dir(self):
        return self._files

    # --- tags and properties ---------------------------------------------------------------
    def _writes_directly(self):
        """Whether this process logs to the run (its script, or a run it made that is still open)."""
        return self._owned and self.status not in FINAL_STATUSES

    def tag(self, key, value=None):
        self.set_tags({key: value})

    def set_tags(self, tags):
        clean = _string_map(tags, "tags")
        if not clean:
            return
        if self._writes_directly():
            self._record({"type": "tags", "tags": clean})
        else:
            self._update(_pairs("--tag", clean))

    def remove_tags(self, tags):
        keys = [tags] if isinstance(tags, str) else list(tags)
        if not keys:
            return
        if self._writes_directly():
            self._record({"type": "tags", "tags": {}, "removed": [str(k) for k in keys]})
        else:
            self._update([a for k in keys for a in ("--remove-tag", str(k))])

    def get_tags(self):
        self.flush()
        return _metrics.tags_and_properties(self._events_file())[0]

    def add_properties(self, properties):
        """Properties are add-only: changing one already set raises, as in Azure."""
        clean = _string_map(properties, "properties")
        if not clean:
            return
        if self._writes_directly():
            current = self.get_properties()
            for key, value in clean.items():
                if key in current and current[key] != value:
                    raise ValueError(
                        "Property %r is already set to %r; properties cannot be changed." % (key, current[key])
                    )
            self._record({"type": "properties", "properties": clean})
        else:
            self._update(_pairs("--property", clean))

    def get_properties(self):
        self.flush()
        return _metrics.tags_and_properties(self._events_file())[1]

    def _update(self, args):
        self.flush()
        self._data = _call(["run", "update", self._run_id] + args, self._experiment.workspace)

    # --- files ---------------------------------------------------------------------------------
    def upload_file(self, name, path_or_stream, datastore_name=None):
        target = self._upload_target(name)
        if hasattr(path_or_stream, "read"):
            with open(target, "wb") as out:
                shutil.copyfileobj(path_or_stream, out)
        else:
            shutil.copyfile(path_or_stream, target)
        self._record({"type": "file", "name": str(name).replace(os.sep, "/")})

    def upload_files(self, names, paths, return_artifacts=False, timeout_seconds=None, datastore_name=None):
        for name, path in zip(names, paths):
            self.upload_file(name, path)

    def upload_folder(self, name, path, datastore_name=None):
        for root, _dirs, files in os.walk(path):
            for file in files:
                full = os.path.join(root, file)
                self.upload_file(os.path.join(name, os.path.relpath(full, path)).replace(os.sep, "/"), full)

    def _upload_target(self, name):
        normalised = os.path.normpath(str(name)).lstrip(os.sep)
        if normalised.startswith(".."):
            raise ValueError("Upload name %r leaves the run's folder." % name)
        target = os.path.join(self._files_dir(), "uploads", normalised)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return target

    def get_file_names(self):
        """Azure's artifact names: outputs/..., logs/..., uploaded names, azureml-logs/70_driver_log.txt."""
        self.flush()
        return _call(["run", "files", self._run_id], self._experiment.workspace)

    def download_file(self, name, output_file_path=None, _validate_checksum=False):
        """One file of the run, by its name in get_file_names(); to output_file_path (a file or a folder)."""
        if output_file_path is None:
            output_file_path = os.path.basename(name)
        elif os.path.isdir(output_file_path):
            output_file_path = os.path.join(output_file_path, os.path.basename(name))
        _call(
            ["run", "download", self._run_id, "--file", name, "-o", os.path.abspath(output_file_path)],
            self._experiment.workspace,
        )

    def download_files(
        self,
        prefix=None,
        output_directory=None,
        output_paths=None,
        batch_size=100,
        append_prefix=True,
        timeout_seconds=None,
    ):
        """The files whose names start with prefix (all without one), into output_directory (default: here)."""
        directory = os.path.abspath(output_directory or ".")
        args = ["run", "download", self._run_id, "-d", directory, "--prefix", prefix or ""]
        if not append_prefix:
            args.append("--no-append-prefix")
        _call(args, self._experiment.workspace)

    def get_all_logs(self, destination=None):
        """Downloads the run's logs (logs/ and the driver log) to destination; returns their paths."""
        destination = os.path.abspath(destination or ".")
        paths = []
        for name in self.get_file_names():
            if name.startswith("logs/") or name.startswith("azureml-logs/"):
                target = os.path.join(destination, *name.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                self.download_file(name, target)
                paths.append(target)
        return paths

    def take_snapshot(self, file_or_folder_path):
        raise UserErrorException(
            "Benchtop takes a run's snapshot when the run starts (start_logging(snapshot_directory=...), or the "
            "source_directory of a ScriptRunConfig); it is in the run's Files tab."
        )

    def get_snapshot_id(self):
        return self._run_id

    def restore_snapshot(self, snapshot_id=None, path=None):
        """Copies the run's snapshot to path (default: ./<run id>-snapshot); returns the folder."""
        source = os.path.join(self._dir, "snapshot")
        target = os.path.abspath(path or "%s-snapshot" % self._run_id)
        if not os.path.isdir(source):
            raise UserErrorException("Run %s has no snapshot." % self._run_id)
        shutil.copytree(source, target)
        return target

    # --- models -------------------------------------------------------------------------------
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
        """Registers a file or folder of this run (outputs/..., logs/... or an uploaded name) in the workspace."""
        from ._model import register_from_run

        self.flush()
        _cli.use_workspace(self._workspace_path())
        model = register_from_run(
            self,
            model_name,
            model_path,
            tags,
            properties,
            description,
            model_framework,
            model_framework_version,
            datasets=datasets,
        )
        if self._writes_directly():
            self._record({"type": "register_model", "name": model.name, "version": model.version, "path": model_path})
        return model

    # --- child runs ------------------------------------------------------------------------------
    def child_run(self, name=None, run_id=None, outputs=None):
        """A child run, Running, that this process logs to; end it with complete() or `with`."""
        args = []
        if name:
            args += ["--display-name", str(name)]
        if run_id:
            args += ["--run-id", str(run_id)]
        return self._create_children(args, outputs)[0]

    def create_children(self, count=None, tag_key=None, tag_values=None):
        """count children (tagged azureml.batch_child_number=0..), or one per tag value; NotStarted."""
        if tag_key is None and tag_values is None and count is None:
            raise UserErrorException("Either count or tag_key and tag_values must be set")
        if tag_key is not None or tag_values is not None:
            if tag_key is None:
                raise UserErrorException("tag_key must not be null when tag_values is set")
            if tag_values is None:
                raise UserErrorException("tag_values must not be null when tag_key is set")
            if count is not None:
                raise UserErrorException("count can not be set when tag_key and tag_values are set")
            if len(tag_values) > 100:
                raise UserErrorException("create_children can not create more than 100 runs")
        if count is not None:
            if count > 100:
                raise UserErrorException("create_children can not create more than 100 runs")
            tag_key = "azureml.batch_child_number"
            tag_values = list(range(count))
        values = [str(v) for v in tag_values]
        return self._create_children(["--tag-key", str(tag_key), "--tag-values", json.dumps(values), "--not-started"])

    def _create_children(self, args, outputs=None):
        self.flush()
        try:
            created = _cli.call(
                ["run", "create", "--parent", self._run_id, "--owner-pid", str(os.getpid())] + args,
                self._experiment.workspace,
            )
        except _cli.BenchtopCliError as err:
            if os.environ.get("BENCHTOP_HOST_CLI_DIR") or os.environ.get("BENCHTOP_HOST_CLI"):
                raise UserErrorException(
                    "Child runs cannot be made from a container run yet (%s). Submit with the local target to use "
                    "run.child_run()." % err
                )
            raise UserErrorException(str(err))
        return [Run(self._experiment, d["id"], outputs=outputs, _data=d, _owned=True) for d in created]

    def submit_child(self, config, tags=None, **kwargs):
        """Submits a configuration (a ScriptRunConfig) as a child run of this run."""
        return self._experiment.submit(config, tags=tags, _parent_run_id=self._run_id, **kwargs)

    # --- ending ----------------------------------------------------------------------------------
    def start(self):
        """Starts a NotStarted run (one of create_children())."""
        self._update(["--start"])
        self._owned = True

    def _finish(self, status, error=None):
        self.flush()
        args = ["run", "finish", self._run_id, "--status", status]
        if error is not None:
            args += ["--error", error]
        if status != "Canceled":
            for folder in self._outputs:
                if os.path.isdir(folder):
                    args += ["--outputs", os.path.abspath(folder)]
                    break
        self._data = _call(args, self._experiment.workspace)

    def complete(self, _set_status=True):
        if _set_status:
            self._finish("Completed")

    def fail(self, error_details=None, error_code=None, _set_status=True):
        if _set_status:
            self._finish("Failed", _error_message(error_details, error_code))

    def cancel(self):
        self.flush()
        self._data = _call(["run", "cancel", self._run_id], self._experiment.workspace)
        if self._data.get("status") not in FINAL_STATUSES:
            self._refresh()

    def __enter__(self):
        return self

    def __exit__(self, exit_type, value, traceback):
        if exit_type is None:
            self.complete()
            return None
        if exit_type is SystemExit and (value.code is None or value.code == 0):
            self.complete()
            return True
        self.fail(error_details=value)
        return None

    # --- secrets -----------------------------------------------------------------------------------
    def get_secret(self, name):
        """Benchtop has no key vault: a secret is the environment variable of that name."""
        value = os.environ.get(name)
        if value is None:
            raise UserErrorException(
                "Secret %r not found. Benchtop has no key vault: set the environment variable %s (in the "
                "environment's environment_variables, or your shell)." % (name, name)
            )
        return value

    def get_secrets(self, secrets):
        return {name: os.environ.get(name) for name in secrets}


def _error_message(error_details, error_code=None):
    if error_details is None:
        return "The run was marked failed%s." % (" (%s)" % error_code if error_code else "")
    if isinstance(error_details, BaseException):
        return "User program failed with %s: %s" % (type(error_details).__name__, error_details)
    return str(error_details)


def _filters(flag, values):
    """Azure's tag/property filters: a key (present), or a dict of key -> value (None: present)."""
    if not values:
        return []
    if isinstance(values, str):
        return [flag, values]
    out = []
    for key, value in dict(values).items():
        out += [flag, str(key) if value is None else "%s=%s" % (key, value)]
    return out


def _fetch(workspace, run_id, experiment_name=None):
    try:
        data = _cli.call(["run", "show", str(run_id)], workspace)
    except _cli.BenchtopCliError as err:
        if err.code != "NOT_FOUND":
            raise UserErrorException(str(err))
        raise _not_found(_missing_run(workspace, run_id, experiment_name))
    if experiment_name and data.get("experiment") != experiment_name:
        raise _not_found(
            "Run with id %s was not found in experiment %s: it is a run of experiment %s. Use "
            "Experiment(ws, %r) or Run.get(ws, %r)."
            % (run_id, experiment_name, data["experiment"], data["experiment"], run_id)
        )
    return data


def _missing_run(workspace, run_id, experiment_name):
    where = "experiment %s" % experiment_name if experiment_name else "this workspace"
    try:
        args = ["run", "list", "--limit", "5"] + (["-x", experiment_name] if experiment_name else [])
        recent = [r["id"] for r in _cli.call(args, workspace)]
    except _cli.BenchtopCliError:
        recent = []
    return "Run with id %s was not found in %s. %s" % (
        run_id,
        where,
        "Its newest runs: %s." % ", ".join(recent) if recent else "It has no runs yet.",
    )


class _SubmittedRun(Run):
    """The run a script is running in (Run.get_context() inside a Benchtop run).

    Its records go to the events file named by BENCHTOP_RUN_EVENTS (the supervisor folds them into
    the run's status, metrics and tags); what needs the workspace (details, children, models)
    reads BENCHTOP_WORKSPACE."""

    def __init__(self, run_id, experiment_name, events_path, files_dir):
        self._experiment = Experiment._in_run(experiment_name)
        self._run_id = run_id
        self._data = None
        self._dir = os.path.dirname(events_path)
        self._events = events_path
        self._files = files_dir
        self._writer = EventWriter(events_path)
        self._owned = True
        self._parent_run = None
        self._outputs = []

    @property
    def _data_or_fetch(self):
        if self.__dict__.get("_data") is None:
            self._refresh()
        return self.__dict__["_data"]

    def _is_context(self):
        return True

    def _writes_directly(self):
        return True

    def get_status(self):
        return "Running"

    @property
    def status(self):
        return "Running"

    @property
    def type(self):
        return "azureml.scriptrun"

    @property
    def name(self):
        return self.display_name

    @property
    def display_name(self):
        try:
            return self._data_or_fetch.get("displayName") or self._run_id
        except Exception:
            return self._run_id

    @display_name.setter
    def display_name(self, display_name):
        self._update(["--display-name", str(display_name)])

    @property
    def description(self):
        return self._data_or_fetch.get("description")

    @property
    def parent(self):
        parent_id = self._data_or_fetch.get("parentRunId")
        if self._parent_run is None and parent_id:
            self._parent_run = Run(self._experiment, parent_id)
        return self._parent_run

    def get_details(self):
        from ._run_details import details

        return details(self, self._refresh())

    @property
    def input_datasets(self):
        """Input name -> the path of a mounted or downloaded input, or the dataset of a direct one (as Azure's)."""
        if self.__dict__.get("_input_datasets") is None:
            from ._run_datasets import InputDatasets

            self._input_datasets = InputDatasets(self._experiment.workspace)
        return self._input_datasets

    def complete(self, _set_status=True):
        self._record({"type": "status", "status": "Completed"})
        self._writer.flush()

    def fail(self, error_details=None, error_code=None, _set_status=True):
        self._record({"type": "status", "status": "Failed", "error": _error_message(error_details, error_code)})
        self._writer.flush()

    def cancel(self):
        self._writer.flush()
        _call(["run", "cancel", self._run_id], self._experiment.workspace)

    def __exit__(self, exit_type, value, traceback):
        # A script's run ends with the script: leaving `with run:` only flushes (as Azure's submitted run).
        self.flush()
        if exit_type is SystemExit and (value.code is None or value.code == 0):
            return True
        return None

    def __str__(self):
        return "Run(Experiment: %s,\nId: %s,\nType: azureml.scriptrun,\nStatus: Running)" % (
            self._experiment.name,
            self._run_id,
        )

    __repr__ = __str__


def get_run(experiment, run_id, rehydrate=True, clean_up=True):
    """azureml.core.run.get_run: the run of `experiment` with this id."""
    return Run(experiment, run_id)


LiveRun = _SubmittedRun
_OfflineRun = OfflineRun


def get_context(allow_offline=True, **kwargs):
    """The run this process belongs to, or an offline run outside Benchtop."""
    global _context
    if _context is not None:
        return _context
    run_id = os.environ.get("BENCHTOP_RUN_ID") or os.environ.get("AZUREML_RUN_ID")
    events = os.environ.get("BENCHTOP_RUN_EVENTS")
    if run_id and events:
        files = os.environ.get("BENCHTOP_RUN_FILES") or os.path.dirname(events)
        _context = _SubmittedRun(run_id, os.environ.get("AZUREML_ARM_PROJECT_NAME", "Default"), events, files)
    elif allow_offline:
        _context = OfflineRun()
    else:
        raise RunEnvironmentException()
    return _context


def submitted_by():
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return None


# Experiment lives in _experiment; importable from here as it was in earlier Benchtop releases.
from ._experiment import Experiment  # noqa: E402,F401

if sys.version_info < (3, 6):  # pragma: no cover - guard for very old interpreters
    warn("Benchtop's runtime needs Python 3.6 or later")
