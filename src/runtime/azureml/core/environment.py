"""`from azureml.core.environment import Environment, PythonSection, DockerSection, ...`."""

from benchtop._conda_dependencies import CondaDependencies
from benchtop._environment import Environment, EnvironmentReference
from benchtop._environment_build import ImageBuildDetails
from benchtop._environment_sections import (
    DEFAULT_CPU_IMAGE,
    DEFAULT_GPU_IMAGE,
    DockerBuildContext,
    DockerEnvironment,
    DockerImagePlatform,
    DockerSection,
    PythonEnvironment,
    PythonSection,
    RCranPackage,
    RGitHubPackage,
    RSection,
    SparkEnvironment,
    SparkPackage,
    SparkSection,
)

__all__ = [
    "CondaDependencies",
    "DEFAULT_CPU_IMAGE",
    "DEFAULT_GPU_IMAGE",
    "DockerBuildContext",
    "DockerEnvironment",
    "DockerImagePlatform",
    "DockerSection",
    "Environment",
    "EnvironmentReference",
    "ImageBuildDetails",
    "PythonEnvironment",
    "PythonSection",
    "RCranPackage",
    "RGitHubPackage",
    "RSection",
    "SparkEnvironment",
    "SparkPackage",
    "SparkSection",
]
