"""azureml.core.databricks: the Databricks libraries of an environment, kept for round trips (Databricks needs the cloud)."""

from ._config_element import ConfigElement, Field


class MavenLibrary(ConfigElement):
    _fields = (Field("coordinates"), Field("repo"), Field("exclusions"))

    def __init__(self, coordinates=None, repo=None, exclusions=None):
        self.coordinates = coordinates if isinstance(coordinates, str) else ""
        self.repo = repo if isinstance(repo, str) else ""
        self.exclusions = exclusions if isinstance(exclusions, list) else []
        self._initialized = True


class PyPiLibrary(ConfigElement):
    _fields = (Field("package"), Field("repo"))

    def __init__(self, package=None, repo=None):
        self.package = package if isinstance(package, str) else ""
        self.repo = repo if isinstance(repo, str) else ""
        self._initialized = True


class RCranLibrary(PyPiLibrary):
    pass


class JarLibrary(ConfigElement):
    _fields = (Field("library"),)

    def __init__(self, library=None):
        self.library = library if isinstance(library, str) else ""
        self._initialized = True


class EggLibrary(JarLibrary):
    pass


class DatabricksSection(ConfigElement):
    _fields = (
        Field("maven_libraries", items=MavenLibrary),
        Field("pypi_libraries", items=PyPiLibrary),
        Field("rcran_libraries", items=RCranLibrary),
        Field("jar_libraries", items=JarLibrary),
        Field("egg_libraries", items=EggLibrary),
    )

    def __init__(self, _skip_defaults=False):
        self.maven_libraries = []
        self.pypi_libraries = []
        self.rcran_libraries = []
        self.jar_libraries = []
        self.egg_libraries = []
        self._initialized = True
