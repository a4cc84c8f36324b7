"""`from azureml.core.model import Model, InferenceConfig`."""

from benchtop._inference_config import InferenceConfig
from benchtop._model import Model

__all__ = ["InferenceConfig", "Model"]
