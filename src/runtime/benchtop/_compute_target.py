"""azureml.core.compute_target: the compute targets of a local workspace.

"local" is this machine (runs as local processes); "docker" is the Docker engine Benchtop is set
to use, listed while it answers (runs in containers). ScriptRunConfig(compute_target=...) takes
either name or object.
"""

from . import _cli
from ._exceptions import ComputeTargetException


class AbstractComputeTarget(object):
    """A compute target not managed by Azure Machine Learning (azureml-core's base class)."""

    _TARGET_TYPE_KEY = "type"

    def __init__(self, compute_target_type, name):
        self._compute_target_type = compute_target_type
        self._name = name
        self._default_framework = "Python"

    @property
    def type(self):
        return self._compute_target_type

    @property
    def name(self):
        return self._name

    def _serialize_to_dict(self):
        return {AbstractComputeTarget._TARGET_TYPE_KEY: self._compute_target_type}

    def __repr__(self):
        return "%s(name=%r, type=%r)" % (type(self).__name__, self._name, self._compute_target_type)


class LocalTarget(AbstractComputeTarget):
    """This machine: runs are local processes in the environment's venv or conda environment."""

    _LOCAL_TYPE = "local"

    def __init__(self):
        super(LocalTarget, self).__init__(LocalTarget._LOCAL_TYPE, "local")


class DockerTarget(AbstractComputeTarget):
    """The Docker engine Benchtop uses (local or remote): runs in a container of the environment's image."""

    _DOCKER_TYPE = "docker"

    def __init__(self, status=None):
        super(DockerTarget, self).__init__(DockerTarget._DOCKER_TYPE, "docker")
        status = status or {}
        self.engine_url = status.get("url")
        self.engine_version = status.get("version")
        self.gpu = "nvidia" in (status.get("runtimes") or [])


def docker_status(workspace=None):
    """The engine's status when it answers, else None."""
    try:
        status = _cli.call(["docker", "status"], workspace)
    except _cli.BenchtopCliError:
        return None
    return status if status.get("running") else None


def list_targets(workspace=None):
    """local, docker (while an engine answers), and the cloud names created here (ComputeTarget.create)."""
    targets = [LocalTarget()]
    status = docker_status(workspace)
    if status:
        targets.append(DockerTarget(status))
    if workspace is not None:
        from ._compute import ComputeTarget, cloud_names

        targets += [ComputeTarget(workspace, name) for name in sorted(cloud_names(workspace))]
    return targets


def get_target(workspace, name):
    """The target called `name`; ComputeTargetException naming the targets there are."""
    targets = list_targets(workspace)
    for target in targets:
        if target.name == name:
            return target
    raise ComputeTargetException(
        "ComputeTargetNotFound: Compute Target with name %s not found in provided workspace. Targets here: %s%s"
        % (name, ", ".join(t.name for t in targets), "" if len(targets) > 1 else " (docker: no engine answers)")
    )
