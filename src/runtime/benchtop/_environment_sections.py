"""The sections of an Environment (python, docker, spark, r) with azureml-core's attributes and defaults.

Deprecated setters warn on the "azureml.core.environment" logger, word for word as azureml-core does,
and base_image / base_dockerfile / build_context clear each other. Benchtop builds from
python.* and docker.base_image / base_dockerfile / arguments; the other fields are kept so the
definition round-trips (README, "Azure ML v1 compatibility", says which are used).
"""

import os
from enum import Enum

from ._conda_dependencies import CondaDependencies
from ._config_element import ConfigElement, Field, log
from ._container_registry import ContainerRegistry
from ._exceptions import UserErrorException

# azureml-core 1.61.0's defaults (environment.py, with the tag from azureml_base_images.json). The
# Docker backend cannot pull them offline: an environment naming one of Azure's default images is
# built from the workspace's default base image instead (Settings -> Docker engine).
DEFAULT_CPU_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:20251130.v1"
DEFAULT_GPU_IMAGE = "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04"
_DEFAULT_SHM_SIZE = "2g"


class PythonSection(ConfigElement):
    """Which Python a run uses: built from conda_dependencies, or the interpreter as it is (user-managed)."""

    _fields = (
        Field("user_managed_dependencies"),
        Field("interpreter_path"),
        Field("_conda_dependencies_file"),
        Field("_base_conda_environment"),
    )

    def __init__(self, **kwargs):
        self.interpreter_path = "python"
        self.user_managed_dependencies = False
        self._conda_dependencies_file = None
        self.conda_dependencies = None
        self._base_conda_environment = None
        if not kwargs.get("_skip_defaults", False):
            self.conda_dependencies = CondaDependencies()
        self._initialized = True

    @property
    def conda_dependencies_file(self):
        """DEPRECATED. Use Environment.from_conda_specification."""
        return self._conda_dependencies_file

    @conda_dependencies_file.setter
    def conda_dependencies_file(self, value):
        log.warning("Property conda_dependencies_file is deprecated. Use Environment.from_conda_specification")
        self._conda_dependencies_file = value or None


class PythonEnvironment(PythonSection):
    """DEPRECATED: PythonSection."""

    def __init__(self):
        super(PythonEnvironment, self).__init__()
        log.warning(
            "'PythonEnvironment' will be deprecated soon. Please use PythonSection from 'azureml.core.environment'."
        )


class DockerImagePlatform(ConfigElement):
    _fields = (Field("os"), Field("architecture"))

    def __init__(self):
        self.os = "Linux"
        self.architecture = "amd64"
        self._initialized = True


class DockerBuildContext(ConfigElement):
    """A Docker build context in the cloud (a git repository or a storage account)."""

    class LocationType(Enum):
        Git = "git"
        StorageAccount = "storageAccount"

    _fields = (Field("location_type"), Field("location"), Field("dockerfile_path"))

    def __init__(self, location_type=None, location=None, dockerfile_path="Dockerfile"):
        self.location_type = location_type
        self.location = location
        self.dockerfile_path = dockerfile_path or "Dockerfile"
        self._initialized = True

    @staticmethod
    def from_local_directory(workspace, path, dockerfile_path="Dockerfile"):
        # azureml-core uploads the folder to the workspace's storage; there is none here.
        raise UserErrorException(
            "DockerBuildContext.from_local_directory uploads the folder to Azure storage, which Benchtop does "
            "not have. Locally, put the build in a Dockerfile: Environment.from_dockerfile(name, %r)."
            % os.path.join(str(path), dockerfile_path)
        )


class DockerSection(ConfigElement):
    """The image a run or service uses when it runs in a container."""

    _fields = (
        Field("_enabled"),
        Field("_base_image"),
        Field("_base_dockerfile"),
        Field("_build_context", DockerBuildContext),
        Field("_shared_volumes"),
        Field("_shm_size"),
        Field("_arguments"),
        Field("base_image_registry", ContainerRegistry),
        Field("platform", DockerImagePlatform),
    )

    def __init__(self, **kwargs):
        self._enabled = False
        self._shm_size = None
        self._shared_volumes = True
        self._arguments = list()
        self._base_image = None
        self.base_image_registry = ContainerRegistry()
        self._base_dockerfile = None
        self._build_context = None
        self.platform = DockerImagePlatform()
        if not kwargs.get("_skip_defaults", False):
            self._shm_size = _DEFAULT_SHM_SIZE
            self._base_image = DEFAULT_CPU_IMAGE
        self._initialized = True

    @property
    def base_image(self):
        return self._base_image

    @base_image.setter
    def base_image(self, value):
        if value:
            self._base_image = value
            if self._base_dockerfile:
                self._base_dockerfile = None
                log.warning(
                    "Property base_dockerfile is mutually exclusive with base_image. Reset base_dockerfile to None"
                )
            if self._build_context:
                self._build_context = None
                log.warning("Property build_context is mutually exclusive with base_image. Reset build_context to None")
        else:
            self._base_image = None

    @property
    def base_dockerfile(self):
        return self._base_dockerfile

    @base_dockerfile.setter
    def base_dockerfile(self, value):
        """A Dockerfile's text, a path to one, or an open file."""
        if value:
            if hasattr(value, "read") and callable(value.read):
                self._base_dockerfile = value.read()
            elif os.path.isfile(value):
                with open(value) as f:
                    self._base_dockerfile = f.read()
            else:
                self._base_dockerfile = value
            if self._base_image:
                self._base_image = None
                log.warning("Property base_image is mutually exclusive with base_dockerfile. Reset base_image to None")
            if self._build_context:
                self._build_context = None
                log.warning(
                    "Property build_context is mutually exclusive with base_dockerfile. Reset build_context to None"
                )
        else:
            self._base_dockerfile = None

    @property
    def build_context(self):
        return self._build_context

    @build_context.setter
    def build_context(self, value):
        if value:
            self._build_context = value
            if self._base_dockerfile:
                self._base_dockerfile = None
                log.warning(
                    "Property base_dockerfile is mutually exclusive with base_image. Reset base_dockerfile to None"
                )
            if self._base_image:
                self._base_image = None
                log.warning("Property base_image is mutually exclusive with build_context. Reset base_image to None")
        else:
            self._build_context = None

    @property
    def gpu_support(self):
        """DEPRECATED: GPUs are found by the engine's runtimes (nvidia)."""
        log.warning(
            "'gpu_support' is no longer necessary; AzureML now automatically detects and uses nvidia docker "
            "extension when it is available. It will be removed in a future release."
        )
        return True

    @gpu_support.setter
    def gpu_support(self, _):
        log.warning(
            "'gpu_support' is no longer necessary; AzureML now automatically detects and uses nvidia docker "
            "extension when it is available. It will be removed in a future release."
        )

    @property
    def enabled(self):
        """DEPRECATED (azureml.core.runconfig.DockerConfiguration). True: runs and services use a container."""
        return self._enabled

    @enabled.setter
    def enabled(self, value):
        log.warning(
            "'enabled' is deprecated. Please use the azureml.core.runconfig.DockerConfiguration object with the "
            "'use_docker' param instead."
        )
        self._enabled = value

    @property
    def shared_volumes(self):
        return self._shared_volumes

    @shared_volumes.setter
    def shared_volumes(self, value):
        log.warning(
            "'shared_volumes' is deprecated. Please use the azureml.core.runconfig.DockerConfiguration object instead."
        )
        self._shared_volumes = value

    @property
    def arguments(self):
        return self._arguments

    @arguments.setter
    def arguments(self, value):
        log.warning(
            "'arguments' is deprecated. Please use the azureml.core.runconfig.DockerConfiguration object instead."
        )
        self._arguments = value

    @property
    def shm_size(self):
        return self._shm_size

    @shm_size.setter
    def shm_size(self, value):
        log.warning(
            "'shm_size' is deprecated. Please use the azureml.core.runconfig.DockerConfiguration object instead."
        )
        self._shm_size = value


class DockerEnvironment(DockerSection):
    """DEPRECATED: DockerSection / azureml.core.runconfig.DockerConfiguration."""

    def __init__(self):
        super(DockerEnvironment, self).__init__()
        log.warning(
            "'DockerEnvironment' will be deprecated soon. Please use DockerConfiguration from 'azureml.core.runconfig'."
        )


class SparkPackage(ConfigElement):
    _fields = (Field("group"), Field("artifact"), Field("version"))

    def __init__(self, group=None, artifact=None, version=None):
        self.group = group
        self.artifact = artifact
        self.version = version
        self._initialized = True


class SparkSection(ConfigElement):
    _fields = (Field("repositories"), Field("packages", items=SparkPackage), Field("precache_packages"))

    def __init__(self, **kwargs):
        self.repositories = []
        self.packages = []
        self.precache_packages = True
        self._initialized = True


class SparkEnvironment(SparkSection):
    """DEPRECATED: SparkSection."""

    def __init__(self):
        super(SparkEnvironment, self).__init__()
        log.warning(
            "'SparkEnvironment' will be deprecated soon. Please use SparkSection from 'azureml.core.environment'."
        )


class RCranPackage(ConfigElement):
    _fields = (Field("name"), Field("version"), Field("repository"))

    def __init__(self):
        self.name = None
        self.version = None
        self.repository = None
        self._initialized = True


class RGitHubPackage(ConfigElement):
    _fields = (Field("repository"), Field("auth_token"))

    def __init__(self):
        self.repository = None
        self.auth_token = None
        self._initialized = True


class RSection(ConfigElement):
    """An R environment (kept for round trips; Benchtop builds Python environments)."""

    _fields = (
        Field("r_version"),
        Field("user_managed"),
        Field("rscript_path"),
        Field("snapshot_date"),
        Field("cran_packages", items=RCranPackage),
        Field("github_packages", items=RGitHubPackage),
        Field("custom_url_packages"),
        Field("bioconductor_packages"),
    )

    def __init__(self):
        self.r_version = None
        self.user_managed = False
        self.rscript_path = None
        self.snapshot_date = None
        self.cran_packages = None
        self.github_packages = None
        self.custom_url_packages = None
        self.bioconductor_packages = None
        self._initialized = True
