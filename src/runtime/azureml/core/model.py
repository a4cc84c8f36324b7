"""`from azureml.core.model import Model, InferenceConfig`."""

from benchtop._model import Model
from benchtop._webservice import InferenceConfig

__all__ = ["Model", "InferenceConfig"]
