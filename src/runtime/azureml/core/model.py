"""`from azureml.core.model import Model`."""
from benchtop._model import Model

__all__ = ["Model"]
