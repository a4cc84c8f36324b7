"""Workspace and Environment as local scripts use them: the Benchtop workspace and its registered environments."""

import os


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


# Environment lives in _environment (definitions, register, build_local); kept importable from here.
from ._environment import Environment  # noqa: E402,F401
