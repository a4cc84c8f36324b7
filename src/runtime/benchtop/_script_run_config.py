"""azureml.core.script_run_config.ScriptRunConfig: a script, its arguments, where and in what it runs.

src = ScriptRunConfig(source_directory="./train", script="train.py", arguments=["--lr", 0.01],
                      environment=env, compute_target="local")
run = Experiment(ws, "mnist").submit(src)        # a ScriptRun, Queued; the script runs in Benchtop

Submitting is one `benchtop run submit`: the source folder's snapshot (.amlignore, else .gitignore),
the script and its arguments (as strings, exactly), the environment (a registered name:version, or
the definition, registered on the way; identical content reuses its version), the target (local or
docker, see benchtop._compute for cloud names), the maximum duration, tags.
"""

import logging
import os
import shlex
import shutil
import tempfile

from . import _cli
from ._exceptions import RunConfigurationException, UserErrorException
from ._run_config import (
    DockerConfiguration,
    EnvironmentDefinition,
    MpiConfiguration,
    PyTorchConfiguration,
    RunConfiguration,
    TensorflowConfiguration,
)

MAX_DURATION_SECONDS_DEFAULT = 2592000
_noticed = set()


def _notice(key, text):
    if key not in _noticed:
        _noticed.add(key)
        print(text)


class ScriptRunConfig(object):
    """What Experiment.submit runs: a script (or a python command) from a source folder, in an environment, on a target."""

    MAX_DURATION_SECONDS_DEFAULT = MAX_DURATION_SECONDS_DEFAULT

    def __init__(
        self,
        source_directory,
        script=None,
        arguments=None,
        run_config=None,
        _telemetry_values=None,
        compute_target=None,
        environment=None,
        distributed_job_config=None,
        resume_from=None,
        max_run_duration_seconds=MAX_DURATION_SECONDS_DEFAULT,
        command=None,
        docker_runtime_config=None,
    ):
        self.source_directory = source_directory
        self.script = script
        self.command = command
        self.arguments = arguments
        if run_config:
            if (max_run_duration_seconds != MAX_DURATION_SECONDS_DEFAULT) or any(
                [compute_target, environment, distributed_job_config, docker_runtime_config]
            ):
                logging.warning(
                    "If 'run_config' is specified, the following parameters will be ignored: 'compute_target', "
                    "'environment', 'distributed_job_config', 'max_run_duration_seconds', and 'docker_runtime_config'."
                )
            if run_config.script and self.script:
                logging.warning(
                    "If 'script' has been provided here and a script file name has been specified in 'run_config', "
                    "'script' provided in ScriptRunConfig initialization will take precedence."
                )
            elif run_config.script and not self.script:
                self.script = run_config.script
            if run_config.arguments and self.arguments:
                logging.warning(
                    "If 'arguments' has been provided here and arguments have been specified in 'run_config', "
                    "'arguments' provided in ScriptRunConfig initialization will take precedence."
                )
            elif run_config.arguments and not self.arguments:
                self.arguments = run_config.arguments
            if run_config.command and self.command:
                logging.warning(
                    "If 'command' has been provided here and command has been specified in 'run_config', 'command' "
                    "provided in ScriptRunConfig initialization will take precedence."
                )
            elif run_config.command and not self.command:
                self.command = run_config.command
            self.run_config = run_config
        else:
            self.run_config = RunConfiguration()
            self.run_config.target = compute_target if compute_target else "local"
            self.run_config.environment = environment if environment else EnvironmentDefinition("default-environment")
            self.run_config.max_run_duration_seconds = max_run_duration_seconds
            if distributed_job_config:
                if not isinstance(
                    distributed_job_config, (TensorflowConfiguration, MpiConfiguration, PyTorchConfiguration)
                ):
                    raise RunConfigurationException(
                        "'distributed_job_config' must be an 'azureml.core.runconfig.TensorflowConfiguration', "
                        "'azureml.core.runconfig.MpiConfiguration', or 'azureml.core.runconfig.PyTorchConfiguration' "
                        "object."
                    )
                self.run_config.node_count = (
                    distributed_job_config.worker_count
                    if isinstance(distributed_job_config, TensorflowConfiguration)
                    else distributed_job_config.node_count
                )
                if isinstance(distributed_job_config, TensorflowConfiguration):
                    self.run_config.tensorflow = distributed_job_config
                    self.run_config.framework = "TensorFlow"
                    self.run_config.communicator = "ParameterServer"
                elif isinstance(distributed_job_config, MpiConfiguration):
                    self.run_config.mpi = distributed_job_config
                    self.run_config.framework = "Python"
                    self.run_config.communicator = "IntelMpi"
                else:
                    self.run_config.pytorch = distributed_job_config
                    self.run_config.framework = "PyTorch"
                    self.run_config.communicator = distributed_job_config.communication_backend
            if docker_runtime_config:
                if not isinstance(docker_runtime_config, DockerConfiguration):
                    raise RunConfigurationException("'docker_runtime_config' must be a 'DockerConfiguration' object.")
                self.run_config.docker = docker_runtime_config
            elif environment and environment.docker:
                self.run_config.docker = DockerConfiguration(
                    use_docker=environment.docker._enabled,
                    shm_size=environment.docker._shm_size,
                    shared_volumes=environment.docker._shared_volumes,
                    arguments=environment.docker._arguments,
                )
        if resume_from:
            raise UserErrorException(
                "resume_from (a DataPath on a datastore) is not available here: copy the checkpoint into the source "
                "folder, or pass its local path in arguments."
            )
        self._telemetry_values = _telemetry_values

    def __repr__(self):
        return "ScriptRunConfig(source_directory=%r, script=%r, arguments=%r, target=%r)" % (
            self.source_directory,
            self.script,
            self.arguments,
            self.run_config.target,
        )

    def _benchtop_submit(self, experiment, tags=None, run_id=None, _parent_run_id=None, credential_passthrough=False):
        return submit(self, experiment, tags=tags, run_id=run_id, parent_run_id=_parent_run_id)


# --- submitting -----------------------------------------------------------------------------------------
def get_run_config_from_script_run(script_run_config):
    """The RunConfiguration of a ScriptRunConfig, with its script, arguments and command."""
    rc = script_run_config.run_config
    if script_run_config.arguments:
        rc.arguments = list(script_run_config.arguments)
    if script_run_config.script:
        rc.script = script_run_config.script
    if script_run_config.command:
        rc.command = script_run_config.command
    return rc


def script_and_arguments(config, inputs=None):
    """(script, [arguments as strings]) of a config: its script, or a `python script.py ...` command.

    Dataset inputs among the arguments go into INPUTS (name -> DatasetConsumptionConfig), their placeholders
    into the arguments (benchtop._script_run_inputs)."""
    from ._script_run_inputs import replace_arguments

    arguments = config.arguments
    if isinstance(arguments, str):
        arguments = shlex.split(arguments)
    arguments = replace_arguments(arguments or [], {} if inputs is None else inputs)
    arguments = [_argument(a) for a in arguments]
    if config.command:
        if config.script:
            logging.warning("Both 'command' and 'script' were given: the command runs.")
        words = shlex.split(config.command) if isinstance(config.command, str) else [str(w) for w in config.command]
        if (
            len(words) >= 2
            and os.path.basename(words[0]).split(".")[0] in ("python", "python3")
            and words[1].endswith(".py")
        ):
            return words[1], words[2:] + arguments
        raise UserErrorException(
            "Benchtop runs a Python script in the environment: give command=['python', 'script.py', ...], or "
            "script= and arguments=. This command is not a python script: %r" % (config.command,)
        )
    if not config.script:
        raise UserErrorException("ScriptRunConfig needs a script (or a command): script='train.py'.")
    return config.script, arguments


def _argument(value):
    if isinstance(value, (str, int, float, bool)):
        return str(value)
    if type(value).__name__.endswith("Config"):
        raise UserErrorException(
            "Argument %r is a %s; Benchtop passes plain values (strings, numbers), datasets "
            "(dataset.as_named_input('name').as_mount()) and datastore paths to a script."
            % (value, type(value).__name__)
        )
    return str(value)


def _build_relevant(env):
    from ._environment import Environment

    data = Environment._serialize_to_dict(env)
    docker = data.get("docker") or {}
    return (
        data.get("python"),
        data.get("environmentVariables"),
        data.get("r"),
        docker.get("baseImage"),
        docker.get("baseDockerfile"),
        docker.get("buildContext"),
    )


def _is_default_environment(env):
    """Azure's "default-environment" unchanged (also what an Estimator without packages makes): Benchtop-Minimal
    stands for it, Benchtop's runtime being the azureml package azureml-defaults would install."""
    if env is None:
        return True
    if getattr(env, "name", None) != "default-environment" or getattr(env, "version", None) is not None:
        return False
    return _build_relevant(env) == _build_relevant(EnvironmentDefinition("default-environment"))


def environment_arguments(env, workspace, folder):
    """-e NAME:VERSION for a registered environment; else the definition, written to `folder` for the CLI to register."""
    if _is_default_environment(env):
        _notice(
            "default-environment",
            "Benchtop: no environment given: the run uses Benchtop-Minimal (Python with Benchtop's azureml package), "
            "where Azure would build its default-environment (azureml-defaults). Give environment= to choose.",
        )
        return []
    if getattr(env, "version", None) is not None and getattr(env, "name", None):
        return ["-e", "%s:%s" % (env.name, env.version)]
    from . import _environment

    prepare = getattr(_environment, "_for_registration", None)
    (prepare(env) if prepare else env).save_to_directory(folder)
    return ["--environment-directory", folder]


def prepare(config, experiment, folder):
    """What a submit of CONFIG sends, before it becomes `run submit` flags (here) or a sweep's trial template
    (benchtop._hyperdrive_submit): source, script, arguments, target, environment flags, inputs."""
    from ._compute import resolve
    from ._script_run_inputs import data_section

    rc = config.run_config
    workspace = experiment.workspace
    inputs = data_section(rc)
    script, arguments = script_and_arguments(config, inputs)
    env = rc.environment
    use_docker = bool((rc.docker and rc.docker.use_docker) or (env is not None and env.docker and env.docker.enabled))
    base_image = env.docker.base_image if env is not None and env.docker else None
    if env is not None and env.docker and env.docker.base_dockerfile:
        base_image = "dockerfile"
    target = resolve(workspace, rc.target, use_docker, base_image)
    _distributed_notice(rc)
    return {
        "source": os.path.abspath(config.source_directory or "."),
        "script": script,
        "arguments": arguments,
        # "pool": a container run the queue sends to any engine of the Docker pool (benchtop._compute).
        "target": "docker" if target == "pool" else target,
        "pool": target == "pool",
        "environment": environment_arguments(env, workspace, os.path.join(folder, "environment")),
        "max_duration": int(rc.max_run_duration_seconds) if rc.max_run_duration_seconds else None,
        "inputs": inputs,
        "run_config": rc,
    }


def submit(config, experiment, tags=None, run_id=None, parent_run_id=None, extra_arguments=()):
    """One `benchtop run submit` for the config; returns the ScriptRun (Queued)."""
    from ._script_run import ScriptRun
    from ._script_run_inputs import submit_flags

    if run_id:
        raise UserErrorException("Benchtop names submitted runs itself (<experiment>_<time>_<hex>); leave run_id out.")
    workspace = experiment.workspace
    folder = tempfile.mkdtemp(prefix="benchtop-submit-")
    try:
        request = prepare(config, experiment, folder)
        args = ["run", "submit", "-d", request["source"], "-s", request["script"], "-x", experiment.name]
        args += ["--target", request["target"]] + (["--pool"] if request["pool"] else [])
        args += request["environment"]
        if request["max_duration"]:
            args += ["--max-duration", str(request["max_duration"])]
        for key, value in dict(tags or {}).items():
            args += ["--tag", "%s=%s" % (key, "" if value is None else value)]
        if parent_run_id:
            args += ["--parent", parent_run_id]
        args += submit_flags(request["inputs"], workspace)
        args += list(extra_arguments)
        args += ["--"] + request["arguments"]
        try:
            data = _cli.call(args, workspace)
        except _cli.BenchtopCliError as err:
            raise UserErrorException(str(err))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return ScriptRun(experiment, data["id"], _data=data, _run_config=request["run_config"])


def _distributed_notice(rc):
    counts = [rc.node_count or 1]
    if rc.communicator == "IntelMpi":
        counts.append(rc.mpi.process_count_per_node or 1)
    if rc.framework == "PyTorch":
        counts.append(rc.pytorch.process_count or 1)
    if rc.framework == "TensorFlow":
        counts.append(rc.tensorflow.worker_count or 1)
    if max(counts) > 1:
        _notice(
            ("distributed", rc.framework),
            "Benchtop: the run asks for %d nodes/processes (%s); here it runs as one process."
            % (max(counts), rc.communicator),
        )
