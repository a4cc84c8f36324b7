"""`from azureml.core.compute_target import LocalTarget, AbstractComputeTarget`."""

from benchtop._compute_target import AbstractComputeTarget, LocalTarget

__all__ = ["AbstractComputeTarget", "LocalTarget"]
