"""azureml.core.model.Model on Benchtop's local registry, and get_model_path inside services."""

import os

from . import _cli


def _pick(folder):
    """The registered file or folder inside a version folder (or the folder itself when it holds several)."""
    entries = [e for e in os.listdir(folder) if not e.startswith(".")]
    return os.path.join(folder, entries[0]) if len(entries) == 1 else folder


def get_model_path(model_name, version=None, _workspace=None):
    base = os.environ.get("AZUREML_MODEL_DIR")
    if not base:
        raise RuntimeError(
            "Model.get_model_path(%r) works inside a Benchtop service, where AZUREML_MODEL_DIR is set. "
            "Outside one, download the model with `benchtop model download %s -d DIR`." % (model_name, model_name)
        )
    parts = os.path.normpath(base).split(os.sep)
    # One model: AZUREML_MODEL_DIR is .../azureml-models/<name>/<version>.
    if len(parts) >= 2 and parts[-2] == model_name and (version is None or str(version) == parts[-1]):
        return _pick(base)
    folder = os.path.join(base, model_name)
    if not os.path.isdir(folder):
        raise RuntimeError("Model %r is not deployed with this service (AZUREML_MODEL_DIR=%s)." % (model_name, base))
    versions = sorted((v for v in os.listdir(folder) if v.isdigit()), key=int)
    chosen = str(version) if version is not None else (versions[-1] if versions else None)
    if chosen is None or not os.path.isdir(os.path.join(folder, chosen)):
        raise RuntimeError("Model %r version %s is not deployed with this service." % (model_name, version))
    return _pick(os.path.join(folder, chosen))


def _ref(name, version):
    return name if version is None else "%s:%s" % (name, version)


class Model(_cli.JsonBacked):
    """A registered model version (the parts of azureml.core.model.Model a local workflow uses)."""

    def __init__(
        self, workspace=None, name=None, id=None, tags=None, properties=None, version=None, run_id=None, **kwargs
    ):
        if id:
            name, _, from_id = id.partition(":")
            version = version if version is not None else (int(from_id) if from_id else None)
        if not name:
            raise ValueError("Model needs a name or an id, e.g. Model(ws, name='iris') or Model(ws, id='iris:1').")
        self._load(_cli.call(["model", "show", _ref(name, version)]))
        self.workspace = workspace

    def _load(self, data):
        self.name = data["name"]
        self.version = data["version"]
        self.id = data["id"]
        self.tags = dict(data.get("tags") or {})
        self.properties = dict(data.get("properties") or {})
        self.description = data.get("description")
        self.model_framework = self.framework = data.get("framework")
        self.model_framework_version = self.framework_version = data.get("frameworkVersion")
        self.run_id = data.get("runId")
        self.experiment_name = data.get("experiment")
        self.created_time = data.get("createdAt")

    def __repr__(self):
        return "Model(name=%r, version=%r, framework=%r, tags=%r)" % (
            self.name,
            self.version,
            self.framework,
            self.tags,
        )

    # --- registry ------------------------------------------------------------
    @staticmethod
    def register(
        workspace,
        model_path,
        model_name,
        tags=None,
        properties=None,
        description=None,
        datasets=None,
        model_framework=None,
        model_framework_version=None,
        child_paths=None,
        sample_input_dataset=None,
        sample_output_dataset=None,
        resource_configuration=None,
        **kwargs,
    ):
        print("Registering model %s" % model_name)
        args = ["model", "register", "-n", model_name, "-p", os.path.abspath(model_path)]
        args += _register_options(tags, properties, description, model_framework, model_framework_version)
        return Model._from_json(_cli.call(args), workspace)

    @staticmethod
    def list(
        workspace=None, name=None, tags=None, properties=None, run_id=None, latest=False, model_framework=None, **kwargs
    ):
        args = ["model", "list"]
        if name:
            args += ["-n", name]
        for flag, filters in (("--tag", tags), ("--property", properties)):
            for item in filters or []:
                args += [flag, item if isinstance(item, str) else "%s=%s" % (item[0], item[1])]
        if run_id:
            args += ["--run", run_id]
        if model_framework:
            args += ["--framework", model_framework]
        if latest:
            args.append("--latest")
        return [Model._from_json(m, workspace) for m in _cli.call(args)]

    def download(self, target_dir=".", exist_ok=False, exists_ok=None):
        if exists_ok is not None and exist_ok:
            raise ValueError("Give exist_ok or the deprecated exists_ok, not both.")
        args = ["model", "download", self.id, "-d", os.path.abspath(target_dir)]
        if exist_ok or exists_ok:
            args.append("--exist-ok")
        return _cli.call(args)["path"]

    def update(self, tags=None, description=None, **kwargs):
        """Replaces the tags (as Azure's update does) and/or the description."""
        if tags is not None:
            self.remove_tags([k for k in self.tags if k not in tags])
            self.add_tags(tags)
        if description is not None:
            self._load(_cli.call(["model", "update", self.id, "--description", description]))

    def add_tags(self, tags):
        self._load(_cli.call(["model", "update", self.id] + _cli.pairs("--tag", tags)))

    def remove_tags(self, tags):
        args = ["model", "update", self.id]
        for key in tags:
            args += ["--remove-tag", key]
        self._load(_cli.call(args))

    def add_properties(self, properties):
        self._load(_cli.call(["model", "update", self.id] + _cli.pairs("--property", properties)))

    def delete(self):
        _cli.call(["model", "delete", self.id])

    def serialize(self):
        return {
            "name": self.name,
            "version": self.version,
            "id": self.id,
            "tags": self.tags,
            "properties": self.properties,
            "description": self.description,
            "framework": self.framework,
            "frameworkVersion": self.framework_version,
            "runId": self.run_id,
            "experimentName": self.experiment_name,
            "createdTime": self.created_time,
        }

    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        return get_model_path(model_name, version, _workspace)

    @staticmethod
    def deploy(
        workspace,
        name,
        models,
        inference_config=None,
        deployment_config=None,
        deployment_target=None,
        overwrite=False,
        show_output=False,
    ):
        """A LocalWebservice on 127.0.0.1, running when this returns."""
        from ._webservice import deploy

        return deploy(
            workspace, name, models, inference_config, deployment_config, deployment_target, overwrite, show_output
        )


def _register_options(tags, properties, description, framework, framework_version):
    args = _cli.pairs("--tag", tags) + _cli.pairs("--property", properties)
    if description:
        args += ["--description", description]
    if framework:
        args += ["--framework", framework]
    if framework_version:
        args += ["--framework-version", framework_version]
    return args


def register_from_run(run, model_name, model_path, tags, properties, description, framework, framework_version):
    """run.register_model: model_path is a path in the run (outputs/..., or an uploaded file)."""
    if not model_path:
        raise ValueError(
            "register_model needs model_path, the path in the run, e.g. model_path='outputs/model.joblib'."
        )
    args = ["model", "register", "-n", model_name, "-p", model_path, "--run", run.id]
    args += _register_options(tags, properties, description, framework, framework_version)
    return Model._from_json(_cli.call(args))
