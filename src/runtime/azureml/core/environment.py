"""`from azureml.core.environment import Environment` for scripts written for Azure ML v1."""

from benchtop._environment import CondaDependencies, DockerSection, Environment, PythonSection

__all__ = ["Environment", "CondaDependencies", "DockerSection", "PythonSection"]
