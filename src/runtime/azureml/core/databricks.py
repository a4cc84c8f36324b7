"""`from azureml.core.databricks import DatabricksSection, PyPiLibrary, ...` (kept for round trips)."""

from benchtop._databricks import DatabricksSection, EggLibrary, JarLibrary, MavenLibrary, PyPiLibrary, RCranLibrary

__all__ = ["DatabricksSection", "EggLibrary", "JarLibrary", "MavenLibrary", "PyPiLibrary", "RCranLibrary"]
