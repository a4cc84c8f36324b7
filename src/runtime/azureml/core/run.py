"""`from azureml.core.run import Run`."""

from benchtop._run import Run, get_context

__all__ = ["Run", "get_context"]
