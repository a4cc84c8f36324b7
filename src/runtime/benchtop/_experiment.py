"""azureml.core.experiment.Experiment: a named group of runs in a workspace.

exp = Experiment(workspace=ws, name="mnist")
run = exp.submit(ScriptRunConfig(source_directory=".", script="train.py"))   # -> ScriptRun
with exp.start_logging() as run:                                              # an interactive run
    run.log("accuracy", 0.9)
for run in exp.get_runs(tags={"team": "ml"}): ...

An experiment exists once it has a run (Azure creates it on first use; so does Benchtop).
"""

import re
import uuid
from collections import OrderedDict

from . import _cli, _portal
from ._exceptions import UserErrorException

_NAME = re.compile(r"^[a-zA-Z0-9][\w\-]{0,254}$")


class ViewType(object):
    ActiveOnly = "ActiveOnly"
    ArchivedOnly = "ArchivedOnly"
    All = "All"


class Experiment(object):
    """An experiment of a workspace: submit runs to it, start interactive runs, list its runs."""

    def __init__(
        self,
        workspace,
        name,
        _skip_name_validation=False,
        _id=None,
        _archived_time=None,
        _create_in_cloud=True,
        _experiment_dto=None,
        **kwargs,
    ):
        kwargs.pop("_ident", None)
        kwargs.pop("_parent_logger", None)
        if kwargs:
            raise TypeError("__init__() got an unexpected keyword argument '%s'" % next(iter(kwargs)))
        if not _skip_name_validation and (not isinstance(name, str) or not _NAME.match(name)):
            raise UserErrorException(
                "Experiment name must be between 1 and 255 characters long. Its first character has to be "
                "alphanumeric, and the rest may contain hyphens and underscores. No whitespace is allowed."
            )
        self._workspace = workspace
        self._name = name
        self._id = _id
        self._archived_time = _archived_time
        self._tags = {}
        path = getattr(workspace, "_path", None)
        if path:
            _cli.use_workspace(path)

    @classmethod
    def _in_run(cls, name, workspace_path=False):
        """The experiment of the run this script is in; its workspace is BENCHTOP_WORKSPACE's (read when asked)."""
        exp = cls.__new__(cls)
        exp._workspace = None
        exp._workspace_path = workspace_path
        exp._name = name
        exp._id = None
        exp._archived_time = None
        exp._tags = {}
        return exp

    # --- what it is ---------------------------------------------------------------------
    @property
    def workspace(self):
        if self._workspace is None and self.__dict__.get("_workspace_path") is not None:
            import os

            path = self._workspace_path or os.environ.get("BENCHTOP_WORKSPACE")
            if not path and os.environ.get("BENCHTOP_HOST_CLI_DIR"):
                # In a container on a local engine: the host's workspace folder, reached through the CLI bridge.
                path = os.environ.get("BENCHTOP_HOST_WORKSPACE")
            if path:
                from ._workspace import Workspace

                self._workspace = Workspace._local(path)
            else:
                self._workspace_path = None
        return self._workspace

    @property
    def workspace_object(self):
        return self.workspace

    @property
    def name(self):
        return self._name

    @property
    def id(self):
        """A stable id for the experiment (Azure: a GUID)."""
        if self._id is None:
            where = getattr(self.workspace, "_path", "") or ""
            self._id = str(uuid.uuid5(uuid.NAMESPACE_URL, "benchtop:%s:%s" % (where, self._name)))
        return self._id

    @property
    def archived_time(self):
        return self._archived_time

    @property
    def tags(self):
        return dict(self._tags)

    def tag(self, key, value=None):
        """Experiment tags live in this object only (Benchtop keeps tags on runs)."""
        self.set_tags({key: value})

    def set_tags(self, tags):
        self._tags.update({str(k): "" if v is None else str(v) for k, v in dict(tags).items()})

    def remove_tags(self, tags):
        for key in [tags] if isinstance(tags, str) else tags:
            self._tags.pop(key, None)

    def refresh(self):
        pass

    def get_portal_url(self):
        return _portal.experiment_url(getattr(self.workspace, "_path", None), self._name)

    def archive(self):
        raise UserErrorException(
            "Benchtop does not archive experiments: an experiment is the runs that name it. Filter them in the "
            "app's Runs screen, or delete runs there."
        )

    def reactivate(self, new_name=None):
        raise UserErrorException("Benchtop does not archive experiments, so there is nothing to reactivate.")

    @staticmethod
    def delete(workspace, experiment_id):
        raise UserErrorException("Delete an experiment's runs in the app's Runs screen; Python does not delete them.")

    @staticmethod
    def from_directory(path, auth=None):
        raise UserErrorException(
            "Benchtop has no project folders (.azureml/project.json): use Experiment(Workspace.from_config(), name)."
        )

    @staticmethod
    def list(workspace, experiment_name=None, view_type=ViewType.ActiveOnly, tags=None):
        """The experiments that have runs, newest activity first."""
        names = [e["name"] for e in _cli.call(["run", "experiments"], workspace)]
        if experiment_name is not None:
            names = [n for n in names if n == experiment_name]
        return [Experiment(workspace, n, _skip_name_validation=True) for n in names]

    # --- runs ------------------------------------------------------------------------------
    def submit(self, config, tags=None, **kwargs):
        """Submits a ScriptRunConfig (or an estimator) as a run, or a HyperDriveConfig as a sweep (a HyperDriveRun),
        of this experiment; returns the run at once."""
        submit = getattr(config, "_benchtop_submit", None)
        if submit is None:
            raise UserErrorException(
                "Method to be submitted has not been registered. Experiment.submit takes a ScriptRunConfig, an "
                "Estimator or a HyperDriveConfig; got %s." % type(config).__name__
            )
        return submit(self, tags=tags, **kwargs)

    def start_logging(self, *args, **kwargs):
        """An interactive run: log to it from this Python, end it with complete(), or use `with`."""
        from ._run import Run

        return Run._start_logging(self, *args, **kwargs)

    def get_runs(self, type=None, tags=None, properties=None, include_children=False):
        from ._run import Run

        return Run.list(self, type=type, tags=tags, properties=properties, include_children=include_children)

    # --- display ------------------------------------------------------------------------------
    def _serialize_to_dict(self):
        ws = self.workspace
        return {
            "Experiment name": self._name,
            "Subscription id": getattr(ws, "subscription_id", None),
            "Resource group": getattr(ws, "resource_group", None),
            "Workspace name": getattr(ws, "name", None),
        }

    def _get_base_info_dict(self):
        return OrderedDict([("Name", self._name), ("Workspace", getattr(self.workspace, "name", None))])

    def __str__(self):
        info = self._get_base_info_dict()
        return "Experiment({0})".format(",\n".join("{}: {}".format(k, v) for k, v in info.items()))

    __repr__ = __str__

    def _repr_html_(self):
        from ._html import table

        info = list(self._get_base_info_dict().items()) + [("Report Page", self.get_portal_url())]
        return table(info)
