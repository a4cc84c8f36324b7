"""azureml.core.container_registry: where a base image comes from (ContainerRegistry, RegistryIdentity).

Benchtop does not pull from registries (it works offline): a base image must be on the Docker engine
already. The fields are kept so a definition written for Azure round-trips unchanged.
"""

from ._config_element import ConfigElement, Field


class RegistryIdentity(ConfigElement):
    _fields = (Field("resource_id"), Field("client_id"))

    def __init__(self):
        self.resource_id = None
        self.client_id = None
        self._initialized = True


class ContainerRegistry(ConfigElement):
    _fields = (Field("address"), Field("username"), Field("password"), Field("registry_identity", RegistryIdentity))

    def __init__(self):
        self.address = None
        self.username = None
        self.password = None
        self.registry_identity = None
        self._initialized = True
