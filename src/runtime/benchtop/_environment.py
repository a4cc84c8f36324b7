"""azureml.core.environment.Environment on Benchtop's environment registry.

env = Environment("my-env")                                  # azureml-core's defaults (python=3.8.13 ...)
env.python.conda_dependencies = CondaDependencies.create(pip_packages=["joblib"])
env.register(workspace=ws)                                   # version "1"; the same content again: "1"
env.build(ws).wait_for_completion(show_output=True)          # built here (venv or conda; Docker if enabled)
Environment.get(ws, "AzureML-Minimal")                       # curated names resolve to local definitions

Registration writes the folder form (save_to_directory) and registers it with the CLI, so the
registry stores exactly what azureml-core would send; Benchtop's build key hashes only the parts
that change the built environment.
"""

import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections import OrderedDict

from . import _cli, _environment_build
from ._conda_dependencies import PYTHON_DEFAULT_VERSION, CondaDependencies
from ._config_element import ConfigElement, Field
from ._databricks import DatabricksSection
from ._environment_sections import (
    DEFAULT_CPU_IMAGE,
    DEFAULT_GPU_IMAGE,
    DockerSection,
    PythonSection,
    RSection,
    SparkSection,
)
from ._exceptions import UserErrorException

module_logger = logging.getLogger("azureml.core.environment")

_CONDA_DEPENDENCIES_FILE_NAME = "conda_dependencies.yml"
_BASE_DOCKERFILE_FILE_NAME = "BaseDockerfile"
_DEFINITION_FILE_NAME = "azureml_environment.json"

__all__ = ["Environment", "EnvironmentReference", "DEFAULT_CPU_IMAGE", "DEFAULT_GPU_IMAGE"]


class Environment(ConfigElement):
    """A reproducible Python environment: a definition to register and build, or a registered version."""

    _fields = (
        Field("name"),
        Field("version"),
        Field("_environment_variables"),
        Field("python", PythonSection),
        Field("docker", DockerSection),
        Field("spark", SparkSection),
        Field("databricks", DatabricksSection),
        Field("r", RSection),
        Field("inferencing_stack_version"),
        Field("asset_id"),
    )

    def __init__(self, name, **kwargs):
        skip = kwargs.get("_skip_defaults", False)
        if name is not None and not isinstance(name, str):
            raise TypeError("Environment name expected str, {} found".format(type(name)))
        self.name = name
        self.version = None
        self.python = PythonSection(_skip_defaults=skip)
        self.docker = DockerSection(_skip_defaults=skip)
        self.spark = SparkSection(_skip_defaults=skip)
        self.databricks = DatabricksSection(_skip_defaults=skip)
        self._environment_variables = dict()
        self.inferencing_stack_version = None
        self.r = None
        self.asset_id = None
        if not skip:
            self._environment_variables = {"EXAMPLE_ENV_VAR": "EXAMPLE_VALUE"}
        self._initialized = True

    @property
    def environment_variables(self):
        """Variables set in runs and services that use this environment."""
        return self._environment_variables

    @environment_variables.setter
    def environment_variables(self, value):
        module_logger.warning(
            "Property environment_variables is deprecated. "
            "Use RunConfiguration.environment_variables to set runtime variables."
        )
        self._environment_variables = value

    def __str__(self):
        return "Environment(Name: %s,\nVersion: %s)" % (self.name, self.version)

    def __repr__(self):
        return json.dumps(Environment._serialize_to_dict(self), indent=4, sort_keys=True)

    # --- serialization (azureml_environment.json) ------------------------------------
    @staticmethod
    def _serialize_to_dict(environment, use_commented_map=False):
        data = environment._serialize()
        conda = environment.python.conda_dependencies if environment.python is not None else None
        if conda is not None:
            data["python"]["condaDependencies"] = conda.as_dict()
        return data

    @staticmethod
    def _deserialize_and_add_to_object(serialized_dict):
        data = OrderedDict(serialized_dict)
        if all(k in ("name", "version") for k in data):
            return EnvironmentReference(data.get("name"), data.get("version"))
        python = dict(data.get("python") or {})
        inline = python.pop("condaDependencies", None)
        if "python" in data and data["python"] is not None:
            data["python"] = python
        env = Environment(data.get("name"), _skip_defaults=True)
        Environment._deserialize(data, env)
        if env.version is not None:
            object.__setattr__(env, "version", str(env.version))
        if inline is not None:
            env.python = env.python or PythonSection(_skip_defaults=True)
            env.python.conda_dependencies = CondaDependencies(_underlying_structure=inline)
        return env

    # --- folders --------------------------------------------------------------------
    def save_to_directory(self, path, overwrite=False):
        """Writes azureml_environment.json, conda_dependencies.yml and BaseDockerfile (when set) to a folder."""
        os.makedirs(path, exist_ok=overwrite)
        if self.python and self.python.conda_dependencies:
            self.python.conda_dependencies.save(os.path.join(path, _CONDA_DEPENDENCIES_FILE_NAME))
        if self.docker and self.docker.base_dockerfile:
            with open(os.path.join(path, _BASE_DOCKERFILE_FILE_NAME), "w") as f:
                f.write(self.docker.base_dockerfile)
        data = Environment._serialize_to_dict(self)
        if data.get("python") and data["python"].get("condaDependencies"):
            del data["python"]["condaDependencies"]
        if data.get("docker") and data["docker"].get("baseDockerfile"):
            del data["docker"]["baseDockerfile"]
        with open(os.path.join(path, _DEFINITION_FILE_NAME), "w") as f:
            json.dump(data, f, indent=4)

    @staticmethod
    def load_from_directory(path):
        """Reads a folder written by save_to_directory (or `benchtop env download`, or Azure)."""
        definition_path = os.path.join(path, _DEFINITION_FILE_NAME)
        if not os.path.isfile(definition_path):
            raise FileNotFoundError(definition_path)
        with open(definition_path, "r") as f:
            env = Environment._deserialize_and_add_to_object(json.load(f, object_pairs_hook=OrderedDict))
        conda_file = os.path.join(path, _CONDA_DEPENDENCIES_FILE_NAME)
        if os.path.isfile(conda_file):
            env.python = env.python or PythonSection(_skip_defaults=True)
            env.python.conda_dependencies = CondaDependencies(conda_file)
        dockerfile = os.path.join(path, _BASE_DOCKERFILE_FILE_NAME)
        if os.path.isfile(dockerfile):
            env.docker = env.docker or DockerSection(_skip_defaults=True)
            with open(dockerfile, "r") as f:
                env.docker._base_dockerfile = f.read()
        return env

    # --- the registry -----------------------------------------------------------------
    def register(self, workspace):
        """Registers this definition: the next version, or the latest one when the content is the same."""
        if self.docker is not None and self.docker.build_context is not None:
            # Registering it would build from the default base image instead: say so rather than guess.
            raise UserErrorException(
                "A Docker build context (%s) is fetched by Azure from git or storage, which Benchtop does not "
                "reach. Locally, write the build as a Dockerfile: Environment.from_dockerfile(name, path)."
                % (self.docker.build_context.location or "no location")
            )
        folder = tempfile.mkdtemp(prefix="benchtop-env-")
        try:
            target = os.path.join(folder, "environment")
            _for_registration(self).save_to_directory(target)
            data = _call(["env", "register", "-d", target], workspace)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        registered = _from_record(data)
        # azureml-core returns the registered copy; setting the version here too keeps `env.version`
        # meaningful for code written against earlier Benchtop releases.
        self.version = registered.version
        return registered

    @staticmethod
    def get(workspace, name, version=None, label=None):
        """The latest version of `name` (or `version`); curated names match in any letter case."""
        if label and version:
            raise UserErrorException("Only one of version or label can be specified")
        if label:
            raise UserErrorException(
                "Environment labels need the cloud; Benchtop has versions only. Use Environment.get(ws, %r, "
                "version=...), or see the versions with `benchtop env show -n %s`." % (name, name)
            )
        args = ["env", "show", "-n", name] + (["-v", str(version)] if version is not None else [])
        try:
            return _from_record(_cli.call(args, workspace))
        except _cli.BenchtopCliError as err:
            if err.code != "NOT_FOUND":
                raise UserErrorException(str(err))
            known = _cli.call(["env", "list"], workspace)
            curated = [e["name"] for e in known if e.get("curated") and e["name"].lower() == name.lower()]
            if curated and curated[0] != name:
                return Environment.get(workspace, curated[0], version)
            raise UserErrorException(_not_found(name, version, known, err))

    @staticmethod
    def list(workspace):
        """{name: Environment} for every environment: the latest version of each, curated ones included."""
        data = _cli.call(["env", "list", "--definitions"], workspace)
        return {e["name"]: _from_record(e) for e in data}

    @staticmethod
    def label(workspace, name, version, labels):
        raise UserErrorException(
            "Environment labels need the cloud; Benchtop refers to environments by name and version (%s:%s)."
            % (name, version)
        )

    def clone(self, new_name):
        """A copy under a new name, unregistered (how a curated environment becomes editable)."""
        if not new_name:
            raise UserErrorException("Name is required to instantiate an Environment object")
        env = Environment._deserialize_and_add_to_object(
            json.loads(json.dumps(Environment._serialize_to_dict(self)), object_pairs_hook=OrderedDict)
        )
        env.name = new_name
        env.version = None
        env.asset_id = None
        extra = env.__dict__.get("_extra")
        if extra:
            extra.pop("description", None)  # a curated environment's description is not the clone's
        return env

    # --- factories ----------------------------------------------------------------------
    @staticmethod
    def _from_dependencies(name, conda_specification=None, pip_requirements=None):
        if conda_specification and pip_requirements:
            raise UserErrorException(
                "Only one of conda_specification or pip_requirements can be specified as python dependencies"
            )
        if conda_specification:
            return Environment.from_conda_specification(name, conda_specification)
        if pip_requirements:
            return Environment.from_pip_requirements(name, pip_requirements)
        env = Environment(name)
        env.python.user_managed_dependencies = True
        return env

    @staticmethod
    def from_dockerfile(name, dockerfile, conda_specification=None, pip_requirements=None):
        """A Dockerfile (its text or a path) as the base; python from a conda or pip file, else the image's own."""
        env = Environment._from_dependencies(name, conda_specification, pip_requirements)
        env.docker.base_image = None
        env.docker.build_context = None
        env.docker.base_dockerfile = dockerfile
        return env

    @staticmethod
    def from_docker_image(name, image, container_registry=None, conda_specification=None, pip_requirements=None):
        """An image on the Docker engine as the base (Benchtop does not pull: load it first)."""
        env = Environment._from_dependencies(name, conda_specification, pip_requirements)
        env.docker.base_dockerfile = None
        env.docker.build_context = None
        env.docker.base_image = image
        if container_registry:
            env.docker.base_image_registry = container_registry
        return env

    @staticmethod
    def from_docker_build_context(name, docker_build_context):
        env = Environment(name, _skip_defaults=True)
        env.docker.build_context = docker_build_context
        return env

    @staticmethod
    def from_conda_specification(name, file_path):
        """A conda environment file; without a python pin, PYTHON_DEFAULT_VERSION (with azureml-core's warning)."""
        conda_dependencies = CondaDependencies(conda_dependencies_file_path=file_path)
        if not conda_dependencies._python_version:
            module_logger.warning('No Python version provided, defaulting to "{}"'.format(PYTHON_DEFAULT_VERSION))
            conda_dependencies.set_python_version(PYTHON_DEFAULT_VERSION)
        env = Environment(name=name)
        env.python.conda_dependencies = conda_dependencies
        return env

    @staticmethod
    def from_pip_requirements(name, file_path, pip_version=None):
        """A requirements file as the pip section, plus conda's `pip` (pinned to pip_version when given)."""
        env = Environment(name=name)
        with open(file_path) as f:
            # Blank and comment lines are left out: a build installs the list as it is.
            lines = [line.strip() for line in f.read().splitlines()]
        env.python.conda_dependencies.set_pip_requirements([line for line in lines if line and line[0] != "#"])
        env.python.conda_dependencies.add_conda_package("pip={}".format(pip_version) if pip_version else "pip")
        return env

    @staticmethod
    def from_existing_conda_environment(name, conda_environment_name):
        """Exports a conda environment of this machine; None (with the reason printed) when that fails."""
        tool = _conda_tool()
        if tool is None:
            print("Unable to run Conda package manager. Please make sure Conda (>= 4.4.0) is installed.")
            return None
        try:
            listed = json.loads(subprocess.check_output([tool, "env", "list", "--json"]).decode("utf-8"))
        except (subprocess.CalledProcessError, ValueError) as err:
            print("Getting the list of existing conda environments failed: {}".format(err))
            return None
        if not any(os.path.basename(os.path.normpath(e)) == conda_environment_name for e in listed.get("envs", [])):
            print("Could not find existing conda environment named: {}".format(conda_environment_name))
            print("Please make sure the conda environment {} exists.".format(conda_environment_name))
            return None
        print("Exporting conda specifications for existing conda environment: {}".format(conda_environment_name))
        command = [tool, "env", "export", "--name", conda_environment_name]
        if os.path.basename(tool) != "micromamba":
            command.insert(3, "--no-builds")
        try:
            exported = subprocess.check_output(command).decode("utf-8")
        except subprocess.CalledProcessError as ex:
            print("Exporting conda specifications failed with exit code: {}".format(ex.returncode))
            return None
        handle, spec = tempfile.mkstemp(suffix=".yml")
        try:
            with os.fdopen(handle, "w") as f:
                # `prefix:` names the source environment's folder, which is no part of the definition.
                f.write("\n".join(line for line in exported.splitlines() if not line.startswith("prefix:")))
            return Environment.from_conda_specification(name, spec)
        finally:
            os.remove(spec)

    @staticmethod
    def add_private_pip_wheel(workspace, file_path, exist_ok=False):
        """Adds a wheel to the workspace (`benchtop wheel add`); returns the requirement for the pip list.

        Azure returns the wheel's blob URL; here it is `name==version`, which every build installs
        from the workspace's wheels (offline too)."""
        if not os.path.isfile(file_path):
            raise UserErrorException("Please make sure the wheel file exists at: {}".format(file_path))
        wheel_name = os.path.basename(file_path)
        existing = [w for w in _cli.call(["wheel", "list"], workspace) if w.get("file") == wheel_name]
        if existing:
            if exist_ok:
                return existing[0]["reference"]
            raise UserErrorException(
                "\nA wheel with the name {0} already exists.\n"
                "Please make sure {0} is the private wheel you would like to add to the workspace.\n"
                "If you would like to have it be a no-op instead of throwing an exception for duplicate entries,\n"
                "please set exist_ok=True".format(wheel_name)
            )
        return _call(["wheel", "add", os.path.abspath(file_path)], workspace)["reference"]

    # --- builds -------------------------------------------------------------------------
    def build(self, workspace, image_build_compute=None):
        """Builds this environment on this machine; returns an ImageBuildDetails to wait on.

        Azure builds a Docker image in the workspace's registry. Benchtop builds what a local run
        uses: a venv or conda environment, or an image when docker.enabled is set."""
        if self.version is None:
            module_logger.warning("Building a non-registered environment is not supported. Registering environment.")
        registered = self.register(workspace)
        docker = bool(self.docker and self.docker.enabled)
        print(
            "Building %s:%s on this machine (%s); Azure would build an image in the workspace's registry."
            % (registered.name, registered.version, "Docker image" if docker else "the venv or conda backend")
        )
        return _environment_build.start(registered, workspace, docker)

    def build_local(self, workspace, platform=None, **kwargs):
        """Builds here and streams the log; useDocker=True (or docker.enabled) builds an image."""
        if self.version is None:
            self.register(workspace)
        use_docker = kwargs.get("useDocker")
        docker = bool(self.docker.enabled) if use_docker is None else bool(use_docker)
        return _environment_build.run_to_end(self, workspace, docker)


class EnvironmentReference(ConfigElement):
    """A name and version standing for a registered environment."""

    _fields = (Field("name"), Field("version"))

    def __init__(self, name, version=None):
        self.name = name
        self.version = version
        self._initialized = True

    def __repr__(self):
        return json.dumps(self._serialize(), indent=4)

    def get_environment(self, workspace):
        return Environment.get(workspace, self.name, self.version)


def _for_registration(env):
    """The copy that is registered: values the core stores as strings (variables) made strings."""
    copy = Environment._deserialize_and_add_to_object(
        json.loads(json.dumps(Environment._serialize_to_dict(env), default=str), object_pairs_hook=OrderedDict)
    )
    copy._environment_variables = {str(k): str(v) for k, v in (env.environment_variables or {}).items()}
    return copy


def _from_record(data):
    """An Environment from the CLI's JSON for a version (its definition, with the version filled in)."""
    definition = OrderedDict(data.get("definition") or {"name": data["name"]})
    definition["version"] = str(data.get("version"))
    env = Environment._deserialize_and_add_to_object(definition)
    object.__setattr__(env, "_build_key", data.get("buildKey"))
    object.__setattr__(env, "_curated", bool(data.get("curated")))
    return env


def _call(args, workspace):
    try:
        return _cli.call(args, workspace)
    except _cli.BenchtopCliError as err:
        raise UserErrorException(str(err))


def _not_found(name, version, known, err):
    names = [e["name"] for e in known]
    if version is not None and name in names:
        return "Error retrieving the environment definition. Code: 404\n: Environment %r has no version %s. %s" % (
            name,
            version,
            err.hint or "",
        )
    curated = [n for n in names if any(e["name"] == n and e.get("curated") for e in known)]
    yours = [n for n in names if n not in curated]
    return (
        "Error retrieving the environment definition. Code: 404\n: No environment named %r in this workspace. "
        "Yours: %s. Curated: %s." % (name, ", ".join(yours) or "none", ", ".join(curated) or "none")
    )


def _conda_tool():
    """conda, mamba or micromamba (BENCHTOP_CONDA first), as the conda backend looks for them."""
    configured = os.environ.get("BENCHTOP_CONDA")
    if configured and os.path.isfile(configured):
        return configured
    for name in ("conda", "mamba", "micromamba"):
        found = shutil.which(name)
        if found:
            return found
    return None
