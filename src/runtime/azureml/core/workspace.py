"""`from azureml.core.workspace import Workspace`."""

from benchtop._workspace import Workspace

__all__ = ["Workspace"]
