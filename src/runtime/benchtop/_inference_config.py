"""azureml.core.model.InferenceConfig: the entry script, its source folder and the environment of a deployment.

Checked as azureml-core checks it (the script exists, is a .py file with an importable name and
parses), with azureml-core's messages. One difference: with an environment and no entry script
it is a no-code deployment in that environment (azureml-core requires an entry script and has no
way to give a no-code deployment an environment; Benchtop's default one may lack what a model
needs, e.g. dill).
"""

import ast
import keyword
import logging
import os
import warnings

from ._exceptions import UserErrorException
from ._webservice_exception import WebserviceException

module_logger = logging.getLogger(__name__)
# As azureml-core's loggers: an error is raised, not also printed (Python's last-resort handler would).
module_logger.addHandler(logging.NullHandler())

HOW_TO_USE_ENVIRONMENTS_DOC_URL = "https://docs.microsoft.com/azure/machine-learning/how-to-use-environments"
SUPPORTED_RUNTIMES = ("spark-py", "python", "python-slim")
SUPPORTED_CUDA_VERSIONS = ("9.0", "9.1", "10.0")


def _join(source_directory, path):
    return os.path.join(source_directory, path).replace(os.sep, "/") if path and source_directory else path


def _must_exist(path, name, extra_message=""):
    path = os.path.normpath(path)
    if not os.path.exists(path):
        raise WebserviceException("{0} {1} doesn't exist. {2}".format(name, path, extra_message), logger=module_logger)


def validate_entry_script_name(name):
    if not name.isidentifier() or keyword.iskeyword(name):
        raise WebserviceException(
            'Error, invalid name "{}" for provided entry script. The script must be importable as a valid python '
            "module, and must adhere to standard module naming. This means it must be a valid python identifier "
            "and not a part of the set of python standard keywords.".format(name),
            logger=module_logger,
        )


class InferenceConfig(object):
    """How to serve the models: entry_script (score.py with init() and run()), source_directory, environment."""

    def __init__(
        self,
        entry_script=None,
        runtime=None,
        conda_file=None,
        extra_docker_file_steps=None,
        source_directory=None,
        enable_gpu=None,
        description=None,
        base_image=None,
        base_image_registry=None,
        cuda_version=None,
        environment=None,
    ):
        self.entry_script = entry_script
        self.runtime = runtime
        self.conda_file = conda_file
        self.extra_docker_file_steps = extra_docker_file_steps
        self.source_directory = source_directory
        self.enable_gpu = enable_gpu
        self.cuda_version = cuda_version
        self.description = description
        self.base_image = base_image
        if base_image_registry is None:
            from ._container_registry import ContainerRegistry

            base_image_registry = ContainerRegistry()
        self.base_image_registry = base_image_registry
        self.environment = environment
        self.validate_configuration()

    def __repr__(self):
        return (
            "{}(entry_script={}, runtime={}, conda_file={}, extra_docker_file_steps={}, source_directory={}, "
            "enable_gpu={}, base_image={}, base_image_registry={})".format(
                self.__class__.__name__,
                self.entry_script,
                self.runtime,
                self.conda_file,
                self.extra_docker_file_steps,
                self.source_directory,
                self.enable_gpu,
                self.base_image,
                self.base_image_registry,
            )
        )

    @property
    def no_code(self):
        """Benchtop: an environment without an entry script serves one model with the built-in scorer."""
        return not self.entry_script

    def validate_configuration(self):
        """azureml-core's checks and messages (deprecation warnings included)."""
        for given, what, anchor in (
            (self.runtime, "runtime parameter has", ""),
            (self.conda_file, "conda_file parameter has", "#conda-and-pip-packages"),
            (self.extra_docker_file_steps, "extra_docker_file_steps parameter has", "#docker-and-environments"),
            (self.enable_gpu or self.cuda_version, "enable_gpu and cuda_version parameters have", ""),
        ):
            if given:
                warnings.warn(
                    "%s been deprecated and will be removed in a future release. Please migrate to using "
                    "Environments. %s%s"
                    % (what, HOW_TO_USE_ENVIRONMENTS_DOC_URL, anchor or "#docker-and-environments"),
                    category=DeprecationWarning,
                    stacklevel=3,
                )
        if not self.entry_script and self.environment is None:
            raise WebserviceException("Error, need to specify entry_script.")
        if self.environment is not None:
            if (
                self.runtime
                or self.conda_file
                or self.extra_docker_file_steps
                or self.enable_gpu
                or self.cuda_version
                or self.base_image
            ):
                raise WebserviceException(
                    "Error, unable to provide runtime, conda_file, extra_docker_file_steps, enable_gpu, cuda_version, "
                    "or base_image along with an environment object."
                )
            docker = getattr(self.environment, "docker", None)
            if docker is not None and getattr(docker, "base_dockerfile", None) and getattr(docker, "base_image", None):
                raise WebserviceException(
                    "Error, only one of base_dockerfile or base_image should be provided to the environment.docker "
                    "object."
                )
        if self.source_directory:
            self.source_directory = os.path.realpath(self.source_directory)
            _must_exist(self.source_directory, "source directory")
        if not self.entry_script:
            return
        _must_exist(
            _join(self.source_directory, self.entry_script),
            "entry_script",
            extra_message="entry_script should be path relative to current working directory",
        )
        script_name, extension = os.path.splitext(os.path.basename(self.entry_script))
        if extension != ".py":
            raise WebserviceException(
                "Invalid driver type. Currently only Python drivers are supported.", logger=module_logger
            )
        validate_entry_script_name(script_name)
        if self.runtime and self.runtime.lower() not in SUPPORTED_RUNTIMES:
            raise WebserviceException(
                "Provided runtime not supported. Possible runtimes are: spark-py|python", logger=module_logger
            )
        if self.cuda_version is not None and self.cuda_version.lower() not in SUPPORTED_CUDA_VERSIONS:
            raise WebserviceException(
                "Provided cuda_version not supported. Possible cuda_versions are: %s"
                % "|".join(SUPPORTED_CUDA_VERSIONS),
                logger=module_logger,
            )
        if self.conda_file:
            _must_exist(_join(self.source_directory, self.conda_file), "Conda file")
        if self.extra_docker_file_steps:
            _must_exist(_join(self.source_directory, self.extra_docker_file_steps), "extra docker file steps")
        self.validation_script_content()

    def validation_script_content(self):
        """The entry script must parse (azureml-core checks it with ast.parse before deploying)."""
        path = _join(self.source_directory, self.entry_script)
        try:
            with open(path) as script:
                contents = script.read()
        except IOError:
            raise UserErrorException(
                "Failed to open {}, please check if it exists and the read permission. We can not deploy the model "
                "if we can not access this file.".format(path)
            )
        try:
            ast.parse(contents, path)
        except Exception as ex:
            raise UserErrorException("{}. Please check it and try local deployment to verify.".format(ex))

    def _get_entry_script_path(self):
        """(source folder's name, script path in it) as azureml-core prints them."""
        self.entry_script = self.entry_script.rstrip(os.sep)
        if self.source_directory:
            return os.path.basename(self.source_directory), self.entry_script
        return "", os.path.basename(self.entry_script)

    def _entry_script_file(self):
        return os.path.abspath(_join(self.source_directory, self.entry_script))

    def _environment_for_deploy(self, service_name):
        """The environment the deployment gets: the one given, or (legacy runtime + conda_file) one made from them.

        azureml-core's convert_parts_to_environment: runtime='python' with a conda file becomes
        '<service>-env' from that file; without one, the default environment (None here)."""
        if self.environment is not None:
            return self.environment
        if self.conda_file:
            from ._environment import Environment

            return Environment.from_conda_specification(
                "{}-env".format(service_name), _join(self.source_directory, self.conda_file)
            )
        return None
