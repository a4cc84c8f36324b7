"""azureml.core.Dataset and azureml.data's AbstractDataset on Benchtop's data registry (`benchtop data ...`).

ds = Dataset.Tabular.from_delimited_files(path=[(datastore, "iris/*.csv")])   # files on this machine
ds = ds.register(ws, "iris", create_new_version=True)                         # a version in the workspace
ds = Dataset.get_by_name(ws, "iris", version="latest"); ds.to_pandas_dataframe()

A dataset is its sources (paths and globs, resolved when read) or, once registered, a version of the
registry whose files live in the workspace's content-addressed store (read there directly; the CLI says
where they are). take/skip/random_split/keep_columns/drop_columns are a plan applied on read
(benchtop._dataset_plan). Inside a run, a registered dataset got through get_by_name / get_by_id is
recorded as one the run used (`benchtop data use`), as Azure's lineage records it.
"""

import collections
import json
import os

from . import _cli, _dataset_plan
from ._exceptions import UserErrorException

_recorded_uses = set()


def _workspace_root(workspace):
    from ._workspace import default_workspace_dir

    return getattr(workspace, "_path", None) or _cli._active_workspace or default_workspace_dir()


class _Registration(object):
    """A registered version as the registry describes it (DatasetRecord); its files once asked for."""

    def __init__(self, workspace, record):
        self.workspace = workspace
        self.record = record
        self.saved_id = record["id"]
        self.registered_id = record["id"]
        self.name = record["name"]
        self.version = record["version"]
        self.description = record.get("description")
        self.tags = dict(record.get("tags") or {})
        self._files = record.get("files")

    @property
    def ref(self):
        return "%s:%s" % (self.name, self.version)

    def files(self):
        """[(relative path, blob file)] of this version, from `data show` (asked once)."""
        if os.environ.get("BENCHTOP_HOST_CLI") == "remote":
            raise UserErrorException(
                "This run is in a container on a remote Docker engine, which cannot see the workspace's dataset "
                "store: give %s to the run as an input with .as_mount() or .as_download() (copied into the run)."
                % self.ref
            )
        if self._files is None:
            self._files = _cli.call(["data", "show", self.ref], self.workspace)["files"]
        from ._dataset_sources import blob_path

        # In a container the supervisor names the store (bound read-only at its host path); elsewhere the workspace.
        store = os.environ.get("BENCHTOP_BLOBS") or os.path.join(_workspace_root(self.workspace), "models", "blobs")
        return [(f["path"], blob_path(store, f["digest"])) for f in self._files]

    def __repr__(self):
        return "DatasetRegistration(id='{}', name='{}', version={}, description='{}', tags={})".format(
            self.saved_id, self.name, self.version, self.description or "", self.tags
        )


def _cli_error(err):
    return UserErrorException(str(err))


def _not_found_text(workspace, text):
    try:
        versions = collections.OrderedDict()
        for record in _cli.call(["data", "list"], workspace):
            versions.setdefault(record["name"], []).append(str(record["version"]))
        here = ["%s (%s)" % (n, ", ".join(sorted(v, key=int))) for n, v in sorted(versions.items())]
        return text + " Datasets here: %s." % (", ".join(here) or "none (dataset.register(ws, name) adds one)")
    except _cli.BenchtopCliError:
        return text


def _from_record(workspace, record):
    from ._file_dataset import FileDataset
    from ._tabular_dataset import TabularDataset

    cls = TabularDataset if record.get("kind") == "tabular" else FileDataset
    return cls._create(record.get("source") or [], record.get("tabular"), registration=_Registration(workspace, record))


def _track_lineage(dataset):
    """Inside a run: the run used this version (once per version and process)."""
    run_id = os.environ.get("BENCHTOP_RUN_ID")
    registration = dataset._registration
    if not run_id or registration is None or registration.ref in _recorded_uses:
        return
    _recorded_uses.add(registration.ref)
    try:
        _cli.call(["data", "use", registration.ref, "--run", run_id], registration.workspace)
    except _cli.BenchtopCliError as err:
        import logging

        logging.getLogger("azureml.data").warning("Failed to update dataset lineage: %s", err)


def _get_by_name(workspace, name, version="latest"):
    if version != "latest" and version is not None:
        try:
            version = int(version)
        except (TypeError, ValueError):
            raise UserErrorException(
                'Invalid value {} for version. Version value must be number or "latest".'.format(version)
            )
    else:
        version = None
    try:
        record = _cli.call(["data", "show", name if version is None else "%s:%s" % (name, version)], workspace)
    except _cli.BenchtopCliError as err:
        if err.code not in ("NOT_FOUND", "BAD_INPUT", "INVALID_NAME"):
            raise _cli_error(err)
        # azureml-core's text; for "latest" it says "(version: None)", as Azure's does.
        raise UserErrorException(
            _not_found_text(
                workspace,
                'Cannot find dataset registered with name "{}"{} in the workspace.'.format(
                    name, " (version: {})".format(version)
                ),
            )
        )
    return _from_record(workspace, record)


def _get_by_id(workspace, id):
    try:
        record = _cli.call(["data", "show", "--id", str(id)], workspace)
    except _cli.BenchtopCliError as err:
        if err.code not in ("NOT_FOUND", "BAD_INPUT"):
            raise _cli_error(err)
        raise UserErrorException('Cannot find dataset with id "{}" in the workspace.'.format(id))
    return _from_record(workspace, record)


class _DatasetDict(collections.abc.Mapping):
    """Dataset.get_all(ws): name -> the latest version, listed once, each got (get_by_name) when read."""

    def __init__(self, workspace):
        self._workspace = workspace
        self._records = None
        self._got = {}

    def _list(self):
        if self._records is None:
            records = _cli.call(["data", "list", "--latest"], self._workspace)
            self._records = collections.OrderedDict((r["name"], r) for r in sorted(records, key=lambda r: r["name"]))
        return self._records

    @property
    def registrations(self):
        return [_Registration(self._workspace, r) for r in self._list().values()]

    def __getitem__(self, key):
        if key not in self._got:
            try:
                self._got[key] = AbstractDataset.get_by_name(self._workspace, key)
            except UserErrorException:
                raise KeyError(key)
        return self._got[key]

    def __iter__(self):
        return iter(self._list())

    def __len__(self):
        return len(self._list())

    def __repr__(self):
        return str({name: _Registration(self._workspace, r) for name, r in self._list().items()})

    __str__ = __repr__


class AbstractDataset(object):
    """What FileDataset and TabularDataset share: identity, registration, tags, consumption in runs."""

    _kind = None

    def __init__(self):
        if type(self) is AbstractDataset:
            raise UserErrorException("Cannot create instance of abstract class AbstractDataset")
        self._sources = []
        self._tabular = None
        self._plan = []
        self._registration = None
        # A transformed registered dataset: not that version, but its files are still read from the store.
        self._derived_from = None

    @classmethod
    def _create(cls, sources, tabular=None, plan=None, registration=None):
        dataset = cls.__new__(cls)
        AbstractDataset.__init__(dataset)
        dataset._sources = list(sources)
        dataset._tabular = dict(tabular) if tabular else None
        dataset._plan = list(plan or [])
        dataset._registration = registration
        return dataset

    def _derived(self, plan):
        """The same data with more steps: Azure's transformations give an unregistered dataset."""
        derived = type(self)._create(self._sources, self._tabular, plan)
        derived._derived_from = self._registration or self._derived_from
        return derived

    # --- row transformations (FileDataset and TabularDataset alike; applied when read) ----------
    def skip(self, count):
        return self._derived(_dataset_plan.skip(self._plan, count))

    def take(self, count):
        return self._derived(_dataset_plan.take(self._plan, count))

    def take_sample(self, probability, seed=None):
        return self.random_split(probability, seed)[0]

    def random_split(self, percentage, seed=None):
        first, second = _dataset_plan.random_split(self._plan, percentage, seed)
        return self._derived(first), self._derived(second)

    # --- finding registered ones -------------------------------------------------------------
    @staticmethod
    def get_by_name(workspace, name, version="latest", **kwargs):
        dataset = _get_by_name(workspace, name, version)
        _track_lineage(dataset)
        return dataset

    @staticmethod
    def get_by_id(workspace, id, **kwargs):
        dataset = _get_by_id(workspace, id)
        _track_lineage(dataset)
        return dataset

    @staticmethod
    def get_all(workspace):
        return _DatasetDict(workspace)

    # --- identity --------------------------------------------------------------------------------
    @property
    def id(self):
        return self._registration.saved_id if self._registration else None

    @property
    def name(self):
        return self._registration.name if self._registration else None

    @property
    def version(self):
        return self._registration.version if self._registration else None

    @property
    def description(self):
        return self._registration.description if self._registration else None

    @property
    def tags(self):
        return self._registration.tags if self._registration else None

    @property
    def data_changed_time(self):
        """When the data last changed: a registered version's files never do, so when it was registered."""
        if self._registration:
            return _cli.timestamp(self._registration.record.get("createdAt"))
        import datetime

        times = [os.path.getmtime(path) for _relative, path in self._files()]
        return datetime.datetime.fromtimestamp(max(times), datetime.timezone.utc) if times else None

    # --- its files -----------------------------------------------------------------------------------
    def _all_files(self):
        """[(relative path, file to read)] before the plan: the blob store's, or the sources' on this disk."""
        origin = self._registration or self._derived_from
        if origin is not None:
            return origin.files()
        from ._dataset_sources import expand_all

        return expand_all(self._sources)

    def _files(self):
        return self._all_files()

    def _describe(self):
        return "dataset %s" % self._registration.ref if self._registration else "the dataset"

    # --- using it in a run -------------------------------------------------------------------
    def as_named_input(self, name):
        from ._dataset_consumption import DatasetConsumptionConfig

        return DatasetConsumptionConfig(name, self)

    def _ensure_saved(self, workspace):
        """The id of a registered version of this data: an unregistered dataset is registered anonymously."""
        if self._registration is not None:
            return self._registration.saved_id
        from ._dataset_register import register

        self._registration = register(self, workspace, None, anonymous=True)._registration
        return self._registration.saved_id

    # --- registering and changing ------------------------------------------------------------
    def register(self, workspace, name, description=None, tags=None, create_new_version=False):
        from ._dataset_register import register

        return register(self, workspace, name, description, tags, create_new_version)

    def _require_registered(self, what):
        if not self._registration:
            raise UserErrorException("To %s this dataset it must be registered." % what)
        return self._registration

    def _apply_update(self, args):
        registration = self._registration
        try:
            record = _cli.call(["data", "update", registration.ref] + args, registration.workspace)
        except _cli.BenchtopCliError as err:
            raise _cli_error(err)
        registration.tags = dict(record.get("tags") or {})
        registration.description = record.get("description")
        return _from_record(registration.workspace, record)

    def update(self, description=None, tags=None):
        """Replaces the description and/or the tags (as azureml-core's update)."""
        registration = self._require_registered("update")
        args = []
        if description is not None:
            args += ["--description", description]
        if tags is not None:
            args += [a for k in registration.tags if k not in tags for a in ("--remove-tag", k)]
            args += _cli.pairs("--tag", tags)
        return self._apply_update(args) if args else self

    def add_tags(self, tags=None):
        registration = self._require_registered("add tags to")
        conflicting = [k for k in set(tags or {}) & set(registration.tags) if registration.tags[k] != tags[k]]
        if conflicting:
            raise UserErrorException(
                "Dataset already contains different values for tags with the following keys {}".format(conflicting)
            )
        return self._apply_update(_cli.pairs("--tag", tags)) if tags else self

    def remove_tags(self, tags=None):
        registration = self._require_registered("remove tags from")
        args = [a for k in tags or [] if k in registration.tags for a in ("--remove-tag", k)]
        return self._apply_update(args) if args else self

    def unregister_all_versions(self):
        """Deletes every version of this name; refused before any is deleted, naming them, while runs or models
        use a version (deleting the unused ones first would leave half the name gone)."""
        registration = self._registration
        if not registration:
            return
        workspace = registration.workspace
        try:
            records = _cli.call(["data", "list", "-n", registration.name], workspace)
            refs = ["%s:%s" % (r["name"], r["version"]) for r in sorted(records, key=lambda r: -r["version"])]
            in_use = []
            for ref in refs:
                shown = _cli.call(["data", "show", ref], workspace)
                users = sorted({"run %s" % u["runId"] for u in shown.get("runs") or []})
                users += sorted({"model %s:%s" % (m["model"], m["modelVersion"]) for m in shown.get("models") or []})
                if users:
                    in_use.append("%s (%s)" % (ref, ", ".join(users)))
            if in_use:
                # Runs are never deleted here, so a version a run used stays for good; a model's can go first.
                raise UserErrorException(
                    "Cannot unregister the versions of dataset %s: %s %s used by runs or models, whose lineage needs "
                    "them; nothing was unregistered. A version a run used stays (a run's record is kept); delete "
                    "the models first for the others, or keep the dataset and register new data as a new version."
                    % (registration.name, "; ".join(in_use), "is" if len(in_use) == 1 else "are")
                )
            for ref in refs:
                _cli.call(["data", "delete", ref], workspace)
        except _cli.BenchtopCliError as err:
            raise _cli_error(err)
        self._registration = None

    # --- showing it --------------------------------------------------------------------------------
    def _definition(self):
        steps = ["GetFiles"]
        if self._tabular:
            fmt = self._tabular.get("format")
            steps.append({"parquet": "ReadParquetFile", "jsonl": "ParseJsonLines"}.get(fmt, "ParseDelimited"))
        return steps + [_dataset_plan.STEP_NAMES[step[0]] for step in self._plan]

    def __repr__(self):
        content = collections.OrderedDict()
        content["source"] = list(self._sources)
        content["definition"] = self._definition()
        if self._registration is not None:
            registration = collections.OrderedDict([("id", self.id), ("name", self.name), ("version", self.version)])
            if self.description:
                registration["description"] = self.description
            if self.tags:
                registration["tags"] = self.tags
            registration["workspace"] = repr(self._registration.workspace)
            content["registration"] = registration
        return json.dumps(content, indent=2)

    def __str__(self):
        return "{}\n{}".format(type(self).__name__, self.__repr__())
