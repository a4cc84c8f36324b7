"""`from azureml.core.container_registry import ContainerRegistry`."""

from benchtop._container_registry import ContainerRegistry, RegistryIdentity

__all__ = ["ContainerRegistry", "RegistryIdentity"]
