"""`from azureml.core.runconfig import RunConfiguration, DockerConfiguration, MpiConfiguration, ...`."""

from benchtop._conda_dependencies import CondaDependencies
from benchtop._environment import DEFAULT_CPU_IMAGE, DEFAULT_GPU_IMAGE, Environment
from benchtop._environment_sections import _DEFAULT_SHM_SIZE, DockerSection, PythonSection, SparkSection
from benchtop._run_config import (
    AmlComputeConfiguration,
    DataReferenceConfiguration,
    DockerConfiguration,
    EnvironmentDefinition,
    HdiConfiguration,
    HistoryConfiguration,
    KubernetesComputeConfiguration,
    MpiConfiguration,
    ParallelTaskConfiguration,
    PyTorchConfiguration,
    RunConfiguration,
    SparkConfiguration,
    TensorflowConfiguration,
)

MPI_CPU_IMAGE = DEFAULT_CPU_IMAGE
MPI_GPU_IMAGE = DEFAULT_GPU_IMAGE

__all__ = [
    "AmlComputeConfiguration",
    "CondaDependencies",
    "DataReferenceConfiguration",
    "DEFAULT_CPU_IMAGE",
    "DEFAULT_GPU_IMAGE",
    "DockerConfiguration",
    "DockerSection",
    "Environment",
    "EnvironmentDefinition",
    "HdiConfiguration",
    "HistoryConfiguration",
    "KubernetesComputeConfiguration",
    "MpiConfiguration",
    "MPI_CPU_IMAGE",
    "MPI_GPU_IMAGE",
    "ParallelTaskConfiguration",
    "PythonSection",
    "PyTorchConfiguration",
    "RunConfiguration",
    "SparkConfiguration",
    "SparkSection",
    "TensorflowConfiguration",
    "_DEFAULT_SHM_SIZE",
]
