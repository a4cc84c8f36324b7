"""`from azureml.core.compute_target import LocalTarget, AbstractComputeTarget, ComputeTargetException`."""

from benchtop._compute_target import AbstractComputeTarget, DockerTarget, LocalTarget
from benchtop._exceptions import ComputeTargetException

__all__ = ["AbstractComputeTarget", "ComputeTargetException", "DockerTarget", "LocalTarget"]
