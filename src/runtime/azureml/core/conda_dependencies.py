"""`from azureml.core.conda_dependencies import CondaDependencies` for scripts written for Azure ML v1."""

from benchtop._environment import CondaDependencies

__all__ = ["CondaDependencies"]
