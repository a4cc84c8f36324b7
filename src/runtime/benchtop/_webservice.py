"""Local deployment the Azure ML v1 way: InferenceConfig, LocalWebservice, Model.deploy, through the Benchtop CLI."""

import json
import os
import urllib.error
import urllib.request

from . import _cli


class WebserviceException(Exception):
    """azureml.exceptions.WebserviceException."""

    def __init__(self, message, status_code=None, body=None):
        super().__init__(
            message if status_code is None else "%s\nStatus: %s\nResponse: %s" % (message, status_code, body)
        )
        self.message = message
        self.status_code = status_code


class InferenceConfig:
    def __init__(
        self,
        entry_script=None,
        runtime=None,
        conda_file=None,
        extra_docker_file_steps=None,
        source_directory=None,
        enable_gpu=None,
        description=None,
        base_image=None,
        base_image_registry=None,
        cuda_version=None,
        environment=None,
    ):
        self.entry_script = entry_script
        self.source_directory = source_directory
        self.environment = environment
        self.conda_file = conda_file
        self.description = description


class LocalWebserviceDeploymentConfiguration:
    def __init__(self, port=None):
        if port is not None and (not isinstance(port, int) or not 1 <= port <= 65535):
            raise WebserviceException("Invalid configuration, port must be an integer in range [1, 65535]")
        self.port = port


class Webservice(_cli.JsonBacked):
    """A deployed local service (state, scoring_uri, run, get_logs, reload, update, delete)."""

    def __init__(self, workspace=None, name=None, must_exist=True):
        if not name:
            raise WebserviceException("A service name is required, e.g. LocalWebservice(ws, 'iris-svc').")
        try:
            self._load(_cli.call(["service", "show", name]))
        except _cli.BenchtopCliError as err:
            raise WebserviceException(str(err))
        self.workspace = workspace

    def _load(self, data):
        self.name = data["name"]
        self.state = data["state"]
        self.port = data["port"]
        self.scoring_uri = data["scoringUri"]
        self.swagger_uri = data["swaggerUri"]
        self.models = list(data.get("models") or [])
        self.error = data.get("error")
        self.compute_type = "Local"

    def __repr__(self):
        return "LocalWebservice(name=%r, state=%r, scoring_uri=%r)" % (self.name, self.state, self.scoring_uri)

    @staticmethod
    def deploy_configuration(port=None):
        return LocalWebserviceDeploymentConfiguration(port)

    @staticmethod
    def list(workspace=None, model_name=None, model_id=None, all=None, **kwargs):
        services = [LocalWebservice._from_json(s, workspace) for s in _cli.call(["service", "list"])]
        if model_name:
            services = [s for s in services if any(m.split(":")[0] == model_name for m in s.models)]
        if model_id:
            services = [s for s in services if model_id in s.models]
        return services if all else [s for s in services if s.state == "running"]

    def update_deployment_state(self):
        self._load(_cli.call(["service", "show", self.name]))

    def wait_for_deployment(self, show_output=False):
        self.update_deployment_state()
        if show_output:
            print("Local webservice is %s at %s" % (self.state, self.scoring_uri))
        if self.state != "running":
            raise WebserviceException(
                "Service %s is %s: %s\n%s" % (self.name, self.state, self.error, self.get_logs(num_lines=40))
            )

    def run(self, input_data):
        body = input_data if isinstance(input_data, (str, bytes)) else json.dumps(input_data)
        request = urllib.request.Request(
            self.scoring_uri,
            data=body.encode("utf-8") if isinstance(body, str) else body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            raise WebserviceException(
                "Error: Scoring was unsuccessful.", err.code, err.read().decode("utf-8", "replace")
            )

    def get_logs(self, num_lines=5000, raw=False):
        text = _cli.text(["service", "logs", self.name])
        return "\n".join(text.splitlines()[-num_lines:])

    def reload(self, wait=False):
        result = _cli.call(["service", "reload", self.name])
        self._load(result)

    def update(self, models=None, image_config=None, deployment_config=None, wait=False, inference_config=None):
        args = ["service", "update", self.name]
        for model in models or []:
            args += ["-m", _model_ref(model)]
        environment = getattr(inference_config, "environment", None)
        if environment is not None:
            args += ["-e", _environment_ref(environment)]
        self._load(_cli.call(args))

    def delete(self, delete_cache=True, delete_image=False, delete_volume=True):
        _cli.call(["service", "delete", self.name])
        self.state = "deleted"

    def serialize(self):
        return {
            "name": self.name,
            "state": self.state,
            "computeType": "Local",
            "scoringUri": self.scoring_uri,
            "swaggerUri": self.swagger_uri,
            "port": self.port,
            "error": self.error,
        }


class LocalWebservice(Webservice):
    pass


def _model_ref(model):
    return model if isinstance(model, str) else "%s:%s" % (model.name, model.version)


def _environment_ref(environment):
    if isinstance(environment, str):
        return environment
    if getattr(environment, "version", None) is None and hasattr(environment, "register"):
        environment.register(None)
    return "%s:%s" % (environment.name, environment.version) if environment.version else environment.name


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
    """Model.deploy: a LocalWebservice, returned once GET / answers 200."""
    if overwrite:
        try:
            _cli.call(["service", "delete", name])
        except _cli.BenchtopCliError:
            pass
    args = ["service", "deploy", "-n", name]
    for model in models:
        args += ["-m", _model_ref(model)]
    if inference_config is not None and inference_config.entry_script:
        source = inference_config.source_directory
        args += [
            "--entry-script",
            inference_config.entry_script if source else os.path.abspath(inference_config.entry_script),
        ]
        if source:
            args += ["-d", os.path.abspath(source)]
    if inference_config is not None and inference_config.environment is not None:
        args += ["-e", _environment_ref(inference_config.environment)]
        # As in Azure ML, where a LocalWebservice is a container: an environment with Docker enabled is served from one.
        if getattr(getattr(inference_config.environment, "docker", None), "enabled", False):
            args += ["--target", "docker"]
    port = getattr(deployment_config, "port", None)
    if port:
        args += ["--port", str(port)]
    try:
        service = LocalWebservice._from_json(_cli.call(args), workspace)
    except _cli.BenchtopCliError as err:
        raise WebserviceException(str(err))
    if show_output:
        print("Local webservice is running at %s" % service.scoring_uri)
    return service
