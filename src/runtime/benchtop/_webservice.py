"""azureml.core.webservice.Webservice: a deployed model, served on this machine by Benchtop's scoring server.

Every service here is a local one (`benchtop service ...`), whatever the deployment configuration
named: LocalWebservice, or AciWebservice / AksWebservice, which keep their class, compute type,
cloud state names (Healthy, Transitioning, ...), tags, properties and keys so cloud notebooks run
unchanged. What the CLI does not keep (the Azure kind asked for, tags, properties, description,
keys) is in azureml.json in the service's folder, which goes with the service.

This module has what all kinds share; each kind is in its own module (_local_webservice,
_aci_webservice, _aks_webservice), the deployment itself in _deploy.
"""

import json
import logging
import os
import sys
import time

from . import _cli
from ._exceptions import UserErrorException
from ._inference_config import InferenceConfig
from ._webservice_exception import WebserviceException

module_logger = logging.getLogger(__name__)
# As azureml-core's loggers: an error is raised, not also printed (Python's last-resort handler would).
module_logger.addHandler(logging.NullHandler())

SERVICE_NAME_PATTERN = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"
_META_FILE = "azureml.json"
ALL_WEBSERVICE_TYPES = ("ACI", "AKSENDPOINT", "AKS", "IOT", "MIR", "LOCAL")


def webservice_name_validation(name):
    import re

    if not isinstance(name, str) or not re.match(SERVICE_NAME_PATTERN, name) or not 3 <= len(name) <= 32:
        raise WebserviceException(
            "Error, provided service name is invalid. It must only consist of lowercase letters, numbers, or "
            "dashes, start with a letter, end with a letter or number, and be between 3 and 32 characters long."
        )


def needs_the_cloud(what, local_way):
    """The error for what only Azure has, naming what to do here instead."""
    return WebserviceException(
        "%s needs Azure; Benchtop serves every web service on this machine. %s" % (what, local_way),
        logger=module_logger,
    )


# --- the CLI's records, and the SDK's notes beside them ------------------------------------------------
def show(workspace, name):
    """The CLI's record of the service, or None when there is none."""
    try:
        return _cli.call(["service", "show", name], workspace)
    except _cli.BenchtopCliError as err:
        if err.code == "NOT_FOUND":
            return None
        raise WebserviceException(str(err), logger=module_logger)


def records(workspace):
    try:
        return _cli.call(["service", "list"], workspace)
    except _cli.BenchtopCliError as err:
        raise WebserviceException(str(err), logger=module_logger)


def read_meta(record):
    try:
        with open(os.path.join(record["directory"], _META_FILE)) as f:
            meta = json.load(f)
        return meta if isinstance(meta, dict) else {}
    except (KeyError, TypeError, OSError, ValueError):
        return {}


def write_meta(record, meta):
    folder = (record or {}).get("directory")
    if not folder or not os.path.isdir(folder):
        return
    target = os.path.join(folder, _META_FILE)
    temporary = "%s.%d.tmp" % (target, os.getpid())
    with open(temporary, "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True, default=str)
    os.replace(temporary, target)


def not_found(workspace, name):
    names = sorted(r["name"] for r in records(workspace))
    return WebserviceException(
        "WebserviceNotFound: Webservice with name %s not found in provided workspace. Services here: %s."
        % (name, ", ".join(names) or "none (deploy one with Model.deploy)"),
        logger=module_logger,
    )


def _class_for(compute_type):
    """The Webservice subclass for an Azure compute type (Local when the SDK noted none)."""
    from . import _aci_webservice, _aks_webservice, _local_webservice

    kinds = {
        "ACI": _aci_webservice.AciWebservice,
        "AKS": _aks_webservice.AksWebservice,
        "AKSENDPOINT": _aks_webservice.AksEndpoint,
        "Local": _local_webservice.LocalWebservice,
    }
    return kinds.get(compute_type or "Local", _local_webservice.LocalWebservice)


class Webservice(object):
    """A deployed service: Webservice(ws, name) returns it as the kind it was deployed as."""

    _webservice_type = None
    # Benchtop's states, as this kind names them (LocalWebservice: the same words).
    _state_names = {}

    def __new__(cls, workspace=None, name=None, *args, **kwargs):
        if workspace is None or not name:
            return super(Webservice, cls).__new__(cls)
        record = show(workspace, name)
        must_exist = kwargs.get("must_exist", args[0] if args else True)
        if record is None:
            if must_exist or cls._webservice_type is None:
                raise not_found(workspace, name)
            service = super(Webservice, cls).__new__(cls)
            service._absent(workspace, name)
            return service
        meta = read_meta(record)
        kind = _class_for(meta.get("computeType"))
        # LocalWebservice(ws, name) is always local, as in azureml-core; the others follow the record.
        service = super(Webservice, cls).__new__(cls if cls._webservice_type == "Local" else kind)
        service._load(record, meta, workspace)
        return service

    def __init__(self, workspace=None, name=None, *args, **kwargs):
        # Everything happened in __new__ (which may return another kind, as azureml-core's does).
        if not hasattr(self, "name"):
            self._absent(workspace, name)

    # --- what it is -----------------------------------------------------------------------------
    def _absent(self, workspace, name):
        self.workspace = workspace
        self.name = name
        self.compute_type = self._webservice_type
        self._record = None
        self._meta = {}
        self._deployment = None
        self._benchtop_state = None
        self.state = "unknown" if self._webservice_type == "Local" else None
        self.error = None
        self.tags = None
        self.properties = None
        self.description = None
        self.image_id = None
        self.image_digest = None
        self.created_by = None
        self.created_time = self.updated_time = None

    def _load(self, record, meta, workspace):
        self.workspace = workspace
        self._record = record
        self._meta = meta
        self._deployment = getattr(self, "_deployment", None)
        self.name = record["name"]
        self.compute_type = self._webservice_type
        self._benchtop_state = record["state"]
        self.state = self._state_names.get(record["state"], record["state"])
        self.error = record.get("error")
        self.tags = dict(meta.get("tags") or {})
        self.properties = dict(meta.get("properties") or {})
        self.description = meta.get("description")
        self.image_id = None
        self.image_digest = None
        self.created_by = None
        self.created_time = _cli.timestamp(record.get("createdAt"))
        self.updated_time = _cli.timestamp(record.get("updatedAt"))

    # Read after a deployment started here has ended, so a notebook that looks at them sees the outcome.
    @property
    def state(self):
        self._settle()
        return self._state

    @state.setter
    def state(self, value):
        self._state = value

    @property
    def scoring_uri(self):
        self._settle()
        return (self._record or {}).get("scoringUri")

    @property
    def swagger_uri(self):
        self._settle()
        return (self._record or {}).get("swaggerUri")

    @property
    def port(self):
        self._settle()
        return (self._record or {}).get("port")

    @property
    def _model_ids(self):
        return list((self._record or {}).get("models") or [])

    @property
    def models(self):
        """The Model of each version it serves (as ACI and AKS services have them)."""
        from ._model import Model

        self._settle()
        return [Model(self.workspace, id=ref) for ref in self._model_ids]

    @property
    def environment(self):
        """Benchtop: the environment it runs in, "name:version"."""
        return (self._record or {}).get("environment")

    def __repr__(self):
        return (
            "{}(workspace={}, name={}, image_id={}, image_digest={}, compute_type={}, state={}, scoring_uri={}, "
            "tags={}, properties={}, created_by={})".format(
                self.__class__.__name__,
                self.workspace.__repr__() if self.workspace is not None else None,
                self.name,
                self.image_id,
                self.image_digest,
                self.compute_type,
                self.state,
                self.scoring_uri,
                self.tags,
                self.properties,
                self.created_by,
            )
        )

    def _note(self, **changes):
        """Keeps SDK-side facts (tags, properties, keys) in the service's azureml.json."""
        self._meta.update(changes)
        write_meta(self._record, self._meta)

    # --- state --------------------------------------------------------------------------------------
    def _settle(self):
        """When a deployment started here has ended, the service as it is now."""
        deployment = getattr(self, "_deployment", None)
        if deployment is not None and deployment.finished():
            self._deployment = None
            deployment.finish(self)

    def update_deployment_state(self):
        """Reads the service's state again (live: its server's status and a GET /)."""
        self._settle()
        if self._deployment is not None:
            return
        record = show(self.workspace, self.name)
        if record is None:
            self._benchtop_state = "deleted"
            self.state = self._state_names.get("deleted", "deleted")
            return
        self._load(record, read_meta(record), self.workspace)

    def _in_state(self, method, states):
        """azureml-core's LocalWebservice guard: some calls only make sense in some states."""
        self._settle()
        if self._benchtop_state not in states and self._deployment is None:
            raise WebserviceException(
                "Cannot call {}() when service is {}.".format(method, self.state), logger=module_logger
            )

    def wait_for_deployment(self, show_output=False, timeout_sec=None):
        """Until the deployment is over: the service's log as it goes (show_output), an error if it failed.

        A `degraded` service answers (some workers are restarting): that is said, not raised."""
        from ._deploy import failure

        if timeout_sec:
            timeout_sec = float(timeout_sec)
        if self._deployment is not None:
            deployment, self._deployment = self._deployment, None
            deployment.wait(show_output, timeout_sec, self)
            deployment.finish(self)
        else:
            self._poll_until_deployed(show_output, timeout_sec)
        if self._benchtop_state in ("failed", "deleted") or self._benchtop_state is None:
            raise getattr(self, "_failure", None) or failure(
                self.workspace, self.name, self.error or "The service is %s." % self.state
            )
        if self._benchtop_state == "degraded":
            print("Benchtop: %s answers, but not with every worker: %s" % (self.name, self.error))
        self._deployed_message()

    def _poll_until_deployed(self, show_output, timeout_sec):
        started = time.time()
        self.update_deployment_state()
        if show_output and self._benchtop_state == "deploying":
            sys.stdout.write(self.state)
        while self._benchtop_state == "deploying":
            if timeout_sec and time.time() - started >= timeout_sec:
                raise WebserviceException(
                    "Deployment polling exceeded timeout override of {}s. Current status: {}\nDeployment may be "
                    "transitioning or unhealthy, use update_deployment_state() to fetch the latest status of the "
                    "webservice".format(timeout_sec, self.state),
                    logger=module_logger,
                )
            time.sleep(0.5)
            self.update_deployment_state()
            if show_output:
                sys.stdout.write(".")
                sys.stdout.flush()
        if show_output:
            sys.stdout.write("\n%s\n" % self.state)

    def _deployed_message(self):
        print('{} service creation operation finished, operation "Succeeded"'.format(self._webservice_type))

    # --- using it ----------------------------------------------------------------------------------
    def run(self, input_data):
        """POSTs input_data (a JSON string, sent as is; other values as JSON) to the scoring URI."""
        self._settle()
        if self._deployment is not None or self._benchtop_state == "deploying":
            self.wait_for_deployment()
        if not self.scoring_uri or self._benchtop_state not in ("running", "degraded"):
            raise WebserviceException(
                "Error attempting to call webservice, scoring_uri unavailable. This could be due to a failed "
                "deployment, or the service is not ready yet.\nCurrent State: {}\nErrors: {}".format(
                    self.state, self.error
                ),
                logger=module_logger,
            )
        status, headers, body = _post(self.scoring_uri, input_data)
        if status == 200:
            try:
                return json.loads(body.decode("utf-8"))
            except ValueError:
                return body.decode("utf-8", "replace")
        raise self._scoring_failed(status, headers, body)

    def _scoring_failed(self, status, headers, body):
        return WebserviceException(
            "Received bad response from service. More information can be found by calling `.get_logs()` on the "
            "webservice object.\nResponse Code: {}\nHeaders: {}\nContent: {}".format(status, headers, body),
            status,
            logger=module_logger,
        )

    def get_logs(self, num_lines=5000, init=False):
        """The service's log (start-up, init() output, one line per request, tracebacks), its last num_lines."""
        self._settle()
        text = _cli.text(["service", "logs", self.name], self.workspace)
        lines = text.splitlines()
        return "\n".join(lines[-num_lines:] if num_lines else lines)

    def delete(self):
        """Stops the service and removes it; its port is free again."""
        self._settle()
        if self._deployment is not None:
            self.wait_for_deployment_quietly()
        try:
            _cli.call(["service", "delete", self.name], self.workspace)
        except _cli.BenchtopCliError as err:
            if err.code != "NOT_FOUND":
                raise WebserviceException(str(err), logger=module_logger)
        self._benchtop_state = "deleted"
        self.state = self._state_names.get("deleted", "deleted")

    def wait_for_deployment_quietly(self):
        deployment, self._deployment = self._deployment, None
        if deployment is not None:
            deployment.wait(False, None, self)
            deployment.finish(self)

    def serialize(self):
        created = self.created_time.isoformat() if self.created_time else None
        updated = self.updated_time.isoformat() if self.updated_time else None
        return {
            "name": self.name,
            "description": self.description,
            "tags": self.tags,
            "properties": self.properties,
            "state": self.state,
            "createdTime": created,
            "updatedTime": updated,
            "error": self.error,
            "computeType": self.compute_type,
            "workspaceName": getattr(self.workspace, "name", None),
            "imageId": self.image_id,
            "scoringUri": self.scoring_uri,
            "swaggerUri": self.swagger_uri,
            "port": self.port,
        }

    @classmethod
    def deserialize(cls, workspace, webservice_payload):
        """The service a payload (from serialize()) names, read again from this machine."""
        return Webservice(workspace, webservice_payload["name"])

    # --- keys and tokens: the local server checks none -------------------------------------------------
    def get_keys(self):
        """Keys as Azure hands them out; the local server does not check them, so code that sends them runs."""
        keys = self._meta.get("keys")
        if not keys:
            import uuid

            keys = [uuid.uuid4().hex, uuid.uuid4().hex]
            self._note(keys=keys)
        return keys[0], keys[1]

    def regen_key(self, key, set_key=None):
        if not key:
            raise WebserviceException(
                "Error, must specify which key with be regenerated: Primary, Secondary", logger=module_logger
            )
        key = key.capitalize()
        if key not in ("Primary", "Secondary"):
            raise WebserviceException(
                "Error, invalid value provided for key: {}.\nValid options are: Primary, Secondary".format(key),
                logger=module_logger,
            )
        import uuid

        keys = list(self.get_keys())
        keys[0 if key == "Primary" else 1] = set_key or uuid.uuid4().hex
        self._note(keys=keys)

    def get_token(self):
        raise NotImplementedError("%s webservices do not support Token Authentication." % self._webservice_type)

    # --- tags and properties (kept with the service) --------------------------------------------------
    def add_tags(self, tags):
        self.tags = dict(self.tags or {})
        self.tags.update(tags or {})
        self._note(tags=self.tags)
        print("Webservice tag add operation complete.")

    def remove_tags(self, tags):
        self.tags = dict(self.tags or {})
        for key in [tags] if isinstance(tags, str) else tags or []:
            if key in self.tags:
                del self.tags[key]
            else:
                print("Tag with key {} not found.".format(key))
        self._note(tags=self.tags)
        print("Webservice tag remove operation complete.")

    def add_properties(self, properties):
        self.properties = dict(self.properties or {})
        duplicates = [k for k in properties or {} if k in self.properties]
        if duplicates:
            raise WebserviceException(
                "Error, properties are immutable, the following keys cannot be added/modified: {}".format(
                    ",".join(duplicates)
                ),
                logger=module_logger,
            )
        self.properties.update(properties or {})
        self._note(properties=self.properties)
        print("Webservice add properties operation complete.")

    # --- changing it ----------------------------------------------------------------------------------
    def _update(
        self,
        models=None,
        inference_config=None,
        deployment_config=None,
        tags=None,
        properties=None,
        description=None,
        wait=True,
    ):
        """What every kind's update() does here: models / environment in place, a new entry script, source
        folder or port by deploying again under the same name (Azure rebuilds the container either way)."""
        from . import _deploy

        self._settle()
        if inference_config is not None and not isinstance(inference_config, InferenceConfig):
            raise WebserviceException(
                "Error, provided inference configuration must be of type InferenceConfig in order to update a "
                "local service.",
                logger=module_logger,
            )
        if tags is not None:
            self.tags = dict(tags)
            self._note(tags=self.tags)
        if properties is not None:
            self.add_properties(properties)
        if description is not None:
            self.description = description
            self._note(description=description)
        if models is None and inference_config is None and deployment_config is None:
            return
        _deploy.update(self, models, inference_config, deployment_config)
        if wait:
            self.wait_for_deployment()

    def _update_cloud_kind(self, image, settings, models, inference_config, tags, properties, description):
        """AciWebservice's and AksWebservice's update(): no image-based updates (they need Azure's registry);
        the kind's own settings that are given (not None) are kept in the service's record, where its
        attributes are read from, then models or inference configuration are deployed again."""
        if image is not None:
            raise WebserviceException(
                "Error, Image-based updates need Azure's image registry; give models= and inference_config=.",
                logger=module_logger,
            )
        given = {k: v for k, v in settings.items() if v is not None}
        if given:
            config = dict(self._meta.get("config") or {})
            config.update(given)
            self._note(config=config)
            self._load(self._record, self._meta, self.workspace)
        self._update(
            models=models, inference_config=inference_config, tags=tags, properties=properties, description=description
        )

    # --- Azure's image-based deployment (removed from Azure ML) -----------------------------------------
    @staticmethod
    def deploy(
        workspace, name, model_paths, image_config, deployment_config=None, deployment_target=None, overwrite=False
    ):
        raise needs_the_cloud(
            "Webservice.deploy (a container image built in the workspace)",
            "Register the files and deploy them: Model.deploy(ws, name, [Model.register(ws, path, model_name)], "
            "InferenceConfig(entry_script='score.py', environment=env), LocalWebservice.deploy_configuration()).",
        )

    @staticmethod
    def deploy_from_model(
        workspace, name, models, image_config, deployment_config=None, deployment_target=None, overwrite=False
    ):
        raise needs_the_cloud(
            "Webservice.deploy_from_model (a container image built in the workspace)",
            "Model.deploy(ws, name, models, InferenceConfig(entry_script='score.py', environment=env), "
            "LocalWebservice.deploy_configuration()) serves them here.",
        )

    @staticmethod
    def deploy_from_image(workspace, name, image, deployment_config=None, deployment_target=None, overwrite=False):
        raise needs_the_cloud(
            "Webservice.deploy_from_image (an Image in the workspace's registry)",
            "Model.deploy(ws, name, models, InferenceConfig(entry_script='score.py', environment=env)) serves the "
            "models here; an environment with docker.enabled = True runs in a container.",
        )

    @staticmethod
    def deploy_local_from_model(workspace, name, models, image_config, deployment_config=None, wait=False):
        raise needs_the_cloud(
            "Webservice.deploy_local_from_model (an image configuration)",
            "Model.deploy(ws, name, models, InferenceConfig(entry_script='score.py', environment=env), "
            "LocalWebservice.deploy_configuration()).",
        )

    @staticmethod
    def check_for_existing_webservice(workspace, name, overwrite=False, request_func=None, check_func=None):
        if overwrite:
            return
        if show(workspace, name) is not None:
            raise WebserviceException(
                "Error, there is already a service with name {} found in workspace {}. Deploy with overwrite=True "
                "to replace it, or choose another name.".format(name, getattr(workspace, "name", None)),
                logger=module_logger,
            )

    # --- listing ---------------------------------------------------------------------------------------
    @staticmethod
    def list(
        workspace,
        compute_type=None,
        image_name=None,
        image_id=None,
        model_name=None,
        model_id=None,
        tags=None,
        properties=None,
        image_digest=None,
    ):
        """Every service of the workspace, each as the kind it was deployed as; filters as azureml-core's."""
        if compute_type and compute_type.upper() not in ALL_WEBSERVICE_TYPES:
            raise WebserviceException(
                'Invalid compute type "{}". Valid options are "{}"'.format(
                    compute_type, ",".join(ALL_WEBSERVICE_TYPES)
                ),
                logger=module_logger,
            )
        services = []
        for record in records(workspace):
            meta = read_meta(record)
            kind = _class_for(meta.get("computeType"))
            service = super(Webservice, kind).__new__(kind)
            service._load(record, meta, workspace)
            services.append(service)
        return [s for s in services if _matches(s, compute_type, model_name, model_id, tags, properties)]


class UnknownWebservice(Webservice):
    """azureml-core's class for a service of a type it does not know (none are made here)."""

    _webservice_type = "Unknown"


def _matches(service, compute_type, model_name, model_id, tags, properties):
    if compute_type and (service.compute_type or "").upper() != compute_type.upper():
        return False
    if model_name and not any(m.rsplit(":", 1)[0] == model_name for m in service._model_ids):
        return False
    if model_id and model_id not in service._model_ids:
        return False
    for wanted, have in ((tags, service.tags or {}), (properties, service.properties or {})):
        for item in wanted or []:
            if isinstance(item, (list, tuple)):
                if have.get(item[0]) != item[1]:
                    return False
            elif item not in have:
                return False
    return True


def _post(url, input_data):
    """(status, headers, body) of POST url with input_data, as azureml-core's requests call sends it."""
    import http.client
    import urllib.error
    import urllib.request

    if isinstance(input_data, bytes):
        body = input_data
    elif isinstance(input_data, str):
        body = input_data.encode("utf-8")
    else:
        body = json.dumps(input_data).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers or {}), err.read()
    except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
        # A worker that died while scoring closes the connection without an answer (RemoteDisconnected).
        raise WebserviceException(
            "Error: Connection with the service for scoring has failed: %s. See service.get_logs()."
            % (getattr(err, "reason", None) or err),
            logger=module_logger,
        )


class WebserviceDeploymentConfiguration(object):
    """The base of every deployment configuration: description, tags, properties, keys, location."""

    _webservice_type = None

    def __init__(
        self, type, description=None, tags=None, properties=None, primary_key=None, secondary_key=None, location=None
    ):
        self._webservice_type = type
        self.description = description
        self.tags = tags
        self.properties = properties
        self.primary_key = primary_key
        self.secondary_key = secondary_key
        self.location = location

    def validate_configuration(self):
        pass

    def print_deploy_configuration(self):
        pass

    @classmethod
    def validate_image(cls, image):
        raise needs_the_cloud("Deploying an Image", "Deploy models with Model.deploy and an InferenceConfig.")

    def _settings(self):
        """The configuration's values, as kept with the service (azureml.json)."""
        return {k: v for k, v in sorted(self.__dict__.items()) if not k.startswith("_") and v is not None}


__all__ = [
    "InferenceConfig",
    "UnknownWebservice",
    "UserErrorException",
    "Webservice",
    "WebserviceDeploymentConfiguration",
    "WebserviceException",
]
