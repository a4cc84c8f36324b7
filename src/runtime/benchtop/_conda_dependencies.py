"""azureml.core.conda_dependencies.CondaDependencies: the conda specification of an environment.

The same API and defaults as azureml-core: `CondaDependencies()` is azureml-core's template file
(python=3.8.13, pip: azureml-defaults, channels anaconda + conda-forge), `create()` pins
PYTHON_DEFAULT_VERSION, `add_pip_package` replaces an earlier entry of the same name, and a
specification without python cannot be saved. Benchtop builds it: with conda when a conda tool is
there, else with a venv (conda packages mapped to pip names; the build log names each mapping).
"""

import copy
import os
import re

from . import _yaml
from ._exceptions import UserErrorException
from ._version import AZUREML_VERSION as VERSION

CHANNELS = "channels"
PACKAGES = "dependencies"
PIP = "pip"
PYTHON_PREFIX = "python"
VERSION_REGEX = re.compile(r"(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$")
PYTHON_DEFAULT_VERSION = "3.10.18"
DEFAULT_SDK_ORIGIN = "https://pypi.python.org/simple"
CONDA_FILE_NAME = "auto_conda_dependencies.yml"
CPU = "cpu"
GPU = "gpu"
CNTK_DEFAULT_VERSION = "2.7"
TENSORFLOW_DEFAULT_VERSION = "2.2.0"

# azureml-core's base_project_files/conda_dependencies.yml, word for word: what CondaDependencies()
# starts from and what save() writes while it is unchanged.
_TEMPLATE = """# Conda environment specification. The dependencies defined in this file will
# be automatically provisioned for runs with userManagedDependencies=False.

# Details about the Conda environment file format:
# https://conda.io/docs/user-guide/tasks/manage-environments.html#create-env-file-manually

name: project_environment
dependencies:
  # The python interpreter version.
  # Currently Azure ML only supports 3.8 and later.
  - python=3.8.13

  - pip:
    # Required packages for AzureML execution, history, and data preparation.
    - azureml-defaults

channels:
  - anaconda
  - conda-forge
"""

# The packages of the Azure ML SDK: create(pin_sdk_version=True) pins these to ~=VERSION.
_SDK_SCOPE = frozenset(
    """azureml-core azureml-defaults azureml-telemetry azureml-train azureml-train-core azureml-train-automl
    azureml-train-automl-client azureml-train-automl-runtime azureml-train-restclients-hyperdrive azureml-widgets
    azureml-pipeline azureml-pipeline-core azureml-pipeline-steps azureml-sdk azureml-mlflow azureml-interpret
    azureml-tensorboard azureml-opendatasets azureml-automl-core azureml-automl-runtime azureml-explain-model
    azureml-contrib-notebook azureml-contrib-services azureml-dataset-runtime azureml-accel-models
    azureml-responsibleai azureml-automl-dnn-nlp azureml-contrib-fairness""".split()
)

_VALID_YML_KEYS = ["name", "channels", "dependencies", "prefix", "variables"]


def _is_python(item):
    return (
        isinstance(item, str)
        and item.startswith(PYTHON_PREFIX)
        and CondaDependencies._get_package_name(item) == PYTHON_PREFIX
    )


class CondaDependencies(object):
    """Manages application dependencies in an Azure Machine Learning environment."""

    DEFAULT_NUMBER_OF_CONDA_PACKAGES = 0
    DEFAULT_NUMBER_OF_PIP_PACKAGES = 0
    _VALID_YML_KEYS = _VALID_YML_KEYS

    def __init__(self, conda_dependencies_file_path=None, _underlying_structure=None):
        # The text as read, kept so save() writes a file back with its comments while it is unchanged
        # (azureml-core's ruamel round trip keeps them too); any edit drops it.
        self._text = None
        if conda_dependencies_file_path is not None:
            with open(os.path.normpath(conda_dependencies_file_path), "r") as f:
                text = f.read()
            self._conda_dependencies = self._parse(text, conda_dependencies_file_path)
            self._text = text
        elif _underlying_structure is not None:
            self._conda_dependencies = _underlying_structure
        else:
            self._conda_dependencies = self._parse(_TEMPLATE, "conda_dependencies.yml")
            self._text = _TEMPLATE
        CondaDependencies._validate_yaml(self._conda_dependencies)
        self._python_version = self.get_python_version()

    @staticmethod
    def _parse(text, where):
        try:
            return _yaml.loads(text)
        except ValueError as err:
            raise UserErrorException("Environment error: %s is not valid YAML: %s" % (where, err))

    @staticmethod
    def _validate_yaml(structure):
        if not isinstance(structure, dict):
            raise UserErrorException("Environment error: not a valid YAML structure")
        for key in structure.keys():
            if str(key) not in CondaDependencies._VALID_YML_KEYS:
                raise UserErrorException("Environment error: unknown {} key in environment specification".format(key))

    def _changed(self):
        self._text = None

    # --- construction ----------------------------------------------------------
    @staticmethod
    def create(
        pip_indexurl=None,
        pip_packages=None,
        conda_packages=None,
        python_version=PYTHON_DEFAULT_VERSION,
        pin_sdk_version=True,
    ):
        """A specification with these packages (azureml-defaults when pip_packages is None)."""
        cd = CondaDependencies()
        if pip_indexurl:
            cd.set_pip_option("--find-links {}".format(pip_indexurl))
            cd.set_pip_option("--extra-index-url {}".format(DEFAULT_SDK_ORIGIN))
        cd.set_python_version(python_version)
        if pip_packages is None:
            pip_packages = ["azureml-defaults"]
        else:
            for package in list(cd.pip_packages):
                cd.remove_pip_package(package)
        for package in pip_packages:
            if pin_sdk_version and cd._get_package_name(package) in _SDK_SCOPE:
                cd.add_pip_package("{}~={}".format(cd._get_package_name_with_extras(package), VERSION))
            else:
                cd.add_pip_package(package)
        if conda_packages:
            for conda_package in conda_packages:
                cd.remove_conda_package(conda_package)
            for conda_package in conda_packages:
                cd.add_conda_package(conda_package)
        cd._changed()
        return cd

    @staticmethod
    def merge_requirements(requirements):
        packages = {}
        for req in requirements:
            package = CondaDependencies._get_package_name(req)
            packages.setdefault(package, []).append(req[len(package) :].strip())
        return ["{}{}".format(pack, ",".join([x for x in req if x])) for pack, req in packages.items()]

    @staticmethod
    def sdk_origin_url():
        return DEFAULT_SDK_ORIGIN

    # --- reading -----------------------------------------------------------------
    @property
    def conda_channels(self):
        return iter(list(self._conda_dependencies.get(CHANNELS) or []))

    @property
    def conda_packages(self):
        return iter([d for d in self._conda_dependencies.get(PACKAGES) or [] if isinstance(d, str)])

    @property
    def pip_packages(self):
        return iter([x for x in self._pip_list() if not str(x).startswith("-")])

    @property
    def pip_options(self):
        return iter([x for x in self._pip_list() if str(x).startswith("-")])

    def _pip_list(self):
        found = []
        for item in self._conda_dependencies.get(PACKAGES) or []:
            if isinstance(item, dict) and PIP in item:
                found = item[PIP] or []
        return found

    def _pip_section(self):
        for item in self._conda_dependencies.get(PACKAGES) or []:
            if isinstance(item, dict) and PIP in item:
                if item[PIP] is None:
                    item[PIP] = []
                return item
        return None

    def get_default_number_of_packages(self):
        return 0, 1

    def get_python_version(self):
        for item in self._conda_dependencies.get(PACKAGES) or []:
            if _is_python(item):
                return self._get_version(item)
        return None

    def _has_python_package(self):
        for index, item in enumerate(self._conda_dependencies.get(PACKAGES) or []):
            if _is_python(item):
                return True, index
        return False, -1

    def _has_pip_package(self):
        return self._pip_section() is not None

    # --- editing -------------------------------------------------------------------
    def set_python_version(self, version):
        self._changed()
        if PACKAGES in self._conda_dependencies and self._conda_dependencies[PACKAGES] is not None:
            has_python, index = self._has_python_package()
            if has_python:
                if self._python_version != version:
                    self._conda_dependencies[PACKAGES][index] = PYTHON_PREFIX + "=" + version
            else:
                self._conda_dependencies[PACKAGES].append(PYTHON_PREFIX + "=" + version)
        else:
            self._conda_dependencies[PACKAGES] = [PYTHON_PREFIX + "=" + version]
        self._python_version = version

    def add_channel(self, channel):
        self._changed()
        channels = self._conda_dependencies.get(CHANNELS)
        if channels is None:
            self._conda_dependencies[CHANNELS] = [channel]
        elif channel not in channels:
            channels.append(channel)

    def remove_channel(self, channel):
        channels = self._conda_dependencies.get(CHANNELS) or []
        if channel in channels:
            self._changed()
            channels.remove(channel)

    def add_conda_package(self, conda_package):
        self._changed()
        packages = self._conda_dependencies.get(PACKAGES)
        if packages is None:
            self._conda_dependencies[PACKAGES] = [conda_package]
        elif conda_package not in packages:
            if _is_python(conda_package):
                self.set_python_version(self._get_version(conda_package))
            else:
                packages.append(conda_package)

    def remove_conda_package(self, conda_package):
        packages = self._conda_dependencies.get(PACKAGES) or []
        if conda_package in packages:
            if _is_python(conda_package):
                raise UserErrorException("python must not be removed from conda dependencies")
            self._changed()
            packages.remove(conda_package)

    def add_pip_package(self, pip_package):
        """Adds a pip package; an earlier entry of the same name is removed first (azureml-core's rule)."""
        if str(pip_package).startswith("-"):
            raise UserErrorException("Invalid package name {}".format(pip_package))
        self.remove_pip_package(pip_package)
        self._changed()
        section = self._pip_section()
        if section is None:
            self._conda_dependencies.setdefault(PACKAGES, [])
            if self._conda_dependencies[PACKAGES] is None:
                self._conda_dependencies[PACKAGES] = []
            self._conda_dependencies[PACKAGES].append({PIP: [pip_package]})
        elif pip_package not in section[PIP]:
            section[PIP].append(pip_package)

    def remove_pip_package(self, pip_package):
        if str(pip_package).startswith("-"):
            raise UserErrorException("Invalid package name {}".format(pip_package))
        section = self._pip_section()
        if section is None:
            return
        name = CondaDependencies._get_package_name(pip_package)
        kept = [p for p in section[PIP] if str(p).startswith("-") or CondaDependencies._get_package_name(p) != name]
        if len(kept) != len(section[PIP]):
            self._changed()
            section[PIP][:] = kept

    def set_pip_option(self, pip_option):
        if not str(pip_option).startswith("-"):
            raise UserErrorException("Invalid pip option {}".format(pip_option))
        self._changed()
        section = self._pip_section()
        if section is None:
            self._conda_dependencies.setdefault(PACKAGES, []).append({PIP: [pip_option]})
            return
        option = pip_option.split()[0]
        for i, item in enumerate(section[PIP]):
            if str(item).startswith("-") and item.split()[0] == option:
                section[PIP][i] = pip_option
                return
        section[PIP].append(pip_option)

    def remove_pip_option(self, pip_option):
        if not str(pip_option).startswith("-"):
            raise UserErrorException("Invalid pip option {}".format(pip_option))
        section = self._pip_section()
        if section is None:
            return
        option = pip_option.split()[0]
        kept = [p for p in section[PIP] if not (str(p).startswith("-") and p.split()[0] == option)]
        if len(kept) != len(section[PIP]):
            self._changed()
            section[PIP][:] = kept

    def set_pip_index_url(self, index_url):
        self.set_pip_option(index_url)

    def set_pip_requirements(self, pip_requirements):
        """Replaces the whole pip section (packages and options)."""
        self._changed()
        section = self._pip_section()
        if section is None:
            self._conda_dependencies.setdefault(PACKAGES, []).append({PIP: list(pip_requirements)})
        else:
            section[PIP] = list(pip_requirements)

    def add_cntk_package(self, core_type=CPU):
        self._validate_core_type(core_type)
        self._remove_pip_package_with_prefix("cntk")
        self.add_pip_package(("cntk-gpu" if core_type.lower() == GPU else "cntk") + "==" + CNTK_DEFAULT_VERSION)

    def add_tensorflow_pip_package(self, core_type=CPU, version=None):
        self._validate_core_type(core_type)
        self._remove_pip_package_with_prefix("tensorflow")
        name = "tensorflow-gpu" if core_type.lower() == GPU else "tensorflow"
        self.add_pip_package(name + "==" + (version or TENSORFLOW_DEFAULT_VERSION))

    def add_tensorflow_conda_package(self, core_type=CPU, version=None):
        self._validate_core_type(core_type)
        for item in [d for d in self.conda_packages if d.startswith("tensorflow")]:
            self.remove_conda_package(item)
        name = "tensorflow-gpu" if core_type.lower() == GPU else "tensorflow"
        self.add_conda_package(name + "=" + (version or TENSORFLOW_DEFAULT_VERSION))

    def _remove_pip_package_with_prefix(self, prefix):
        for item in [p for p in self.pip_packages if p.startswith(prefix)]:
            self.remove_pip_package(item)

    def _validate_core_type(self, core_type):
        if core_type != CPU and core_type != GPU:
            raise UserErrorException("Invalid core type {0}. Only accept 'cpu' or 'gpu'".format(core_type))

    # --- writing ---------------------------------------------------------------------
    def _validate(self):
        if not self._has_python_package()[0]:
            raise UserErrorException("Python package is missing.")

    def serialize_to_string(self):
        return self._text if self._text is not None else _yaml.dumps(self._conda_dependencies)

    def as_dict(self):
        return copy.deepcopy(self._conda_dependencies)

    def save(self, path=None):
        """Writes the specification to a file (a full path, not a folder); returns the path."""
        if path is None or os.path.isdir(path):
            raise UserErrorException(
                "Cannot save a conda environment specification file to a directory. "
                "Please specify a fully qualified path along with the file name to save the file."
            )
        parent = os.path.dirname(path)
        if parent and not os.path.isdir(parent):
            raise UserErrorException("Cannot save the conda environment specification file to an invalid path.")
        self._validate()
        with open(path, "w") as out:
            out.write(self.serialize_to_string())
        return path

    def save_to_file(self, base_directory, conda_file_path=None):
        """DEPRECATED (azureml-core): use save(). Writes base_directory/conda_file_path; returns the relative path."""
        if not conda_file_path:
            conda_file_path = ".azureml/" + CONDA_FILE_NAME
        full_path = os.path.join(os.path.abspath(base_directory), conda_file_path)
        self._validate()
        with open(full_path, "w") as out:
            out.write(self.serialize_to_string())
        return conda_file_path.replace("\\", "/")

    # --- names and versions ------------------------------------------------------------
    @staticmethod
    def _get_package_name(value):
        value = str(value)
        if value.endswith(".whl"):
            return re.split("-", re.split("/", value)[-1])[0]
        return re.split(r"[\[=|<|>|~|!]", value)[0].strip()

    @staticmethod
    def _get_package_name_with_extras(value):
        return re.split("[=|<|>|~|!]", str(value))[0]

    def _get_version(self, value):
        matched = VERSION_REGEX.search(value)
        return matched.group() if matched else None

    def __repr__(self):
        return self.serialize_to_string()
