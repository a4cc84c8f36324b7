"""`from azureml.core.resource_configuration import ResourceConfiguration`."""

from benchtop._resource_configuration import ResourceConfiguration

__all__ = ["ResourceConfiguration"]
