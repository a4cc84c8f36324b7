"""Model.deploy: one `benchtop service deploy`, started in the background as Azure's deployments are.

Model.deploy checks what it can at once (the name, the models, the configuration) and returns the
service while it deploys, as azureml-core does; wait_for_deployment(show_output=True) prints the
service's log as it goes (the environment build, the server's start-up, init()'s output) and raises
WebserviceException when it failed, with init()'s traceback and the log's path. get_logs() works on a
failed service too.

Cloud configurations (AciWebservice, AksWebservice) deploy here, once-printed; so does a deployment
with no configuration (Azure's default is ACI). The service runs in a container when its environment
has docker.enabled and a Docker engine answers, else as a process.
"""

import os
import re
import sys
import threading
import time

from . import _cli
from ._exceptions import UserErrorException
from ._webservice import (
    Webservice,
    WebserviceException,
    module_logger,
    needs_the_cloud,
    read_meta,
    show,
    webservice_name_validation,
    write_meta,
)

NO_CODE_FRAMEWORKS = ("Onnx", "ScikitLearn", "TensorFlow", "Multi")
_announced = set()


def _announce(key, text):
    if key not in _announced:
        _announced.add(key)
        print(text)


# --- what is deployed -----------------------------------------------------------------------------------
def _model_ref(workspace, model):
    """name:version for the CLI; a string is a registered id, else (LocalWebservice's way) a local file."""
    from ._model import Model

    if isinstance(model, Model):
        return model, "%s:%s" % (model.name, model.version)
    if not isinstance(model, str):
        raise NotImplementedError(
            "Models must either be of type azureml.core.model.Model or a str path to a file or folder."
        )
    try:
        found = Model(workspace, id=model)
        return found, found.id
    except WebserviceException as err:
        if "ModelNotFound" not in err.message or not os.path.exists(model):
            raise
    # azureml-core copies a local path in as "version 0"; here it is registered, so the service can serve it.
    name = re.sub(r"[^a-zA-Z0-9._-]", "-", os.path.basename(model.rstrip(os.sep)))[:30] or "model"
    registered = Model.register(workspace, model, name)
    print("Benchtop: the local model %s is served as the registered model %s." % (model, registered.id))
    return registered, registered.id


def _environment_ref(workspace, environment):
    if isinstance(environment, str):
        return environment
    if getattr(environment, "version", None) is None:
        environment = environment.register(workspace)
    return "%s:%s" % (environment.name, environment.version)


def _target(workspace, environment, name):
    """local or docker: a container when the environment asks for Docker and an engine can give one."""
    docker = getattr(environment, "docker", None)
    if environment is None or docker is None or not getattr(docker, "enabled", False):
        return "local"
    from ._compute_target import docker_status

    base_image = getattr(docker, "base_image", None)
    own_base = bool(getattr(docker, "base_dockerfile", None)) or (
        bool(base_image) and not base_image.startswith("mcr.microsoft.com/azureml")
    )
    if own_base:
        target, why = ("docker", "") if docker_status(workspace) else ("local", "no Docker engine answers")
    else:
        from . import _compute

        choose = getattr(_compute, "_docker_choice", None)
        target, why = choose(workspace, base_image) if choose else ("local", "no Docker engine answers")
    if target == "local":
        _announce(
            ("docker", name),
            "Benchtop: %s's environment asks for Docker (docker.enabled); it runs as a local process instead: %s."
            % (name, why),
        )
    return target


def _kind_notice(kind, name, target):
    where = "in a container" if target == "docker" else "as a process on this machine (127.0.0.1)"
    cloud = {"ACI": "Azure Container Instances", "AKS": "the AKS cluster", "AKSENDPOINT": "the AKS cluster"}
    if kind in cloud:
        _announce(
            (kind, name),
            "Benchtop: %s service %s is deployed here, %s; Azure would deploy it to %s. Its CPU, memory, scaling, "
            "auth and SSL settings are kept, not applied." % (kind, name, where, cloud[kind]),
        )


def print_configuration(models, inference_config, deployment_config, deployment_target):
    """Model.print_configuration: what Model.deploy(show_output=True) prints first."""
    if models:
        print("Models: {}".format([getattr(m, "id", m) for m in models]))
    if deployment_target is not None:
        print("Compute target: {}".format(getattr(deployment_target, "name", deployment_target)))
    if inference_config is not None and inference_config.entry_script:
        base, script = inference_config._get_entry_script_path()
        print("Entry script: {}".format(os.path.join(base, script)))
        env = inference_config.environment
        if env is not None and env.environment_variables and len(env.environment_variables) > 1:
            print("Environment variables: {}".format(env.environment_variables))
    if deployment_config is not None:
        deployment_config.print_deploy_configuration()


# --- deploying ----------------------------------------------------------------------------------------------
def _deployment_kind(deployment_config, deployment_target):
    if deployment_config is not None:
        kind = getattr(deployment_config, "_webservice_type", None)
        kind = getattr(kind, "_webservice_type", kind)
        if kind in ("Local", "ACI", "AKS", "AKSENDPOINT"):
            return kind
        raise WebserviceException(
            "Error, provided deployment configuration must be of type LocalWebserviceDeploymentConfiguration, "
            "AciServiceDeploymentConfiguration or AksServiceDeploymentConfiguration.",
            logger=module_logger,
        )
    # azureml-core: no configuration deploys to ACI, or to AKS with an AKS target.
    return "AKS" if type(deployment_target).__name__ == "AksCompute" else "ACI"


def deploy(
    workspace,
    name,
    models,
    inference_config=None,
    deployment_config=None,
    deployment_target=None,
    overwrite=False,
    show_output=False,
):
    """The service, deploying (wait_for_deployment() to see it through)."""
    from ._inference_config import InferenceConfig
    from ._webservice import _class_for

    webservice_name_validation(name)
    kind = _deployment_kind(deployment_config, deployment_target)
    if inference_config is not None and not isinstance(inference_config, InferenceConfig):
        raise WebserviceException(
            "Error, provided inference configuration must be of type InferenceConfig in order to deploy a service.",
            logger=module_logger,
        )
    if show_output:
        print_configuration(models, inference_config, deployment_config, deployment_target)
    if not models:
        raise UserErrorException(
            "Benchtop serves at least one registered model; give models=[model] (a service without a model is not "
            "supported here yet)."
        )
    resolved = [_model_ref(workspace, m) for m in models]
    args = ["service", "deploy", "-n", name]
    for _, ref in resolved:
        args += ["-m", ref]
    if inference_config is None or inference_config.no_code:
        _check_no_code([m for m, _ in resolved])
    else:
        script = inference_config._entry_script_file()
        args += ["--entry-script", script]
        if inference_config.source_directory:
            args += ["-d", inference_config.source_directory]
    environment = inference_config._environment_for_deploy(name) if inference_config is not None else None
    if environment is not None:
        args += ["-e", _environment_ref(workspace, environment)]
    target = _target(workspace, environment, name)
    if target == "docker":
        args += ["--target", "docker"]
    port = getattr(deployment_config, "port", None) if kind == "Local" else None
    if port:
        args += ["--port", str(port)]
    # AKS's scoring timeout is the scoring server's (the other cloud settings are kept, not applied).
    timeout_ms = getattr(deployment_config, "scoring_timeout_ms", None)
    if timeout_ms:
        args += ["--timeout-ms", str(int(timeout_ms))]
    existing = show(workspace, name)
    if existing is not None:
        if not overwrite and kind != "Local" and existing["state"] != "failed":
            Webservice.check_for_existing_webservice(workspace, name, overwrite)
        # LocalWebservice replaces a service of the same name (its container), as azureml-core's does.
        _delete(workspace, name)
    _kind_notice(kind, name, target)
    meta = _meta_for(kind, deployment_config)
    service = _class_for(kind).__new__(_class_for(kind))
    service._absent(workspace, name)
    service._benchtop_state = "deploying"
    service.state = service._state_names.get("deploying", "deploying")
    service._meta = meta
    service._deployment = Deployment(args, workspace, name, meta)
    if show_output and kind != "Local":
        print("Request submitted, please run wait_for_deployment(show_output=True) to get deployment status.")
    return service


def _delete(workspace, name):
    try:
        _cli.call(["service", "delete", name], workspace)
    except _cli.BenchtopCliError as err:
        if err.code != "NOT_FOUND":
            raise WebserviceException(str(err), logger=module_logger)


def _check_no_code(models):
    """azureml-core's no-code rules, and Benchtop's: its built-in scorers serve scikit-learn and MLflow models."""
    if len(models) != 1:
        raise UserErrorException("You must provide an InferenceConfig when deploying zero or multiple models.")
    if (getattr(models[0], "_data", None) or {}).get("mlflow"):
        # An MLflow model folder: Benchtop serves its python_function flavor (the CLI refuses other flavors, naming them).
        return
    framework = models[0].model_framework
    if framework not in NO_CODE_FRAMEWORKS:
        raise UserErrorException(
            "You must provide an InferenceConfig when deploying a model with model_framework set to {}. Default "
            "environments are only provided for these frameworks: {}.".format(framework, list(NO_CODE_FRAMEWORKS))
        )
    if framework != "ScikitLearn":
        raise UserErrorException(
            "Benchtop's no-code deployment serves ScikitLearn models; %s has model_framework %s. Give an "
            "InferenceConfig(entry_script='score.py', environment=env) whose score.py loads it."
            % (models[0].id, framework)
        )


def _meta_for(kind, deployment_config):
    meta = {"computeType": kind}
    if deployment_config is not None:
        meta["config"] = deployment_config._settings()
        for key in ("tags", "properties", "description"):
            if getattr(deployment_config, key, None) is not None:
                meta[key] = getattr(deployment_config, key)
        if getattr(deployment_config, "primary_key", None) or getattr(deployment_config, "secondary_key", None):
            import uuid

            meta["keys"] = [
                deployment_config.primary_key or uuid.uuid4().hex,
                deployment_config.secondary_key or uuid.uuid4().hex,
            ]
    return meta


def update(service, models, inference_config, deployment_config):
    """Other models or environment: `service update`; a new entry script, source folder or port: a new deploy."""
    record = service._record or show(service.workspace, service.name)
    if record is None:
        raise WebserviceException("Service %s does not exist any more." % service.name, logger=module_logger)
    port = getattr(deployment_config, "port", None)
    entry = source = None
    if inference_config is not None and inference_config.entry_script:
        entry, source = inference_config._entry_script_file(), inference_config.source_directory
    redeploy = (
        entry is not None
        and (_same(entry, record.get("entryScript")) is False or _same(source, record.get("sourceDirectory")) is False)
    ) or (port is not None and port != record.get("port"))
    if not redeploy:
        args = ["service", "update", service.name]
        for model in models or []:
            args += ["-m", _model_ref(service.workspace, model)[1]]
        environment = inference_config._environment_for_deploy(service.name) if inference_config is not None else None
        if environment is not None:
            args += ["-e", _environment_ref(service.workspace, environment)]
        service._deployment = Deployment(args, service.workspace, service.name, service._meta)
        return
    # What `service update` cannot change: deploy again under the name, with the same models and settings.
    refs = [_model_ref(service.workspace, m)[1] for m in models] if models else record["models"]
    args = ["service", "deploy", "-n", service.name]
    for ref in refs:
        args += ["-m", ref]
    entry = entry or record.get("entryScript")
    source = source if inference_config is not None and inference_config.entry_script else record.get("sourceDirectory")
    if entry:
        args += ["--entry-script", entry]
    if source:
        args += ["-d", source]
    environment = inference_config._environment_for_deploy(service.name) if inference_config is not None else None
    args += [
        "-e",
        _environment_ref(service.workspace, environment) if environment is not None else record["environment"],
    ]
    args += ["--port", str(port or record["port"]), "--workers", str(record.get("workers") or 1)]
    if record.get("target") == "docker":
        args += ["--target", "docker"]
    _delete(service.workspace, service.name)
    service._deployment = Deployment(args, service.workspace, service.name, service._meta)


def _same(path, other):
    if not path or not other:
        return path == other
    return os.path.realpath(path) == os.path.realpath(other)


class Deployment(object):
    """A `benchtop --json service deploy|update` running in the background: its live log (the CLI's stderr)
    kept as it comes, its JSON at the end. In a container (no CLI there, requests go through the host)
    it runs to the end at once."""

    def __init__(self, args, workspace, name, meta):
        self.args = list(args)
        self.name = name
        self.workspace = workspace
        self.meta = meta
        self._lines = []
        self._printed = 0
        self._lock = threading.Lock()
        self._stdout = b""
        self._done = threading.Event()
        # Its own session: a notebook's Ctrl-C stops the waiting, not the deployment (as on Azure).
        self._proc = _cli.popen(self.args, workspace, own_session=True)
        if self._proc is None:
            try:
                self._result = (_cli.call(self.args, workspace), None)
            except _cli.BenchtopCliError as err:
                self._result = (None, err)
            self._done.set()
        else:
            self._result = None
            threading.Thread(target=self._read, name="benchtop-deploy-%s" % name, daemon=True).start()

    def _read(self):
        try:
            for raw in iter(self._proc.stderr.readline, b""):
                with self._lock:
                    self._lines.append(raw.decode("utf-8", "replace"))
            self._stdout = self._proc.stdout.read()
        finally:
            self._proc.wait()
            try:
                self._result = (_cli.parse_reply(self.args, self._proc.returncode, self._stdout, b""), None)
            except _cli.BenchtopCliError as err:
                self._result = (None, err)
            self._done.set()

    def finished(self):
        return self._done.is_set()

    def wait(self, show_output, timeout_sec, service):
        """Until the CLI is done; its log printed as it comes with show_output."""
        started = time.time()
        while True:
            with self._lock:
                new = self._lines[self._printed :]
                self._printed = len(self._lines)
            if show_output and new:
                sys.stdout.write("".join(new))
                sys.stdout.flush()
            if self._done.is_set() and not new:
                with self._lock:
                    if self._printed == len(self._lines):
                        return
            if timeout_sec and time.time() - started >= timeout_sec:
                service._deployment = self
                raise WebserviceException(
                    "Deployment polling exceeded timeout override of {}s. Current status: {}\nDeployment may be "
                    "transitioning or unhealthy, use update_deployment_state() to fetch the latest status of the "
                    "webservice".format(timeout_sec, service.state),
                    logger=module_logger,
                )
            self._done.wait(0.05)

    def log(self):
        with self._lock:
            return "".join(self._lines)

    def finish(self, service):
        """The service as the deployment left it; the SDK's notes written beside it."""
        data, error = self._result
        record = data if data and data.get("name") else show(self.workspace, self.name)
        if record is None:
            # Nothing is left of it (a deploy refused before it began: a port in use, a bad model).
            service._benchtop_state = "failed"
            service.state = service._state_names.get("failed", "failed")
            service.error = _error_text(error) if error else "The deployment did not start."
            service._failure = failure(self.workspace, self.name, service.error, self.log())
            return
        meta = dict(read_meta(record))
        meta.update(self.meta)
        write_meta(record, meta)
        service._load(record, meta, self.workspace)
        if error is not None and service._benchtop_state == "deploying":
            service._benchtop_state = "failed"
            service.state = service._state_names.get("failed", "failed")
        if error is not None:
            service.error = _error_text(error)
            service._failure = failure(self.workspace, self.name, service.error, self.log())


def _error_text(err):
    hint = err.hint or ""
    # The CLI's hint points at its own output ("See the log above"): the log itself is named below.
    if hint.startswith("See the log above") or hint.startswith("The log says"):
        return str(err).split("\n  hint:")[0]
    return str(err)


# --- what a failed deployment says ------------------------------------------------------------------------------
_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z] \[\d+\] \S+ - ")
_START_FAILURES = (
    "User's init function failed",
    "Failed to import user script",
    "does not have a",
    "No score script found",
)


def init_traceback(log):
    """The last start-up failure in the log: init()'s (or the import's) traceback, as the server logged it."""
    lines = log.splitlines()
    for at in range(len(lines) - 1, -1, -1):
        head = _RECORD.match(lines[at])
        if head and any(marker in lines[at] for marker in _START_FAILURES):
            block = [lines[at][head.end() :]]
            for line in lines[at + 1 :]:
                if _RECORD.match(line) or line.startswith("Deploy failed:"):
                    break
                block.append(line)
            return "\n".join(block).rstrip()
    return None


def failure(workspace, name, error, log=None):
    """WebserviceException for a service that did not start: why, init()'s traceback, and where the log is."""
    record = show(workspace, name)
    log_file = (record or {}).get("logFile")
    text = None
    if log_file and os.path.isfile(log_file):
        try:
            with open(log_file, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            text = None
    if text is None:
        text = log or ""
    trace = init_traceback(text)
    parts = []
    if trace:
        parts.append("Error: Service %s failed to start. Did your init method fail? %s" % (name, error or ""))
        parts.append(trace)
    else:
        parts.append("Error: Service %s could not be deployed: %s" % (name, error or "see its log"))
        tail = "\n".join(text.rstrip().splitlines()[-20:])
        if tail:
            parts.append("The log ends:\n%s" % tail)
    if log_file:
        parts.append("The service's log: %s (service.get_logs(), or: benchtop service logs %s)" % (log_file, name))
    return WebserviceException("\n\n".join(p.strip() for p in parts), logger=module_logger)


__all__ = ["Deployment", "deploy", "failure", "init_traceback", "needs_the_cloud", "print_configuration", "update"]
