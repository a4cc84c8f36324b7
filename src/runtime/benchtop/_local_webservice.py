"""azureml.core.webservice.local: LocalWebservice, served by Benchtop's scoring server on 127.0.0.1.

As azureml-core's: LocalWebservice(ws, name, must_exist=True), the lower-case states (deploying,
running, failed, deleted, unknown; and Benchtop's `degraded`: it answers, but a worker is down or
restarting), the calls allowed per state, 'Local webservice is running at http://localhost:PORT'.
The source folder keeps its name in the service's app folder, which is the working directory, as in
Azure's container (/var/azureml-app/<folder>): './<folder>/extradata.json' opens from score.py.
"""

from ._webservice import Webservice, WebserviceDeploymentConfiguration, WebserviceException, module_logger

DEPLOYING, RUNNING, DEGRADED, FAILED, DELETED, UNKNOWN = (
    "deploying",
    "running",
    "degraded",
    "failed",
    "deleted",
    "unknown",
)


class LocalWebservice(Webservice):
    """A model served on this machine: Model.deploy(ws, name, models, inference_config, LocalWebservice.deploy_configuration())."""

    STATE_DELETED = DELETED
    STATE_DEPLOYING = DEPLOYING
    STATE_FAILED = FAILED
    STATE_RUNNING = RUNNING
    STATE_UNKNOWN = UNKNOWN
    STATE_DEGRADED = DEGRADED
    NETWORK_NAME = "azureml-local"

    _webservice_type = "Local"

    def __init__(self, workspace=None, name=None, must_exist=True):
        super(LocalWebservice, self).__init__(workspace, name)

    @staticmethod
    def deploy_configuration(port=None):
        """port: the port on 127.0.0.1 (None: a free one)."""
        return LocalWebserviceDeploymentConfiguration(port)

    @staticmethod
    def list(workspace, model_name=None, model_id=None, all=None):
        """The local services (running ones, unless all=True); ACI/AKS ones deployed here are Webservice.list's."""
        services = [
            s
            for s in Webservice.list(workspace, model_name=model_name, model_id=model_id)
            if isinstance(s, LocalWebservice)
        ]
        if not all:
            services = [s for s in services if s._benchtop_state in (RUNNING, DEGRADED)]
        return services

    def _deployed_message(self):
        base = (self.scoring_uri or "").rsplit("/score", 1)[0]
        print("Local webservice is {} at {}".format(self.state, base))

    def wait_for_deployment(self, show_output=False, timeout_sec=None):
        self._in_state("wait_for_deployment", (DEPLOYING, RUNNING, DEGRADED, FAILED))
        return super(LocalWebservice, self).wait_for_deployment(show_output, timeout_sec)

    def run(self, input_data):
        self._in_state("run", (DEPLOYING, RUNNING, DEGRADED))
        return super(LocalWebservice, self).run(input_data)

    def _scoring_failed(self, status, headers, body):
        # azureml-core says only the first line; the status and the answer say why.
        return WebserviceException(
            "Error: Scoring was unsuccessful.\nResponse Code: {}\nContent: {}".format(
                status, body.decode("utf-8", "replace")
            ),
            status,
            logger=module_logger,
        )

    def get_logs(self, num_lines=5000, raw=False):
        self._in_state("get_logs", (DEPLOYING, FAILED, RUNNING, DEGRADED))
        return super(LocalWebservice, self).get_logs(num_lines)

    def reload(self, wait=False):
        """Copies the entry script and source folder again and restarts the workers (no environment rebuild)."""
        from . import _cli

        self._in_state("reload", (DEPLOYING, FAILED, RUNNING, DEGRADED))
        try:
            result = _cli.call(["service", "reload", self.name], self.workspace)
        except _cli.BenchtopCliError as err:
            raise WebserviceException(str(err), logger=module_logger)
        self._load(result, self._meta, self.workspace)
        if not result.get("reloaded", True):
            raise WebserviceException(
                "Error: the reloaded entry script could not start; the service still serves the previous one.\n%s"
                % result.get("message", ""),
                logger=module_logger,
            )

    def update(self, models=None, image_config=None, deployment_config=None, wait=False, inference_config=None):
        """Other models, entry script, source folder, environment or port; None keeps what it has."""
        self._in_state("update", (DEPLOYING, FAILED, RUNNING, DEGRADED, UNKNOWN))
        if image_config is not None:
            raise WebserviceException(
                "Error, image configurations (azureml.core.image) are not supported here; give an InferenceConfig.",
                logger=module_logger,
            )
        if deployment_config is not None and not isinstance(deployment_config, LocalWebserviceDeploymentConfiguration):
            raise WebserviceException(
                "Error, provided deployment configuration must be of type LocalWebserviceDeploymentConfiguration in "
                "order to update a local service.",
                logger=module_logger,
            )
        self._update(models=models, inference_config=inference_config, deployment_config=deployment_config, wait=wait)

    def delete(self, delete_cache=True, delete_image=False, delete_volume=True):
        self._in_state("delete", (DEPLOYING, FAILED, RUNNING, DEGRADED))
        super(LocalWebservice, self).delete()

    def serialize(self):
        data = super(LocalWebservice, self).serialize()
        data.pop("description", None)
        return data

    @classmethod
    def deserialize(cls, workspace, webservice_payload):
        raise NotImplementedError("Local web services cannot be deserialized.")

    def get_keys(self):
        raise NotImplementedError("Local web services do not support auth keys.")

    def regen_key(self, key, set_key=None):
        raise NotImplementedError("Local web services do not support auth keys.")

    def get_token(self):
        raise NotImplementedError("Local web services do not support Token Authentication.")

    def deploy_to_cloud(self, name=None, deployment_config=None, deployment_target=None):
        from ._webservice import needs_the_cloud

        raise needs_the_cloud(
            "deploy_to_cloud (publishing to ACI or AKS)",
            "Here this service is already what ACI or AKS would serve; another one with the same models: "
            "Model.deploy(ws, 'new-name', models, inference_config, AciWebservice.deploy_configuration()) deploys "
            "it here too.",
        )


class LocalWebserviceDeploymentConfiguration(WebserviceDeploymentConfiguration):
    """LocalWebservice.deploy_configuration(port=None)."""

    _webservice_type = LocalWebservice

    def __init__(self, port=None):
        super(LocalWebserviceDeploymentConfiguration, self).__init__(LocalWebservice)
        self.port = port
        self.validate_configuration()

    def validate_configuration(self):
        if self.port and not (isinstance(self.port, int) and 1 <= self.port <= 65535):
            raise WebserviceException(
                "Invalid configuration, port must be an integer in range [1, 65535]", logger=module_logger
            )

    def print_deploy_configuration(self):
        pass
