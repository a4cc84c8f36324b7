"""azureml.core.model.Model on Benchtop's model registry (`benchtop model ...`), and Model.deploy.

A model here is a name with versions 1, 2, ...; its files are stored once by digest. The attributes
are azureml-core's (id "name:version", tags, properties, model_framework, run_id, experiment_name,
created_time as a datetime, url, resource_configuration); `url` is aml://asset/<name>:<version>, as
Azure's asset URL, but there is no asset store behind it: download() gets the files.
"""

import os
import re

from . import _cli
from ._exceptions import UserErrorException
from ._model_datasets import dataset_flags
from ._model_path import get_model_path
from ._webservice_exception import WebserviceException

# The registry keeps no separate field for it: a property holds it, and `properties` leaves it out.
_RESOURCE_PROPERTY = "benchtop.resourceConfiguration"


def _ref(name, version):
    return name if version is None else "%s:%s" % (name, version)


def model_name_validation(name):
    if not isinstance(name, str) or not re.match(r"^[a-zA-Z0-9][a-zA-Z0-9\-\._]{0,254}$", name):
        raise WebserviceException(
            "Error, provided model name is invalid. It must only consist of letters, numbers, dashes, periods, or "
            "underscores, start with a letter or number, and be between 1 and 255 characters long."
        )


def _not_found(workspace, **given):
    """azureml-core's ModelNotFound text, and the models there are."""
    message = "ModelNotFound: Model with %s not found in provided workspace" % ", ".join(
        "{} {}".format(k, v) for k, v in given.items() if v
    )
    try:
        versions = {}
        for data in _cli.call(["model", "list"], workspace):
            versions.setdefault(data["name"], []).append(str(data["version"]))
        here = ["%s (%s)" % (n, ", ".join(sorted(v, key=int))) for n, v in sorted(versions.items())]
        message += ". Models here: %s." % (", ".join(here) or "none (Model.register(ws, path, name) adds one)")
    except _cli.BenchtopCliError:
        pass
    return WebserviceException(message)


class _ModelPathNotFound(WebserviceException, FileNotFoundError):
    """azureml-core 1.61 raises FileNotFoundError for a missing model_path (earlier ones WebserviceException)."""


class Model(_cli.JsonBacked):
    """A registered model version."""

    class Framework(object):
        """The framework names registering a model takes (model_framework=Model.Framework.SCIKITLEARN)."""

        CUSTOM = "Custom"
        TENSORFLOW = "TensorFlow"
        SCIKITLEARN = "ScikitLearn"
        ONNX = "Onnx"
        TFKERAS = "TfKeras"
        PYTORCH = "PyTorch"
        MULTI = "Multi"

    _SUPPORTED_FRAMEWORKS_FOR_NO_CODE_DEPLOY = [
        Framework.ONNX,
        Framework.SCIKITLEARN,
        Framework.TENSORFLOW,
        Framework.MULTI,
    ]

    def __init__(
        self,
        workspace=None,
        name=None,
        id=None,
        tags=None,
        properties=None,
        version=None,
        run_id=None,
        model_framework=None,
        expand=True,
        **kwargs,
    ):
        """The version asked for (or the latest one matching the filters), as azureml-core's constructor."""
        self._blank(workspace)
        payload = kwargs.pop("_model_dto", None)
        if payload is not None:
            self._load(payload)
            return
        if not name and not id:
            if workspace is None:
                return
            raise WebserviceException("Error, one of id or name must be provided.")
        if id:
            name, _, from_id = id.partition(":")
            version = version if version is not None else (int(from_id) if from_id.isdigit() else None)
        if version is None and (tags or properties or run_id or model_framework):
            matches = Model.list(
                workspace, name=name, tags=tags, properties=properties, run_id=run_id, model_framework=model_framework
            )
            if not matches:
                raise _not_found(
                    workspace,
                    name=name,
                    id=id,
                    tags=tags,
                    properties=properties,
                    run_id=run_id,
                    model_framework=model_framework,
                )
            self._load(max(matches, key=lambda m: m.version)._data)
            return
        try:
            self._load(_cli.call(["model", "show", _ref(name, version)], workspace))
        except _cli.BenchtopCliError as err:
            if err.code in ("NOT_FOUND", "BAD_INPUT", "INVALID_NAME"):
                raise _not_found(workspace, name=name, id=id, version=version)
            raise WebserviceException(str(err))

    def _blank(self, workspace):
        self.workspace = workspace
        self._data = {}
        for attr in (
            "created_by",
            "created_time",
            "description",
            "id",
            "mime_type",
            "name",
            "model_framework",
            "model_framework_version",
            "tags",
            "properties",
            "unpack",
            "url",
            "version",
            "experiment_name",
            "run_id",
            "sample_input_dataset",
            "sample_output_dataset",
            "resource_configuration",
            "parent_id",
            "derived_model_ids",
        ):
            setattr(self, attr, None)
        self.datasets = {}
        self._run = None

    def _load(self, data):
        import json

        from ._resource_configuration import ResourceConfiguration

        self._data = data
        self.name = data["name"]
        self.version = data["version"]
        self.id = data.get("id") or "%s:%s" % (self.name, self.version)
        self.tags = dict(data.get("tags") or {})
        properties = dict(data.get("properties") or {})
        resources = properties.pop(_RESOURCE_PROPERTY, None)
        self.properties = properties
        self.resource_configuration = ResourceConfiguration.deserialize(json.loads(resources)) if resources else None
        self.description = data.get("description")
        self.model_framework = data.get("framework")
        self.model_framework_version = data.get("frameworkVersion")
        self.run_id = data.get("runId")
        self.experiment_name = data.get("experiment")
        self.created_time = _cli.timestamp(data.get("createdAt"))
        self.created_by = None
        self.mime_type = "application/octet-stream"
        self.unpack = False
        self.url = "aml://asset/%s" % self.id
        self.parent_id = None
        self.derived_model_ids = []
        self.datasets = {}
        self._run = None

    @property
    def datasets(self):
        """Azure's {purpose: [dataset, ...]}, looked up when first read."""
        if self.__dict__.get("_datasets") is None:
            from ._model_datasets import links_of, resolve

            self._datasets = resolve(self.workspace, links_of(self)) if self.__dict__.get("_data") else {}
        return self._datasets

    @datasets.setter
    def datasets(self, value):
        self._datasets = value or None

    # Benchtop's earlier spellings, kept for scripts written against them.
    @property
    def framework(self):
        return self.model_framework

    @property
    def framework_version(self):
        return self.model_framework_version

    @property
    def run(self):
        """The run that registered it (azureml-core fills this in when it can)."""
        if self._run is None and self.run_id:
            try:
                from ._run import Run

                self._run = Run.get(self.workspace, self.run_id)
            except Exception:
                return None
        return self._run

    def __repr__(self):
        return "{}(workspace={}, name={}, id={}, version={}, tags={}, properties={})".format(
            self.__class__.__name__,
            self.workspace.__repr__(),
            self.name,
            self.id,
            self.version,
            self.tags,
            self.properties,
        )

    # --- registering ----------------------------------------------------------------------------------
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
    ):
        """Registers a local file or folder as the next version of model_name."""
        model_name_validation(model_name)
        if model_framework is None and model_framework_version is not None:
            raise WebserviceException("Model framework version cannot be provided without a valid framework")
        path = os.path.normpath(os.path.join(os.getcwd(), model_path))
        if not os.path.exists(path):
            raise _ModelPathNotFound('Error, provided model path "{}" cannot be found'.format(path))
        for child in child_paths or []:
            if not os.path.exists(os.path.join(path, child)):
                raise WebserviceException('Error, provided child path "{}" cannot be found'.format(child))
        if resource_configuration is not None:
            resource_configuration._validate_configuration()
        dataset_args = dataset_flags(workspace, datasets)
        print("Registering model {}".format(model_name))
        import shutil
        import tempfile

        staging = None
        try:
            if child_paths:
                # azureml-core uploads just these, under a folder named after the model.
                staging = tempfile.mkdtemp(prefix="benchtop-model-")
                path = _gather(path, child_paths, os.path.join(staging, model_name))
            args = ["model", "register", "-n", model_name, "-p", path]
            args += _register_options(
                tags, properties, description, model_framework, model_framework_version, resource_configuration
            )
            args += dataset_args
            try:
                data = _cli.call(args, workspace)
            except _cli.BenchtopCliError as err:
                raise WebserviceException(str(err))
        finally:
            if staging:
                shutil.rmtree(staging, ignore_errors=True)
        return _registered(data, workspace)

    @classmethod
    def _from_json(cls, data, workspace=None):
        model = cls.__new__(cls)
        model._blank(workspace)
        model._load(data)
        return model

    # --- finding ------------------------------------------------------------------------------------
    @staticmethod
    def list(
        workspace,
        name=None,
        tags=None,
        properties=None,
        run_id=None,
        latest=False,
        dataset_id=None,
        expand=True,
        page_count=255,
        model_framework=None,
    ):
        """Versions, newest first; tags/properties filters are lists of 'key' or ['key', 'value']."""
        if page_count and (page_count < 20 or page_count > 255):
            raise UserErrorException(
                "Expected page_count value is between %s and %s. Provided: %s" % (20, 255, page_count)
            )
        if tags is not None and type(tags) is not list:
            raise UserErrorException(
                'Expected tags must be list type. Ex. ["key", ["key2", "key2 value"]]: provided {0}'.format(type(tags))
            )
        if dataset_id:
            return []
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
        try:
            found = _cli.call(args, workspace)
        except _cli.BenchtopCliError as err:
            raise WebserviceException(str(err))
        return [Model._from_json(m, workspace) for m in found]

    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        """Where the model's files are: see benchtop._model_path (azureml-core's search order)."""
        return get_model_path(model_name, version, _workspace)

    # --- its files ------------------------------------------------------------------------------------
    def download(self, target_dir=".", exist_ok=False, exists_ok=None):
        """target_dir/<the registered file or folder>, every file checked against its digest."""
        if exists_ok is not None:
            # azureml-core 1.61's check: exist_ok defaults to False, not None, so exists_ok alone trips it too.
            if exist_ok is not None:
                raise WebserviceException("Both exists_ok and exist_ok are set. Please use exist_ok only.")
        args = ["model", "download", self.id, "-d", os.path.abspath(target_dir)]
        if exist_ok:
            args.append("--exist-ok")
        try:
            path = _cli.call(args, self.workspace)["path"]
        except _cli.BenchtopCliError as err:
            if err.code == "ALREADY_EXISTS":
                raise WebserviceException("File already exists. To overwrite, set exist_ok to True. (%s)" % err)
            raise WebserviceException(str(err))
        # azureml-core returns it under target_dir as given (relative stays relative).
        return os.path.normpath(os.path.join(target_dir, os.path.relpath(path, os.path.abspath(target_dir))))

    def get_sas_urls(self):
        raise WebserviceException(
            "get_sas_urls needs Azure storage; Benchtop keeps the files on this machine: model.download(target_dir) "
            "copies them out.",
        )

    # --- changing it --------------------------------------------------------------------------------
    def _cli_update(self, args):
        try:
            self._load(_cli.call(["model", "update", self.id] + args, self.workspace))
        except _cli.BenchtopCliError as err:
            raise WebserviceException(str(err))

    def update(
        self,
        tags=None,
        description=None,
        sample_input_dataset=None,
        sample_output_dataset=None,
        resource_configuration=None,
    ):
        """Replaces the tags (as azureml-core's update does), the description, the resource configuration."""
        args = []
        if tags:
            args += [a for k in self.tags if k not in tags for a in ("--remove-tag", k)] + _cli.pairs("--tag", tags)
        if description:
            args += ["--description", description]
        if resource_configuration:
            import json

            resource_configuration._validate_configuration()
            if self.resource_configuration is not None:
                raise WebserviceException(
                    "Error, a model's resource configuration is kept as a property here, and properties are "
                    "immutable: register a new version with resource_configuration=.",
                )
            args += ["--property", "%s=%s" % (_RESOURCE_PROPERTY, json.dumps(resource_configuration.serialize()))]
        if sample_input_dataset is not None or sample_output_dataset is not None:
            raise WebserviceException(
                "Sample input/output datasets are not kept by Benchtop's model registry; link the data with "
                "model.add_dataset_references([('inferencing', dataset)]) and describe the input with "
                "inference-schema decorators in score.py.",
            )
        if args:
            self._cli_update(args)

    def update_tags_properties(self, add_tags=None, remove_tags=None, add_properties=None):
        """azureml-core's merge: add_tags replace same-named ones (said), remove_tags drop them, properties are added."""
        duplicates = [k for k in add_properties or {} if k in (self.properties or {})]
        if duplicates:
            raise WebserviceException(
                "Error, properties are immutable, the following keys cannot be added/modified: {}".format(
                    ",".join(duplicates)
                ),
            )
        args = []
        for key, value in (add_tags or {}).items():
            if key in self.tags:
                print("Replacing tag {} -> {} with {} -> {}".format(key, self.tags[key], key, value))
        args += _cli.pairs("--tag", add_tags)
        if remove_tags is not None:
            if not self.tags:
                print("Model has no tags to remove.")
            for key in remove_tags if isinstance(remove_tags, list) else [remove_tags]:
                if key in self.tags:
                    args += ["--remove-tag", key]
                elif self.tags:
                    print("Tag with key {} not found.".format(key))
        args += _cli.pairs("--property", add_properties)
        if args:
            self._cli_update(args)

    def add_tags(self, tags):
        self.update_tags_properties(add_tags=tags)
        print("Model tag add operation complete.")

    def remove_tags(self, tags):
        self.update_tags_properties(remove_tags=tags)
        print("Model tag remove operation complete.")

    def add_properties(self, properties):
        self.update_tags_properties(add_properties=properties)
        print("Model properties add operation complete.")

    def add_dataset_references(self, datasets):
        """Links more (purpose, dataset) pairs to this version (see benchtop._model_datasets)."""
        from ._model_datasets import add_references

        add_references(self, datasets)

    def delete(self):
        try:
            _cli.call(["model", "delete", self.id], self.workspace)
        except _cli.BenchtopCliError as err:
            raise WebserviceException(str(err))

    # --- as a dict ------------------------------------------------------------------------------------
    def serialize(self):
        """azureml-core's keys."""
        return {
            "createdTime": self.created_time.isoformat() if self.created_time else None,
            "createdBy": self.created_by,
            "description": self.description,
            "id": self.id,
            "mimeType": self.mime_type,
            "name": self.name,
            "framework": self.model_framework,
            "frameworkVersion": self.model_framework_version,
            "tags": self.tags,
            "properties": self.properties,
            "unpack": self.unpack,
            "url": self.url,
            "version": self.version,
            "experimentName": self.experiment_name,
            "runId": self.run_id,
            "runDetails": str(self._run) if self._run is not None else "None",
            "datasets": [
                {"name": purpose, "id": dataset.id} for purpose, found in self.datasets.items() for dataset in found
            ],
            "resourceConfiguration": self.resource_configuration.serialize() if self.resource_configuration else None,
            "sampleInputDatasetId": None,
            "sampleOutputDatasetId": None,
        }

    @staticmethod
    def deserialize(workspace, model_payload):
        """A Model from serialize()'s dict (no call to the registry)."""
        data = {
            "name": model_payload["name"],
            "version": model_payload["version"],
            "id": model_payload.get("id"),
            "tags": model_payload.get("tags"),
            "properties": model_payload.get("properties"),
            "description": model_payload.get("description"),
            "framework": model_payload.get("framework"),
            "frameworkVersion": model_payload.get("frameworkVersion"),
            "runId": model_payload.get("runId"),
            "experiment": model_payload.get("experimentName"),
            "createdAt": model_payload.get("createdTime"),
        }
        model = Model._from_json(data, workspace)
        model.created_time = _cli.timestamp(model_payload.get("createdTime")) or _iso(model_payload.get("createdTime"))
        resources = model_payload.get("resourceConfiguration")
        if resources:
            from ._resource_configuration import ResourceConfiguration

            model.resource_configuration = ResourceConfiguration.deserialize(resources)
        return model

    # --- deploying ------------------------------------------------------------------------------------
    @staticmethod
    def print_configuration(models, inference_config, deployment_config, deployment_target):
        from ._deploy import print_configuration

        print_configuration(models, inference_config, deployment_config, deployment_target)

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
        """A web service on this machine (see benchtop._deploy); wait_for_deployment() sees it through."""
        from ._deploy import deploy

        return deploy(
            workspace, name, models, inference_config, deployment_config, deployment_target, overwrite, show_output
        )

    @staticmethod
    def package(workspace, models, inference_config=None, generate_dockerfile=False, image_name=None, image_label=None):
        raise WebserviceException(
            "Model.package builds an image in the workspace's Azure container registry. Here, "
            "environment.build_local(ws, useDocker=True) builds the environment's image on this machine, and "
            "Model.deploy serves the models (in a container when environment.docker.enabled is True).",
        )

    @staticmethod
    def profile(
        workspace, profile_name, models, inference_config, input_dataset, cpu=None, memory_in_gb=None, description=None
    ):
        raise WebserviceException(
            "Model.profile runs on Azure compute. Here, deploy the model (Model.deploy) and time service.run() "
            "with your inputs; the log has each request's duration.",
        )


def _iso(text):
    import datetime

    try:
        return datetime.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _gather(root, child_paths, folder):
    """Copies the child paths of root into folder (the registration of a model's chosen files)."""
    import shutil

    for child in child_paths:
        source = os.path.join(root, child)
        target = os.path.join(folder, child)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.isdir(source):
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    return folder


def _register_options(tags, properties, description, framework, framework_version, resource_configuration=None):
    import json

    args = _cli.pairs("--tag", tags) + _cli.pairs("--property", properties)
    if resource_configuration is not None:
        args += ["--property", "%s=%s" % (_RESOURCE_PROPERTY, json.dumps(resource_configuration.serialize()))]
    if description:
        args += ["--description", description]
    if framework:
        args += ["--framework", framework]
    if framework_version:
        args += ["--framework-version", framework_version]
    return args


def register_from_run(
    run,
    model_name,
    model_path,
    tags,
    properties,
    description,
    framework,
    framework_version,
    resource_configuration=None,
    datasets=None,
):
    """run.register_model: model_path is a path in the run (outputs/..., or an uploaded file)."""
    if not model_path:
        raise ValueError(
            "register_model needs model_path, the path in the run, e.g. model_path='outputs/model.joblib'."
        )
    args = ["model", "register", "-n", model_name, "-p", model_path, "--run", run.id]
    args += _register_options(tags, properties, description, framework, framework_version, resource_configuration)
    args += dataset_flags(run.experiment.workspace, datasets)
    return _registered(_cli.call(args))


def _registered(data, workspace=None):
    """The new version; what the registration could not use (a broken MLmodel: plain files) is printed."""
    for warning in data.get("warnings") or []:
        print("Benchtop: %s" % warning)
    return Model._from_json(data, workspace)


__all__ = ["Model", "get_model_path", "register_from_run"]
