"""azureml.core.compute: cloud compute targets, resolved to this machine.

try:
    cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
except ComputeTargetException:
    config = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
    cluster = ComputeTarget.create(ws, "cpu-cluster", config)
cluster.wait_for_completion(show_output=True)
ScriptRunConfig(..., compute_target=cluster)     # runs here

A cluster "created" here is a name the workspace remembers (compute_targets.json in its folder),
with what Azure would have provisioned. A run on it runs on this machine: in a container (the docker
target) when a Docker engine answers and a default base image is set (`benchtop docker base-image`:
Azure's images are not on the engine), else as a local process. Benchtop prints which, once per name.
BENCHTOP_CLOUD_COMPUTE=local or =docker chooses for every cloud name. What only the cloud has
(quotas, VM sizes, nodes, identities) raises an error that says so and what runs here instead.
"""

import json
import os
import sys
import time

from . import _cli
from ._compute_target import AbstractComputeTarget, DockerTarget, LocalTarget, docker_status
from ._exceptions import ComputeTargetException, UserErrorException

RESERVED = ("amlcompute", "local", "containerinstance")
_RECORD_FILE = "compute_targets.json"
_created_here = {}
_resolved = {}


# --- the workspace's record of cloud names ---------------------------------------------------------------
def _workspace_path(workspace):
    return getattr(workspace, "_path", None) or os.environ.get("BENCHTOP_WORKSPACE")


def _records(workspace):
    path = _workspace_path(workspace)
    if not path:
        return {}
    try:
        with open(os.path.join(path, _RECORD_FILE)) as f:
            data = json.load(f)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_records(workspace, records):
    path = _workspace_path(workspace)
    if not path:
        return
    target = os.path.join(path, _RECORD_FILE)
    temporary = "%s.%d.tmp" % (target, os.getpid())
    with open(temporary, "w") as f:
        json.dump(records, f, indent=2, sort_keys=True)
    os.replace(temporary, target)


def remember(target):
    """Keeps a target object made in this process, so its name resolves at submit."""
    if isinstance(target, ComputeTarget) and target.name:
        _created_here[target.name] = target


def cloud_names(workspace):
    """{name: type} of the cloud compute targets this workspace knows."""
    names = {name: record.get("type", "AmlCompute") for name, record in _records(workspace).items()}
    for name, target in _created_here.items():
        names.setdefault(name, target.type)
    return names


# --- what a cloud name runs as -------------------------------------------------------------------------
_choices = {}


def _docker_choice(workspace, base_image=None):
    """("docker" | "local", why): whether a run that wants a container gets one here (asked once per process).

    Azure's own base images (mcr.microsoft.com/azureml/..., the default) are not on a local engine: an
    environment naming one builds FROM the workspace's default base image, so that must be set."""
    azure_base = not base_image or base_image.startswith("mcr.microsoft.com/azureml")
    key = (_workspace_path(workspace), azure_base)
    if key in _choices:
        return _choices[key]
    status = docker_status(workspace)
    if not status:
        choice = ("local", "no Docker engine answers")
    elif not azure_base:
        choice = ("docker", "the Docker engine answers")
    else:
        try:
            default = _cli.call(["docker", "base-image"], workspace).get("dockerDefaultBaseImage")
        except _cli.BenchtopCliError:
            default = None
        if default:
            choice = ("docker", "the Docker engine answers; Azure's base image builds FROM %s" % default)
        else:
            choice = (
                "local",
                "a Docker engine answers, but Azure's base image is not on it and no default base image is set "
                "(benchtop docker base-image IMAGE)",
            )
    _choices[key] = choice
    return choice


_announced = set()


def resolve(workspace, name, use_docker=False, base_image=None):
    """The Benchtop target ("local", "docker" or "pool") a run on `name` runs on; prints a substitution once."""
    if name in (None, "", "local"):
        if not use_docker:
            return "local"
        target, why = _docker_choice(workspace, base_image)
        if target == "local":
            _announce(
                ("local-docker", why),
                "Benchtop: the run asks for Docker (use_docker=True) and runs as a local process instead: %s." % why,
            )
        return target
    if name == "docker":
        return "docker"
    if name == "pool":
        # A container run the queue gives to any engine of the Docker pool with a free slot (benchtop docker pool).
        return "pool"
    known = cloud_names(workspace)
    if name in known or name == "amlcompute":
        kind = known.get(name, "AmlCompute")
        forced = os.environ.get("BENCHTOP_CLOUD_COMPUTE")
        if forced in ("local", "docker"):
            target, why = forced, "BENCHTOP_CLOUD_COMPUTE=%s" % forced
        else:
            target, why = _docker_choice(workspace, base_image)
        how = "in a container (the docker target)" if target == "docker" else "as a local process on this machine"
        _announce(
            (name, target),
            "Benchtop: compute target %r (%s) runs %s: %s. Azure would run it on the cluster." % (name, kind, how, why),
        )
        return target
    raise ComputeTargetException(_not_found_message(workspace, name))


def _announce(key, text):
    if key not in _announced:
        _announced.add(key)
        print(text)


def _not_found_message(workspace, name):
    here = ["local (this machine)"]
    if docker_status(workspace):
        here += ["docker (the Docker engine)", "pool (any engine of the Docker pool)"]
    here += ["%s (%s, runs here)" % (n, t) for n, t in sorted(cloud_names(workspace).items())]
    return (
        "ComputeTargetNotFound: Compute Target with name %s not found in provided workspace. Targets here: %s. "
        "A cloud cluster runs here once created: ComputeTarget.create(ws, %r, "
        "AmlCompute.provisioning_configuration(vm_size='STANDARD_D2_V2', max_nodes=4)), or use compute_target='local'."
        % (name, ", ".join(here), name)
    )


def _needs_cloud(what, instead):
    return UserErrorException("%s needs Azure; Benchtop runs everything on this machine. %s" % (what, instead))


# --- the classes -----------------------------------------------------------------------------------------
class ComputeTarget(object):
    """A compute target by name (ComputeTarget(ws, name)): local, docker, or a cloud name created here."""

    _compute_type = None

    def __new__(cls, workspace=None, name=None):
        if workspace is not None and name:
            if name in ("local", "docker"):
                return _LocalCompute._make(workspace, name)
            record = _records(workspace).get(name)
            if record is None and name in _created_here:
                return _created_here[name]
            if record is None:
                raise ComputeTargetException(_not_found_message(workspace, name))
            child = _class_for(record.get("type"))
            target = object.__new__(child)
            target._initialize(workspace, name, record)
            return target
        return object.__new__(cls)

    def __init__(self, workspace=None, name=None):
        pass

    def _initialize(self, workspace, name, record):
        self.workspace = workspace
        self.name = name
        self.type = record.get("type", self._compute_type)
        self.location = "local"
        self.cluster_location = "local"
        self.tags = record.get("tags")
        self.description = record.get("description")
        self.created_on = record.get("createdOn")
        self.modified_on = record.get("createdOn")
        self.provisioning_state = "Succeeded"
        self.provisioning_errors = None
        self.is_attached = False
        self.id = (
            "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s/computes/%s"
            % (
                getattr(workspace, "subscription_id", "local"),
                getattr(workspace, "resource_group", "local"),
                getattr(workspace, "name", "local"),
                name,
            )
        )
        self._record = record
        remember(self)

    def __repr__(self):
        return "{}(workspace={}, name={}, id={}, type={}, provisioning_state={}, location={}, tags={})".format(
            self.__class__.__name__,
            self.workspace.__repr__() if hasattr(self, "workspace") else None,
            getattr(self, "name", None),
            getattr(self, "id", None),
            getattr(self, "type", None),
            getattr(self, "provisioning_state", None),
            getattr(self, "location", None),
            getattr(self, "tags", None),
        )

    @staticmethod
    def create(workspace, name, provisioning_configuration):
        """Records the cluster's name (nothing to provision): runs on it run on this machine."""
        if name in RESERVED:
            raise UserErrorException("Please specify a different target name. {} is a reserved name.".format(name))
        if name == "docker":
            raise UserErrorException("Please specify a different target name. docker is Benchtop's Docker target.")
        kind = getattr(provisioning_configuration, "_compute_type", None)
        if kind is None:
            raise ComputeTargetException("Invalid provisioning configuration: %r" % (provisioning_configuration,))
        records = _records(workspace)
        record = dict(provisioning_configuration._record())
        record["type"] = kind._compute_type
        record["createdOn"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        records[name] = record
        _write_records(workspace, records)
        target = object.__new__(kind)
        target._initialize(workspace, name, record)
        target._announce_creation()
        return target

    def _announce_creation(self):
        _announce(
            (self.name, "created"),
            "Benchtop: %s %r is not provisioned in Azure: it is a name for this machine, and runs on it run here "
            "(in a container when a Docker engine can run them, else as local processes)." % (self.type, self.name),
        )

    @staticmethod
    def attach(workspace, name, attach_configuration):
        raise _needs_cloud(
            "Attaching compute (%s)" % type(attach_configuration).__name__,
            "Use compute_target='local' or 'docker' (any Docker engine: benchtop docker engine ssh://USER@HOST).",
        )

    @staticmethod
    def list(workspace):
        targets = [_LocalCompute._make(workspace, "local")]
        if docker_status(workspace):
            targets.append(_LocalCompute._make(workspace, "docker"))
        for name in sorted(_records(workspace)):
            targets.append(ComputeTarget(workspace, name))
        return targets

    def wait_for_completion(self, show_output=False, is_delete_operation=False):
        if show_output:
            print("Succeeded")

    def refresh_state(self):
        pass

    def get_status(self):
        return self.provisioning_state

    def delete(self):
        """Forgets the name (there is nothing to deprovision)."""
        records = _records(self.workspace)
        records.pop(self.name, None)
        _write_records(self.workspace, records)
        _created_here.pop(self.name, None)
        self.provisioning_state = "Deleting"

    def detach(self):
        self.delete()

    def serialize(self):
        return {
            "id": self.id,
            "name": self.name,
            "location": self.location,
            "tags": self.tags,
            "properties": dict(self._record),
        }

    @staticmethod
    def deserialize(workspace, object_dict):
        return ComputeTarget(workspace, object_dict["name"])


class _LocalCompute(ComputeTarget):
    """ComputeTarget(ws, "local") / (ws, "docker"): Benchtop's own targets under the ComputeTarget API."""

    @classmethod
    def _make(cls, workspace, name):
        target = object.__new__(cls)
        target._initialize(workspace, name, {"type": "local" if name == "local" else "docker"})
        return target

    def delete(self):
        raise UserErrorException("%s is Benchtop's own target; it cannot be deleted." % self.name)


class ComputeTargetProvisioningConfiguration(object):
    def __init__(self, type, location):
        self._compute_type = type
        self.location = location

    def validate_configuration(self):
        pass

    def _record(self):
        return {}


class ScaleSettings(object):
    def __init__(self, minimum_node_count, maximum_node_count, idle_seconds_before_scaledown):
        self.minimum_node_count = minimum_node_count
        self.maximum_node_count = maximum_node_count
        self.idle_seconds_before_scaledown = idle_seconds_before_scaledown

    def serialize(self):
        return {
            "minNodeCount": self.minimum_node_count,
            "maxNodeCount": self.maximum_node_count,
            "nodeIdleTimeBeforeScaleDown": "PT%dS" % (self.idle_seconds_before_scaledown or 0),
        }


class AmlComputeProvisioningConfiguration(ComputeTargetProvisioningConfiguration):
    """What AmlCompute.provisioning_configuration() describes; validated as azureml-core validates it."""

    def __init__(
        self,
        vm_size="",
        vm_priority="dedicated",
        min_nodes=0,
        max_nodes=None,
        idle_seconds_before_scaledown=1800,
        admin_username=None,
        admin_user_password=None,
        admin_user_ssh_key=None,
        vnet_resourcegroup_name=None,
        vnet_name=None,
        subnet_name=None,
        tags=None,
        description=None,
        remote_login_port_public_access="NotSpecified",
        identity_type=None,
        identity_id=None,
        compute_location=None,
        enable_node_public_ip=True,
    ):
        super(AmlComputeProvisioningConfiguration, self).__init__(AmlCompute, None)
        self.vm_size = vm_size
        self.vm_priority = vm_priority
        self.scale_settings = ScaleSettings(0 if not min_nodes else min_nodes, max_nodes, idle_seconds_before_scaledown)
        self.admin_username = admin_username
        self.admin_user_password = admin_user_password
        self.admin_user_ssh_key = admin_user_ssh_key
        self.vnet_resourcegroup_name = vnet_resourcegroup_name
        self.vnet_name = vnet_name
        self.subnet_name = subnet_name
        self.tags = tags
        self.description = description
        self.remote_login_port_public_access = remote_login_port_public_access
        self.identity_type = identity_type
        self.identity_id = identity_id
        self.compute_location = compute_location
        self.enable_node_public_ip = enable_node_public_ip
        self.validate_configuration()

    def validate_configuration(self):
        if any([self.admin_username, self.admin_user_password, self.admin_user_ssh_key]) and not self.admin_username:
            raise ComputeTargetException(
                "Invalid user credentials, admin username must be provided along with either a password or SSH key "
                "information."
            )
        if self.admin_username and not self.admin_user_password and not self.admin_user_ssh_key:
            raise ComputeTargetException(
                "Invalid user credentials, no password or key information provided. Please provide either a password "
                "or SSH key information."
            )
        if any([self.vnet_name, self.vnet_resourcegroup_name, self.subnet_name]) and not all(
            [self.vnet_name, self.vnet_resourcegroup_name, self.subnet_name]
        ):
            raise ComputeTargetException(
                "Invalid configuration, not all virtual net information provided. To use a custom virtual net, please "
                "provide vnet name, vnet resource group and subnet name"
            )
        maximum = self.scale_settings.maximum_node_count
        if maximum is None:
            raise ComputeTargetException("Invalid provisioning configuration, max nodes count is mandatory")
        if maximum < 0:
            raise ComputeTargetException(
                "Invalid provisioning configuration, max nodes count must be greater than or equal to 0"
            )
        if maximum < self.scale_settings.minimum_node_count:
            raise ComputeTargetException(
                "Invalid provisioning configuration, max nodes count must be greater than or equal to min nodes count"
            )
        if self.identity_id and not self.identity_type:
            raise ComputeTargetException(
                "Invalid configuration, identity_id cannot be set when identity type is not user assigned."
            )

    def _record(self):
        return {
            "vmSize": self.vm_size,
            "vmPriority": self.vm_priority,
            "scaleSettings": self.scale_settings.serialize(),
            "tags": self.tags,
            "description": self.description,
        }


class AmlComputeStatus(object):
    def __init__(self, record):
        scale = record.get("scaleSettings") or {}
        self.allocation_state = "Steady"
        self.current_node_count = 1
        self.target_node_count = 1
        self.errors = None
        self.provisioning_state = "Succeeded"
        self.vm_size = record.get("vmSize")
        self.vm_priority = record.get("vmPriority")
        self.scale_settings = ScaleSettings(scale.get("minNodeCount"), scale.get("maxNodeCount"), None)
        self.node_state_counts = None
        self.creation_time = record.get("createdOn")
        self.modified_time = record.get("createdOn")

    def serialize(self):
        return {
            "allocationState": self.allocation_state,
            "currentNodeCount": self.current_node_count,
            "targetNodeCount": self.target_node_count,
            "errors": self.errors,
            "provisioningState": self.provisioning_state,
            "vmSize": self.vm_size,
            "vmPriority": self.vm_priority,
            "creationTime": self.creation_time,
        }


class AmlCompute(ComputeTarget):
    """An Azure ML compute cluster name; runs on it run on this machine (see the module's notes)."""

    _compute_type = "AmlCompute"

    def _initialize(self, workspace, name, record):
        super(AmlCompute, self)._initialize(workspace, name, record)
        self.vm_size = record.get("vmSize")
        self.vm_priority = record.get("vmPriority")
        scale = record.get("scaleSettings") or {}
        self.scale_settings = ScaleSettings(scale.get("minNodeCount"), scale.get("maxNodeCount"), None)
        self.admin_username = None
        self.status = AmlComputeStatus(record)

    @staticmethod
    def provisioning_configuration(
        vm_size="",
        vm_priority="dedicated",
        min_nodes=0,
        max_nodes=None,
        idle_seconds_before_scaledown=1800,
        admin_username=None,
        admin_user_password=None,
        admin_user_ssh_key=None,
        vnet_resourcegroup_name=None,
        vnet_name=None,
        subnet_name=None,
        tags=None,
        description=None,
        remote_login_port_public_access="NotSpecified",
        identity_type=None,
        identity_id=None,
        location=None,
        enable_node_public_ip=True,
    ):
        return AmlComputeProvisioningConfiguration(
            vm_size,
            vm_priority,
            min_nodes,
            max_nodes,
            idle_seconds_before_scaledown,
            admin_username,
            admin_user_password,
            admin_user_ssh_key,
            vnet_resourcegroup_name,
            vnet_name,
            subnet_name,
            tags,
            description,
            remote_login_port_public_access,
            identity_type,
            identity_id,
            location,
            enable_node_public_ip,
        )

    def wait_for_completion(
        self, show_output=False, min_node_count=None, timeout_in_minutes=25, is_delete_operation=False
    ):
        """Nothing to wait for; prints what Azure prints when a cluster is ready."""
        if show_output and not is_delete_operation:
            sys.stdout.write("Succeeded\n")
            print("AmlCompute wait for completion finished\n")
            print("Minimum number of nodes requested have been provisioned")

    def get_status(self):
        return self.status

    def get(self):
        return self.serialize()

    def update(self, min_nodes=None, max_nodes=None, idle_seconds_before_scaledown=None):
        records = _records(self.workspace)
        record = records.get(self.name, dict(self._record))
        scale = dict(record.get("scaleSettings") or {})
        if min_nodes is not None:
            scale["minNodeCount"] = min_nodes
        if max_nodes is not None:
            scale["maxNodeCount"] = max_nodes
        record["scaleSettings"] = scale
        records[self.name] = record
        _write_records(self.workspace, records)
        self._initialize(self.workspace, self.name, record)

    def list_nodes(self):
        return [
            {
                "nodeId": "local",
                "port": None,
                "publicIpAddress": None,
                "privateIpAddress": "127.0.0.1",
                "nodeState": "idle",
            }
        ]

    def get_active_runs(self, type=None, tags=None, properties=None, status=None):
        return iter(())

    def add_identity(self, identity_type, identity_id=None):
        raise _needs_cloud("Managed identities", "A run here has your own credentials.")

    def remove_identity(self, identity_id=None):
        raise _needs_cloud("Managed identities", "A run here has your own credentials.")

    @staticmethod
    def supported_vmsizes(workspace, location=None):
        raise _needs_cloud("VM sizes", "Runs use this machine's CPUs and GPUs (docker target: the engine's).")

    @staticmethod
    def list_usages(workspace, show_all=False, location=None):
        raise _needs_cloud("Compute usage", "There are no quotas on this machine.")

    @staticmethod
    def list_quotas(workspace, location=None):
        raise _needs_cloud("Compute quotas", "There are no quotas on this machine.")

    @staticmethod
    def update_quotas(workspace, vm_family, limit=None, location=None):
        raise _needs_cloud("Compute quotas", "There are no quotas on this machine.")


class ComputeInstanceProvisioningConfiguration(ComputeTargetProvisioningConfiguration):
    def __init__(self, vm_size="", ssh_public_access=False, admin_user_ssh_public_key=None, **kwargs):
        super(ComputeInstanceProvisioningConfiguration, self).__init__(ComputeInstance, None)
        self.vm_size = vm_size
        self.ssh_public_access = ssh_public_access
        self.admin_user_ssh_public_key = admin_user_ssh_public_key

    def _record(self):
        return {"vmSize": self.vm_size}


class ComputeInstance(ComputeTarget):
    """An Azure ML compute instance name; runs on it run on this machine."""

    _compute_type = "ComputeInstance"

    @staticmethod
    def provisioning_configuration(vm_size="", ssh_public_access=False, admin_user_ssh_public_key=None, **kwargs):
        return ComputeInstanceProvisioningConfiguration(vm_size, ssh_public_access, admin_user_ssh_public_key, **kwargs)

    def _initialize(self, workspace, name, record):
        super(ComputeInstance, self)._initialize(workspace, name, record)
        self.vm_size = record.get("vmSize")
        self.state = "Running"

    def start(self, wait_for_completion=True, show_output=True):
        pass

    def stop(self, wait_for_completion=True, show_output=True):
        pass

    def restart(self, wait_for_completion=True, show_output=True):
        pass


def _class_for(kind):
    for cls in (AmlCompute, ComputeInstance):
        if cls._compute_type == kind:
            return cls
    return AmlCompute


def _needs_cloud_class(name, instead):
    class _CloudOnly(ComputeTarget):
        _compute_type = name

        @staticmethod
        def attach_configuration(*args, **kwargs):
            raise _needs_cloud(name, instead)

        @staticmethod
        def provisioning_configuration(*args, **kwargs):
            raise _needs_cloud(name, instead)

    _CloudOnly.__name__ = _CloudOnly.__qualname__ = name
    return _CloudOnly


AksCompute = _needs_cloud_class(
    "AksCompute",
    "For a local web service: Model.deploy(ws, name, models, inference_config, LocalWebservice.deploy_configuration()).",
)
KubernetesCompute = _needs_cloud_class("KubernetesCompute", "Use compute_target='local' or 'docker'.")
DatabricksCompute = _needs_cloud_class("DatabricksCompute", "Use compute_target='local' or 'docker'.")
HDInsightCompute = _needs_cloud_class("HDInsightCompute", "Use compute_target='local' or 'docker'.")
RemoteCompute = _needs_cloud_class(
    "RemoteCompute",
    "A remote machine with Docker is a Docker engine: benchtop docker engine ssh://USER@HOST, then 'docker'.",
)
SynapseCompute = _needs_cloud_class("SynapseCompute", "Use compute_target='local' or 'docker'.")

__all__ = [
    "AbstractComputeTarget",
    "AksCompute",
    "AmlCompute",
    "AmlComputeProvisioningConfiguration",
    "ComputeInstance",
    "ComputeInstanceProvisioningConfiguration",
    "ComputeTarget",
    "ComputeTargetProvisioningConfiguration",
    "DatabricksCompute",
    "DockerTarget",
    "HDInsightCompute",
    "KubernetesCompute",
    "LocalTarget",
    "RemoteCompute",
    "SynapseCompute",
]
