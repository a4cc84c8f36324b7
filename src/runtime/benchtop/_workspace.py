"""azureml.core.workspace.Workspace: a Benchtop workspace folder under Azure ML v1's API.

ws = Workspace.from_config()      # config.json as azureml-core finds it (see _workspace_config)
ws.name, ws.location              # the name code sees; "local"
ws.environments, ws.models, ws.webservices, ws.experiments, ws.compute_targets, ws.datasets, ws.datastores

Which folder a Workspace is:
- a config naming one ("benchtop_workspace"): that folder, and it must exist;
- an Azure workspace (a config with subscription_id / resource_group / workspace_name, or
  Workspace(...), Workspace.get(...), Workspace.create(...)): the workspace the Benchtop CLI and app
  open by default (BENCHTOP_WORKSPACE, else the OS app-data folder), so results appear in the app
  without flags. One line says so, once per process and name: never a different workspace unsaid.
"""

import os
import sys

from . import _cli, _workspace_config
from ._exceptions import UserErrorException
from ._workspace_cloud import AzureOnlyWorkspaceParts

_notified = set()


def default_workspace_dir():
    """The folder the CLI opens without --workspace: BENCHTOP_WORKSPACE, else the OS app-data folder.

    The same rule as src/main/core/workspace/paths.ts (resolveWorkspaceDir)."""
    chosen = os.environ.get("BENCHTOP_WORKSPACE")
    if chosen:
        return os.path.abspath(chosen)
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        return os.path.join(os.environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming"), "Benchtop")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "Benchtop")
    return os.path.join(os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share"), "benchtop")


def _default_source():
    return "BENCHTOP_WORKSPACE" if os.environ.get("BENCHTOP_WORKSPACE") else "Benchtop's default workspace"


def _is_workspace(path):
    return os.path.isfile(os.path.join(path, "benchtop.db"))


class Workspace(AzureOnlyWorkspaceParts):
    """A local workspace: environments, experiments and runs, models and services in one folder."""

    def __init__(
        self,
        subscription_id,
        resource_group,
        workspace_name,
        auth=None,
        _location=None,
        _disable_service_check=False,
        _workspace_id=None,
        sku="basic",
        tags=None,
        _cloud="AzureCloud",
    ):
        self._subscription_id = subscription_id
        self._resource_group = resource_group
        self._workspace_name = workspace_name
        self._sku = sku
        self._tags = dict(tags or {})
        path = getattr(self, "_local_path", None)
        if path is None:
            path = default_workspace_dir()
            self._announce(path)
        self._path = path
        _cli.use_workspace(path)

    def _announce(self, path):
        key = (self._workspace_name, path)
        if key in _notified:
            return
        _notified.add(key)
        ids = [
            "%s %s" % (what, value)
            for what, value in (("subscription", self._subscription_id), ("resource group", self._resource_group))
            if value
        ]
        print(
            "Benchtop: Azure ML workspace %r%s is the local workspace %s (%s). "
            "To use another folder: benchtop --workspace DIR workspace config -d ."
            % (self._workspace_name, " (%s)" % ", ".join(ids) if ids else "", path, _default_source())
        )

    @classmethod
    def _local(cls, path, name=None, subscription_id=None, resource_group=None):
        """The workspace in `path` by its folder (a local config, or inside a run)."""
        ws = cls.__new__(cls)
        ws._local_path = os.path.abspath(path)
        cls.__init__(
            ws,
            subscription_id or "local",
            resource_group or "local",
            name or os.path.basename(ws._local_path.rstrip(os.sep)) or "local",
        )
        return ws

    # --- finding one ----------------------------------------------------------------
    @staticmethod
    def from_config(path=None, auth=None, _logger=None, _file_name=None):
        """The workspace a config.json names, found as azureml-core finds it (see _workspace_config)."""
        found = _workspace_config.find_config(path, _file_name)
        if not found:
            # Inside a Benchtop run (or with the variable set by hand) the workspace is named already.
            if os.environ.get("BENCHTOP_WORKSPACE"):
                chosen = default_workspace_dir()
                if chosen not in _notified:
                    _notified.add(chosen)
                    print(
                        "Benchtop: no config.json in %s or its parents; using the workspace BENCHTOP_WORKSPACE "
                        "names: %s" % (os.path.abspath(path or "."), chosen)
                    )
                return Workspace._local(chosen)
            raise _workspace_config.not_found_error(path)
        info = _workspace_config.read_config(found)
        if info.local_path is None:
            return Workspace(info.subscription_id, info.resource_group, info.workspace_name)
        if not _is_workspace(info.local_path):
            raise UserErrorException(
                "The config file {} names the Benchtop workspace {}, which {}. Fix the path in the file, or "
                "write the file again for an existing workspace: benchtop --workspace DIR workspace config -d {}".format(
                    found,
                    info.local_path,
                    "is not a Benchtop workspace (no benchtop.db)"
                    if os.path.isdir(info.local_path)
                    else "does not exist",
                    os.path.dirname(found),
                )
            )
        return Workspace._local(info.local_path, info.workspace_name, info.subscription_id, info.resource_group)

    @staticmethod
    def get(name, auth=None, subscription_id=None, resource_group=None, location=None, cloud="AzureCloud", id=None):
        return Workspace(subscription_id, resource_group, name, auth=auth, _location=location, _workspace_id=id)

    @staticmethod
    def create(
        name,
        auth=None,
        subscription_id=None,
        resource_group=None,
        location=None,
        create_resource_group=True,
        sku="basic",
        tags=None,
        friendly_name=None,
        storage_account=None,
        key_vault=None,
        app_insights=None,
        container_registry=None,
        adb_workspace=None,
        primary_user_assigned_identity=None,
        cmk_keyvault=None,
        resource_cmk_uri=None,
        hbi_workspace=False,
        default_cpu_compute_target=None,
        default_gpu_compute_target=None,
        private_endpoint_config=None,
        private_endpoint_auto_approval=True,
        exist_ok=False,
        show_output=True,
        user_assigned_identity_for_cmk_encryption=None,
        system_datastores_auth_mode="accessKey",
        v1_legacy_mode=None,
    ):
        """The local workspace for `name` (it exists already: there is nothing to provision)."""
        return Workspace(subscription_id, resource_group, name, sku=sku, tags=tags)

    @staticmethod
    def list(subscription_id, auth=None, resource_group=None):
        ws = Workspace._local(default_workspace_dir())
        return {ws.name: [ws]}

    def write_config(self, path=None, file_name=None):
        """Writes path/.azureml/config.json naming this workspace's folder (from_config reads it back)."""
        _workspace_config.write_config(self, path, file_name)

    # --- what it is ---------------------------------------------------------------------
    @property
    def name(self):
        return self._workspace_name

    @property
    def subscription_id(self):
        return self._subscription_id

    @property
    def resource_group(self):
        return self._resource_group

    @property
    def location(self):
        return "local"

    @property
    def sku(self):
        return self._sku

    @property
    def tags(self):
        return dict(self._tags)

    @property
    def path(self):
        """Benchtop: the workspace folder."""
        return self._path

    @property
    def discovery_url(self):
        return None

    @property
    def service_context(self):
        raise UserErrorException("A Benchtop workspace has no Azure service context; it is the folder %s." % self._path)

    @property
    def _workspace_id(self):
        return "local:" + self._path

    def get_details(self):
        """azureml-core's keys, filled in for a local workspace."""
        created = None
        try:
            import datetime

            stamp = os.stat(os.path.join(self._path, "benchtop.db")).st_mtime
            created = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).isoformat()
        except OSError:
            pass
        return {
            "id": "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s"
            % (self._subscription_id, self._resource_group, self._workspace_name),
            "name": self._workspace_name,
            "identity": None,
            "location": "local",
            "type": "Microsoft.MachineLearningServices/workspaces",
            "tags": dict(self._tags),
            "sku": "Basic",
            "workspaceid": self._workspace_id,
            "sdkTelemetryAppInsightsKey": None,
            "description": "Benchtop workspace in %s" % self._path,
            "friendlyName": self._workspace_name,
            "creationTime": created,
            "containerRegistry": None,
            "keyVault": None,
            "applicationInsights": None,
            "storageAccount": self._path,
            "hbiWorkspace": False,
            "imageBuildCompute": None,
            "systemDatastoresAuthMode": None,
            "discoveryUrl": None,
            "benchtopWorkspace": self._path,
        }

    # --- what is in it ---------------------------------------------------------------------
    @property
    def environments(self):

        return Environment.list(self)

    @property
    def models(self):
        from ._model import Model

        _cli.use_workspace(self._path)
        return {model.name: model for model in Model.list(self, latest=True)}

    @property
    def webservices(self):
        from ._webservice import Webservice

        _cli.use_workspace(self._path)
        return {service.name: service for service in Webservice.list(self)}

    @property
    def experiments(self):
        from . import _run

        experiment = _run.Experiment
        if hasattr(experiment, "list"):
            _cli.use_workspace(self._path)
            return {e.name: e for e in experiment.list(self)}
        names = sorted({r.get("experiment") for r in _cli.call(["run", "list"], self) if r.get("experiment")})
        return {name: _experiment(experiment, self, name) for name in names}

    @property
    def datasets(self):
        """Azure's dict-like of name -> the latest version of each registered dataset."""
        from ._dataset import AbstractDataset

        return AbstractDataset.get_all(self)

    @property
    def datastores(self):
        """name -> datastore: the folders under <workspace>/datastores (workspaceblobstore always)."""
        from ._datastore import all_datastores

        return all_datastores(self)

    def get_default_datastore(self):
        from ._datastore import get_default

        return get_default(self)

    def set_default_datastore(self, name):
        from ._datastore import set_default

        set_default(self, name)

    @property
    def compute_targets(self):
        from ._compute_target import list_targets

        return {target.name: target for target in list_targets(self)}

    def get_default_compute_target(self, type):
        from ._compute_target import LocalTarget

        return LocalTarget()

    def get_run(self, run_id):
        from . import _run

        if hasattr(_run.Run, "get"):
            _cli.use_workspace(self._path)
            return _run.Run.get(self, run_id)
        raise UserErrorException(
            "Run lookup by id is not available in this Benchtop runtime: benchtop run show %s" % run_id
        )

    def get_mlflow_tracking_uri(self, mlflow_home_dir=None):
        """The URI for mlflow.set_tracking_uri(): MLflow runs then land in this workspace's runs.

        Inside a Benchtop run: the run's own endpoint (mlflow.start_run() attaches to the run).
        Elsewhere: the workspace's tracking server, which `benchtop mlflow-uri` starts when none is
        running (it outlives this Python). mlflow_home_dir is azureml-core's and unused here.
        """
        if os.environ.get("BENCHTOP_RUN_ID") and os.environ.get("MLFLOW_TRACKING_URI"):
            return os.environ["MLFLOW_TRACKING_URI"]
        return _cli.call(["mlflow-uri"], workspace=self)["uri"]

    def delete(self, delete_dependent_resources=False, no_wait=False):
        raise UserErrorException(
            "A Benchtop workspace is a folder on this machine; Python does not delete it. Remove %s yourself "
            "when you no longer need it." % self._path
        )

    def __repr__(self):
        return "Workspace.create(name='%s', subscription_id='%s', resource_group='%s')" % (
            self._workspace_name,
            self._subscription_id,
            self._resource_group,
        )


def _experiment(cls, workspace, name):
    """An Experiment object in either signature: (workspace, name) as azureml-core, or (name)."""
    try:
        return cls(workspace=workspace, name=name)
    except TypeError:
        return cls(name)


# Environment lives in _environment; kept importable from here for earlier code.
from ._environment import Environment  # noqa: E402,F401
