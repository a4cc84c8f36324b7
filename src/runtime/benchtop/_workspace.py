"""Workspace and Environment as local scripts use them: the Benchtop workspace and its registered environments."""
import os

from . import _cli


class Workspace:
    """There is one workspace: the one Benchtop runs in (BENCHTOP_WORKSPACE). Any arguments are accepted."""

    def __init__(self, subscription_id=None, resource_group=None, workspace_name=None, **kwargs):
        root = os.environ.get("BENCHTOP_WORKSPACE", "")
        self.name = workspace_name or (os.path.basename(root.rstrip(os.sep)) or "local")
        self.location = "local"
        self.path = root

    @staticmethod
    def from_config(path=None, auth=None, _logger=None, _file_name=None):
        return Workspace()

    @staticmethod
    def get(name=None, **kwargs):
        return Workspace(workspace_name=name)

    def __repr__(self):
        return "Workspace.create(name=%r, location='local')" % self.name


class Environment:
    """A registered environment by name (and version), or a conda file to register when it is used."""

    def __init__(self, name, version=None, conda_file=None):
        self.name = name
        self.version = version
        self._conda_file = conda_file

    def __repr__(self):
        return "Environment(name=%r, version=%r)" % (self.name, self.version)

    @staticmethod
    def get(workspace, name, version=None, label=None):
        data = _cli.call(["env", "show", "-n", name] + (["-v", str(version)] if version else []))
        return Environment(data["name"], data["version"])

    @staticmethod
    def from_conda_specification(name, file_path):
        return Environment(name, conda_file=os.path.abspath(file_path))

    def register(self, workspace):
        if self._conda_file:
            data = _cli.call(["env", "register", "-n", self.name, "--conda-file", self._conda_file])
            self.version = data["version"]
        return self
