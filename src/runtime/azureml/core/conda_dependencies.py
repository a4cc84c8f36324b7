"""`from azureml.core.conda_dependencies import CondaDependencies`."""

from benchtop._conda_dependencies import PYTHON_DEFAULT_VERSION, CondaDependencies

__all__ = ["CondaDependencies", "PYTHON_DEFAULT_VERSION"]
