"""azureml.core.runconfig: how a run runs (RunConfiguration and its sections), with azureml-core's defaults.

rc = RunConfiguration()
rc.target = "local"                                   # or a ComputeTarget (its name is kept)
rc.environment = env                                  # an Environment
rc.docker = DockerConfiguration(use_docker=True)      # run in a container (the docker target)
ScriptRunConfig(source_directory=".", script="train.py", run_config=rc)

What Benchtop uses of it: target, environment, docker.use_docker, max_run_duration_seconds, script,
arguments and command. The rest (history, spark, hdi, data references, distributed settings) is
kept with azureml-core's defaults, so code that sets it runs; a distributed setting of more than
one process says that the run is one process here.
"""

import json
import logging

from ._config_element import ConfigElement, Field
from ._environment import Environment
from ._environment_sections import _DEFAULT_SHM_SIZE
from ._exceptions import RunConfigurationException, UserErrorException

module_logger = logging.getLogger("azureml.core.runconfig")

LOCAL_RUNCONFIG_NAME = "local"
SUPPORTED_DATAREF_MODES = ["mount", "download", "upload"]
SUPPORTED_PYTORCH_BACKENDS = ["nccl", "gloo"]


class _Element(ConfigElement):
    def __repr__(self):
        return json.dumps(self._serialize(), indent=4, default=str)


class HdiConfiguration(_Element):
    _fields = (Field("yarn_deploy_mode"),)

    def __init__(self):
        self.yarn_deploy_mode = "cluster"
        self._initialized = True


class TensorflowConfiguration(_Element):
    _fields = (Field("worker_count"), Field("parameter_server_count"))

    def __init__(self, worker_count=1, parameter_server_count=1):
        self.worker_count = worker_count
        self.parameter_server_count = parameter_server_count
        self._initialized = True


class MpiConfiguration(_Element):
    _fields = (Field("process_count_per_node"), Field("node_count"))

    def __init__(self, process_count_per_node=1, node_count=1):
        self.process_count_per_node = process_count_per_node
        self.node_count = node_count
        self._initialized = True


class PyTorchConfiguration(_Element):
    _fields = (Field("communication_backend"), Field("process_count"), Field("node_count"))

    def __init__(self, communication_backend="Nccl", process_count=None, node_count=1):
        if communication_backend.lower() not in SUPPORTED_PYTORCH_BACKENDS:
            raise RunConfigurationException(
                "{} is not a supported backend. 'communication_backend' must be 'Nccl' or 'Gloo'.".format(
                    communication_backend
                )
            )
        self.communication_backend = communication_backend.lower()
        self.process_count = process_count
        self.node_count = node_count
        self._initialized = True


class ParallelTaskConfiguration(_Element):
    _fields = (Field("max_retries_per_worker"), Field("worker_count_per_node"), Field("terminal_exit_codes"))

    def __init__(self):
        self.max_retries_per_worker = 0
        self.worker_count_per_node = 1
        self.terminal_exit_codes = None
        self._initialized = True


class AmlComputeConfiguration(_Element):
    _fields = (
        Field("vm_size"),
        Field("vm_priority"),
        Field("_retain_cluster", key="retainCluster"),
        Field("_name", key="name"),
        Field("_cluster_max_node_count", key="clusterMaxNodeCount"),
    )

    def __init__(self):
        self.vm_size = None
        self.vm_priority = None
        self._retain_cluster = False
        self._name = None
        self._cluster_max_node_count = None
        self._initialized = True


class KubernetesComputeConfiguration(_Element):
    _fields = (Field("instance_type"),)

    def __init__(self):
        self.instance_type = None
        self._initialized = True


class SparkConfiguration(_Element):
    _fields = (Field("configuration"),)

    def __init__(self):
        self.configuration = {"spark.app.name": "Azure ML Experiment", "spark.yarn.maxAppAttempts": 1}
        self._initialized = True


class HistoryConfiguration(_Element):
    _fields = (Field("output_collection"), Field("snapshot_project"), Field("directories_to_watch"))

    def __init__(self):
        self.output_collection = True
        self.snapshot_project = True
        self.directories_to_watch = ["logs"]
        self._ambient_authentication = None
        self._initialized = True


class DataReferenceConfiguration(_Element):
    _fields = (
        Field("data_store_name"),
        Field("path_on_data_store"),
        Field("mode"),
        Field("overwrite"),
        Field("path_on_compute"),
    )

    def __init__(
        self, datastore_name=None, mode="mount", path_on_datastore=None, path_on_compute=None, overwrite=False
    ):
        self.data_store_name = datastore_name
        self.path_on_data_store = path_on_datastore
        self.path_on_compute = path_on_compute
        self.mode = mode.lower()
        self.overwrite = overwrite
        self._initialized = True

    def _validate(self):
        if not self.data_store_name:
            raise UserErrorException("Missing data store name")
        if not self.mode or (self.mode.lower() not in SUPPORTED_DATAREF_MODES):
            raise UserErrorException("mode {0} is not supported. Only mount, download allowed".format(self.mode))


class DockerConfiguration(_Element):
    """Whether the run runs in a container (Benchtop: the docker target), and the container's settings."""

    _fields = (Field("use_docker"), Field("shared_volumes"), Field("arguments"), Field("shm_size"))

    def __init__(self, use_docker=False, shared_volumes=True, arguments=None, shm_size=_DEFAULT_SHM_SIZE):
        self.use_docker = use_docker
        self.shared_volumes = shared_volumes
        self.arguments = list(arguments or [])
        self.shm_size = shm_size
        self._initialized = True


class EnvironmentDefinition(Environment):
    """DEPRECATED. Use the :class:`azureml.core.environment.Environment` object."""

    def __init__(self, name=None):
        super(EnvironmentDefinition, self).__init__(name)


class RunConfiguration(_Element):
    """How a run runs: the target, the environment, Docker, the script and its arguments, limits."""

    _fields = (
        Field("script"),
        Field("command"),
        Field("arguments"),
        Field("_target", key="target"),
        Field("framework"),
        Field("communicator"),
        Field("max_run_duration_seconds"),
        Field("node_count"),
        Field("priority"),
        Field("history", HistoryConfiguration),
        Field("spark", SparkConfiguration),
        Field("docker", DockerConfiguration),
        Field("hdi", HdiConfiguration),
        Field("tensorflow", TensorflowConfiguration),
        Field("mpi", MpiConfiguration),
        Field("pytorch", PyTorchConfiguration),
        Field("paralleltask", ParallelTaskConfiguration),
        Field("data_references"),
        Field("data"),
        Field("output_data"),
        Field("source_directory_data_store"),
        Field("amlcompute", AmlComputeConfiguration),
        Field("kubernetescompute", KubernetesComputeConfiguration),
        Field("credential_passthrough"),
        Field("_environment_variables", key="environmentVariables"),
    )

    def __init__(
        self,
        script=None,
        arguments=None,
        framework=None,
        communicator=None,
        conda_dependencies=None,
        _history_enabled=None,
        _path=None,
        _name=None,
        command=None,
    ):
        self._name = _name
        self._path = _path
        self.script = script
        self.command = command if command else ""
        self.arguments = arguments if arguments else []
        self._target = LOCAL_RUNCONFIG_NAME
        self.framework = framework if framework else "Python"
        self.communicator = communicator if communicator else "None"
        self.max_run_duration_seconds = None
        self.node_count = 1
        self.priority = None
        self.environment = EnvironmentDefinition(name="default-environment")
        self.history = HistoryConfiguration()
        self.spark = SparkConfiguration()
        self.docker = DockerConfiguration()
        self.hdi = HdiConfiguration()
        self.tensorflow = TensorflowConfiguration()
        self.mpi = MpiConfiguration()
        self.pytorch = PyTorchConfiguration()
        self.paralleltask = ParallelTaskConfiguration()
        self.data_references = {}
        self.data = {}
        self.datacaches = []
        self.output_data = {}
        self._environment_variables = {}
        self.amlcompute = AmlComputeConfiguration()
        self.kubernetescompute = KubernetesComputeConfiguration()
        self.services = {}
        self.source_directory_data_store = None
        if _history_enabled is not None:
            self.history.output_collection = _history_enabled
        self.auto_cluster_compute_specification = None
        if conda_dependencies is not None:
            self.environment.python.conda_dependencies = conda_dependencies
        self.credential_passthrough = False
        self._initialized = True

    def __repr__(self):
        data = self._serialize()
        data["environment"] = Environment._serialize_to_dict(self.environment) if self.environment else None
        return json.dumps(data, indent=4, default=str)

    @property
    def auto_prepare_environment(self):
        module_logger.warning(
            "'auto_prepare_environment' is deprecated and unused. It will be removed in a future release."
        )
        return True

    @auto_prepare_environment.setter
    def auto_prepare_environment(self, _):
        module_logger.warning(
            "'auto_prepare_environment' is deprecated and unused. It will be removed in a future release."
        )

    @property
    def environment_variables(self):
        """Variables set in the run's process (on top of the environment's)."""
        return self._environment_variables

    @environment_variables.setter
    def environment_variables(self, value):
        self._environment_variables = value

    @property
    def target(self):
        """The compute target's name: "local" (this machine), "docker", or a compute target's name."""
        return self._target

    @target.setter
    def target(self, target):
        name = getattr(target, "name", None)
        if name is not None and not isinstance(target, str):
            from ._compute import remember

            remember(target)
            self._target = name
        elif isinstance(target, str):
            if target == "amlcompute":
                print(
                    """
                        DEPRECATED
                        We will be deprecating the run based creation of compute in the next release.
                        We recommend creating an actual Amlcompute cluster as a persistent compute target,
                        and using the cluster name as the compute target in your run configuration.
                        See example notebook here: aka.ms/amlcomputenb
                        """
                )
            self._target = target

    def save(self, path=None, name=None, separate_environment_yaml=False):
        raise UserErrorException(
            "Benchtop does not save run configurations to .azureml/ folders: keep the RunConfiguration in your "
            "code, or save its environment with env.save_to_directory(path)."
        )

    @staticmethod
    def load(path, name=None):
        raise UserErrorException(
            "Benchtop does not load .runconfig files: build the RunConfiguration in code (the environment from "
            "Environment.load_from_directory(path))."
        )

    @staticmethod
    def delete(path, name):
        raise UserErrorException("Benchtop does not keep .runconfig files, so there is none to delete.")
