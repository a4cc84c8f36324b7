"""azureml.train.estimator.Estimator and azureml.train.sklearn.SKLearn (deprecated in azureml-core, still in
many notebooks): each is a ScriptRunConfig built the way azureml-train-core builds its run configuration.

est = Estimator(source_directory="src", entry_script="train.py", script_params={"--alpha": 0.5},
                compute_target="local", conda_packages=["scikit-learn"])
run = exp.submit(est)

script_params become the arguments (`--alpha 0.5`; a value of "" or None: the flag alone). The
environment is Azure's (CondaDependencies() plus the packages; a custom image; or
environment_definition); with no packages it is Azure's default, which runs as Benchtop-Minimal.
use_docker (True by default, as in Azure) runs in a container when a Docker engine answers, else as
a local process (said once).
"""

import logging
import os

from ._exceptions import TrainingException, UserErrorException
from ._run_config import DockerConfiguration, MpiConfiguration, RunConfiguration
from ._script_run_config import ScriptRunConfig, submit
from ._script_run_inputs import estimator_inputs

_SUPPORTED_BACKENDS = ["mpi"]


def _arguments(script_params):
    out = []
    for key, value in (script_params or {}).items():
        if key:
            out.append(str(key))
        if value is not None and value != "":
            # Dataset inputs and datastore references stay objects: submit turns them into the run's paths.
            keep = (
                isinstance(value, (str, int, float, bool)) or hasattr(value, "arg_val") or hasattr(value, "_local_path")
            )
            out.append(value if keep else str(value))
    return out


def _conda_dependencies(pip_packages, conda_packages, pip_requirements_file, conda_dependencies_file, source_directory):
    from ._conda_dependencies import CondaDependencies

    pip = list(pip_packages or [])
    if pip_requirements_file:
        path = os.path.normpath(os.path.join(source_directory, pip_requirements_file))
        if not os.path.isfile(path):
            raise UserErrorException(
                "{} path doesn't exist. The pip requirements file should be inside the project folder".format(path)
            )
        with open(path) as f:
            pip += [line.strip() for line in f if line.strip() and not line.strip().startswith("#")]
    conda = CondaDependencies()
    if conda_dependencies_file:
        if pip_packages or conda_packages or pip_requirements_file:
            logging.warning(
                "When using the parameter 'conda_dependencies_file' the following parameters are ignored: "
                "'pip_packages', 'conda_packages', 'pip_requirements_file'"
            )
        path = os.path.normpath(os.path.join(source_directory, conda_dependencies_file))
        if not os.path.isfile(path):
            raise UserErrorException(
                "{} path doesn't exist. The conda dependencies file should be inside the project folder".format(path)
            )
        return CondaDependencies(path)
    if pip:
        conda.set_pip_requirements(["azureml-defaults"] + pip)
    for package in conda_packages or []:
        conda.add_conda_package(package)
    return conda


class Estimator(ScriptRunConfig):
    """DEPRECATED in azureml-core: a script with its packages, as a ScriptRunConfig."""

    _FRAMEWORK = None
    _DEFAULT_VERSION = None

    def __init__(
        self,
        source_directory,
        *,
        compute_target=None,
        vm_size=None,
        vm_priority=None,
        entry_script=None,
        script_params=None,
        node_count=1,
        process_count_per_node=1,
        distributed_backend=None,
        distributed_training=None,
        use_gpu=False,
        use_docker=True,
        custom_docker_base_image=None,
        custom_docker_image=None,
        image_registry_details=None,
        user_managed=False,
        conda_packages=None,
        pip_packages=None,
        conda_dependencies_file_path=None,
        pip_requirements_file_path=None,
        conda_dependencies_file=None,
        pip_requirements_file=None,
        environment_variables=None,
        environment_definition=None,
        inputs=None,
        source_directory_data_store=None,
        shm_size=None,
        resume_from=None,
        max_run_duration_seconds=None,
        _disable_validation=True,
        _show_lint_warnings=False,
        _show_package_warnings=False,
    ):
        self._build(
            source_directory,
            compute_target,
            vm_size,
            vm_priority,
            entry_script,
            script_params,
            node_count,
            process_count_per_node,
            distributed_backend or distributed_training,
            use_gpu,
            use_docker,
            custom_docker_image or custom_docker_base_image,
            image_registry_details,
            user_managed,
            conda_packages,
            pip_packages,
            conda_dependencies_file or conda_dependencies_file_path,
            pip_requirements_file or pip_requirements_file_path,
            environment_variables,
            environment_definition,
            inputs,
            shm_size,
            resume_from,
            max_run_duration_seconds,
        )

    def _build(
        self,
        source_directory,
        compute_target,
        vm_size,
        vm_priority,
        entry_script,
        script_params,
        node_count,
        process_count_per_node,
        distributed,
        use_gpu,
        use_docker,
        custom_docker_image,
        image_registry_details,
        user_managed,
        conda_packages,
        pip_packages,
        conda_dependencies_file,
        pip_requirements_file,
        environment_variables,
        environment_definition,
        inputs,
        shm_size,
        resume_from,
        max_run_duration_seconds,
    ):
        from ._environment_sections import DEFAULT_CPU_IMAGE, DEFAULT_GPU_IMAGE

        if resume_from:
            raise UserErrorException("resume_from (a DataPath on a datastore) is not available here.")
        if isinstance(distributed, str) and distributed.lower() not in _SUPPORTED_BACKENDS:
            raise TrainingException(
                "Unsupported distributed backend value: {}. Supported backend(s): mpi".format(distributed)
            )
        if (node_count > 1 or process_count_per_node > 1) and not distributed:
            raise TrainingException(
                "Distributed training backend is required when node_count or process_count_per_node is greater than 1."
            )
        self.source_directory = source_directory
        self.script = entry_script
        self.command = None
        self.arguments = _arguments(script_params)
        self._telemetry_values = None
        self._estimator_config = rc = RunConfiguration()
        self.run_config = rc
        rc.script = entry_script
        rc.arguments = self.arguments
        # As Azure's Estimator: inputs= go to the run configuration's data section.
        rc.data.update(estimator_inputs(inputs))
        rc.target = compute_target if compute_target else ("amlcompute" if vm_size else "local")
        rc.amlcompute.vm_size = vm_size
        rc.amlcompute.vm_priority = vm_priority
        rc.node_count = node_count
        if distributed:
            rc.mpi = MpiConfiguration(process_count_per_node=process_count_per_node, node_count=node_count)
            rc.communicator = "IntelMpi"
        if max_run_duration_seconds:
            rc.max_run_duration_seconds = max_run_duration_seconds
        if environment_definition is not None:
            rc.environment = environment_definition
            if environment_definition.docker:
                rc.docker = DockerConfiguration(
                    use_docker=environment_definition.docker._enabled,
                    shm_size=environment_definition.docker._shm_size,
                    shared_volumes=environment_definition.docker._shared_volumes,
                    arguments=environment_definition.docker._arguments,
                )
        else:
            rc.docker = (
                DockerConfiguration(use_docker=use_docker, shm_size=shm_size)
                if shm_size
                else DockerConfiguration(use_docker=use_docker)
            )
            env = rc.environment
            env.python.user_managed_dependencies = user_managed
            env.python.conda_dependencies = self._dependencies(
                pip_packages, conda_packages, pip_requirements_file, conda_dependencies_file, source_directory
            )
            env.spark.precache_packages = False
            env.docker.base_image = custom_docker_image or (DEFAULT_GPU_IMAGE if use_gpu else DEFAULT_CPU_IMAGE)
            if image_registry_details:
                env.docker.base_image_registry = image_registry_details
        rc.environment_variables = dict(environment_variables or {})

    def _dependencies(
        self, pip_packages, conda_packages, pip_requirements_file, conda_dependencies_file, source_directory
    ):
        return _conda_dependencies(
            pip_packages, conda_packages, pip_requirements_file, conda_dependencies_file, source_directory
        )

    @property
    def conda_dependencies(self):
        return self.run_config.environment.python.conda_dependencies

    def _benchtop_submit(
        self, experiment, tags=None, run_id=None, _parent_run_id=None, credential_passthrough=False, **kwargs
    ):
        unexpected = set(kwargs) - {"script_params", "inputs", "source_directory_data_store"}
        if unexpected:
            raise TrainingException(
                "{} parameters cannot be overridden. Allowed parameters are: script_params, inputs and "
                "source_directory_data_store".format(sorted(unexpected))
            )
        if kwargs.get("script_params"):
            self.arguments = _arguments(kwargs["script_params"])
            self.run_config.arguments = self.arguments
        if kwargs.get("inputs"):
            self.run_config.data.update(estimator_inputs(kwargs["inputs"]))
        return submit(self, experiment, tags=tags, run_id=run_id, parent_run_id=_parent_run_id)


class Mpi(object):
    """azureml.train.estimator.Mpi: MPI settings for distributed_training (one process here)."""

    def __init__(self, process_count_per_node=1):
        self.process_count_per_node = process_count_per_node
        self.backend = "mpi"

    def lower(self):
        return "mpi"


class SKLearn(Estimator):
    """DEPRECATED in azureml-core: a scikit-learn training script (scikit-learn added to its packages)."""

    FRAMEWORK_NAME = "SKLearn"
    DEFAULT_VERSION = "0.20.3"

    def __init__(
        self,
        source_directory,
        *,
        compute_target=None,
        vm_size=None,
        vm_priority=None,
        entry_script=None,
        script_params=None,
        use_docker=True,
        custom_docker_image=None,
        image_registry_details=None,
        user_managed=False,
        conda_packages=None,
        pip_packages=None,
        conda_dependencies_file_path=None,
        pip_requirements_file_path=None,
        conda_dependencies_file=None,
        pip_requirements_file=None,
        environment_variables=None,
        environment_definition=None,
        inputs=None,
        shm_size=None,
        resume_from=None,
        max_run_duration_seconds=None,
        framework_version=None,
        _enable_optimized_mode=False,
        _disable_validation=True,
        _show_lint_warnings=False,
        _show_package_warnings=False,
    ):
        self.framework_version = framework_version or SKLearn.DEFAULT_VERSION
        self._framework_packages = [] if (user_managed or environment_definition) else ["scikit-learn"]
        self._build(
            source_directory,
            compute_target,
            vm_size,
            vm_priority,
            entry_script,
            script_params,
            1,
            1,
            None,
            False,
            use_docker,
            custom_docker_image,
            image_registry_details,
            user_managed,
            conda_packages,
            pip_packages,
            conda_dependencies_file or conda_dependencies_file_path,
            pip_requirements_file or pip_requirements_file_path,
            environment_variables,
            environment_definition,
            inputs,
            shm_size,
            resume_from,
            max_run_duration_seconds,
        )

    @staticmethod
    def get_supported_versions():
        return [SKLearn.DEFAULT_VERSION]

    def _dependencies(
        self, pip_packages, conda_packages, pip_requirements_file, conda_dependencies_file, source_directory
    ):
        # Azure pins scikit-learn==0.20.3 (a 2019 release that no current Python installs); the environment
        # takes the scikit-learn the package index or the workspace's wheels have.
        pip = list(pip_packages or []) + [p for p in self._framework_packages if p not in (pip_packages or [])]
        return _conda_dependencies(
            pip, conda_packages, pip_requirements_file, conda_dependencies_file, source_directory
        )
