"""azureml.core.webservice.aks: AksWebservice (and AksEndpoint), deployed here.

AksWebservice.deploy_configuration takes every argument azureml-core's does and checks them as it
does (the same messages); Model.deploy with it serves the models on this machine, said once. The
service keeps AKS's face: compute_type "AKS", Azure's states, key auth on by default (get_keys()
returns keys the local server does not check), get_access_token() for token auth, tags and
properties. scoring_timeout_ms is applied (the scoring server's timeout); replicas, autoscaling,
CPU/memory/GPU, probes and namespaces are kept and shown, not applied. AksEndpoint's versions and
traffic split need a cluster.
"""

import datetime
import re
import uuid

from ._aci_webservice import CLOUD_STATES
from ._webservice import (
    Webservice,
    WebserviceDeploymentConfiguration,
    WebserviceException,
    module_logger,
    needs_the_cloud,
)

NAMESPACE_REGEX = "^[a-z0-9]([a-z0-9-]{,61}[a-z0-9])?$"


class AksServiceAccessToken(object):
    """What get_access_token() returns: a token (not checked by the local server) and when to refresh it."""

    def __init__(self, access_token, refresh_after, expiry_on, token_type):
        self.access_token = access_token
        self.refresh_after = refresh_after
        self.expiry_on = expiry_on
        self.token_type = token_type


class AksWebservice(Webservice):
    """An Azure Kubernetes Service web service, served here."""

    _webservice_type = "AKS"
    _state_names = CLOUD_STATES

    def _load(self, record, meta, workspace):
        super(AksWebservice, self)._load(record, meta, workspace)
        config = meta.get("config") or {}
        self.auth_enabled = config.get("auth_enabled", not config.get("token_auth_enabled"))
        self.token_auth_enabled = bool(config.get("token_auth_enabled"))
        self.enable_app_insights = bool(config.get("enable_app_insights"))
        self.compute_name = config.get("compute_target_name")
        self.num_replicas = config.get("num_replicas")
        self.scoring_timeout_ms = config.get("scoring_timeout_ms") or 60000
        self.max_concurrent_requests_per_container = config.get("replica_max_concurrent_requests") or 1
        self.max_request_wait_time = config.get("max_request_wait_time") or 500
        self.namespace = config.get("namespace")
        self.deployment_status = None
        self.is_default = None
        self.traffic_percentile = None
        self.version_type = None

    def _absent(self, workspace, name):
        super(AksWebservice, self)._absent(workspace, name)
        self.auth_enabled = True
        self.token_auth_enabled = False
        self.compute_name = self.num_replicas = self.namespace = None

    @staticmethod
    def deploy_configuration(
        autoscale_enabled=None,
        autoscale_min_replicas=None,
        autoscale_max_replicas=None,
        autoscale_refresh_seconds=None,
        autoscale_target_utilization=None,
        collect_model_data=None,
        auth_enabled=None,
        cpu_cores=None,
        memory_gb=None,
        enable_app_insights=None,
        scoring_timeout_ms=None,
        replica_max_concurrent_requests=None,
        max_request_wait_time=None,
        num_replicas=None,
        primary_key=None,
        secondary_key=None,
        tags=None,
        properties=None,
        description=None,
        gpu_cores=None,
        period_seconds=None,
        initial_delay_seconds=None,
        timeout_seconds=None,
        success_threshold=None,
        failure_threshold=None,
        namespace=None,
        token_auth_enabled=None,
        compute_target_name=None,
        cpu_cores_limit=None,
        memory_gb_limit=None,
        blobfuse_enabled=None,
    ):
        """azureml-core's arguments and checks; the service is deployed on this machine."""
        return AksServiceDeploymentConfiguration(
            autoscale_enabled,
            autoscale_min_replicas,
            autoscale_max_replicas,
            autoscale_refresh_seconds,
            autoscale_target_utilization,
            collect_model_data,
            auth_enabled,
            cpu_cores,
            memory_gb,
            enable_app_insights,
            scoring_timeout_ms,
            replica_max_concurrent_requests,
            max_request_wait_time,
            num_replicas,
            primary_key,
            secondary_key,
            tags,
            properties,
            description,
            gpu_cores,
            period_seconds,
            initial_delay_seconds,
            timeout_seconds,
            success_threshold,
            failure_threshold,
            namespace,
            token_auth_enabled,
            compute_target_name,
            cpu_cores_limit,
            memory_gb_limit,
            blobfuse_enabled,
        )

    def update(
        self, image=None, tags=None, properties=None, description=None, models=None, inference_config=None, **settings
    ):
        """Other models or inference configuration (deployed again here); the AKS settings are kept."""
        self._update_cloud_kind(image, settings, models, inference_config, tags, properties, description)

    def get_access_token(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        return AksServiceAccessToken(
            uuid.uuid4().hex, now + datetime.timedelta(hours=12), now + datetime.timedelta(hours=24), "Bearer"
        )

    def get_token(self):
        token = self.get_access_token()
        return token.access_token, token.refresh_after

    def serialize(self):
        data = super(AksWebservice, self).serialize()
        data.update(
            {
                "computeName": self.compute_name,
                "numReplicas": self.num_replicas,
                "scoringTimeoutMs": self.scoring_timeout_ms,
                "authEnabled": self.auth_enabled,
                "aadAuthEnabled": self.token_auth_enabled,
                "appInsightsEnabled": self.enable_app_insights,
                "namespace": self.namespace,
            }
        )
        return data


class AksEndpoint(AksWebservice):
    """Several versions behind one endpoint with a traffic split: that needs an AKS cluster."""

    _webservice_type = "AKSENDPOINT"

    @staticmethod
    def deploy_configuration(*args, **kwargs):
        raise _endpoint_needs_the_cloud()

    def create_version(self, version_name, *args, **kwargs):
        raise _endpoint_needs_the_cloud()

    def update_version(self, version_name, *args, **kwargs):
        raise _endpoint_needs_the_cloud()

    def delete_version(self, version_name):
        raise _endpoint_needs_the_cloud()


def _endpoint_needs_the_cloud():
    return needs_the_cloud(
        "AksEndpoint (versions behind one endpoint, with a traffic split)",
        "Deploy each version as its own service: Model.deploy(ws, 'name-v2', models, inference_config, "
        "AksWebservice.deploy_configuration()), and send requests to the one you want.",
    )


class AksServiceDeploymentConfiguration(WebserviceDeploymentConfiguration):
    """AksWebservice.deploy_configuration(...): the values and azureml-core's checks of them."""

    _webservice_type = AksWebservice

    def __init__(
        self,
        autoscale_enabled,
        autoscale_min_replicas,
        autoscale_max_replicas,
        autoscale_refresh_seconds,
        autoscale_target_utilization,
        collect_model_data,
        auth_enabled,
        cpu_cores,
        memory_gb,
        enable_app_insights,
        scoring_timeout_ms,
        replica_max_concurrent_requests,
        max_request_wait_time,
        num_replicas,
        primary_key,
        secondary_key,
        tags,
        properties,
        description,
        gpu_cores,
        period_seconds,
        initial_delay_seconds,
        timeout_seconds,
        success_threshold,
        failure_threshold,
        namespace,
        token_auth_enabled,
        compute_target_name,
        cpu_cores_limit,
        memory_gb_limit,
        blobfuse_enabled=None,
    ):
        super(AksServiceDeploymentConfiguration, self).__init__(
            AksWebservice, description, tags, properties, primary_key, secondary_key
        )
        self.autoscale_enabled = autoscale_enabled
        self.autoscale_min_replicas = autoscale_min_replicas
        self.autoscale_max_replicas = autoscale_max_replicas
        self.autoscale_refresh_seconds = autoscale_refresh_seconds
        self.autoscale_target_utilization = autoscale_target_utilization
        self.collect_model_data = collect_model_data
        self.auth_enabled = auth_enabled
        self.cpu_cores = cpu_cores
        self.cpu_cores_limit = cpu_cores_limit
        self.memory_gb = memory_gb
        self.memory_gb_limit = memory_gb_limit
        self.gpu_cores = gpu_cores
        self.enable_app_insights = enable_app_insights
        self.scoring_timeout_ms = scoring_timeout_ms
        self.replica_max_concurrent_requests = replica_max_concurrent_requests
        self.max_request_wait_time = max_request_wait_time
        self.num_replicas = num_replicas
        self.period_seconds = period_seconds
        self.initial_delay_seconds = initial_delay_seconds
        self.timeout_seconds = timeout_seconds
        self.success_threshold = success_threshold
        self.failure_threshold = failure_threshold
        self.namespace = namespace
        self.token_auth_enabled = token_auth_enabled
        self.blobfuse_enabled = blobfuse_enabled
        self.compute_target_name = compute_target_name
        self.validate_configuration()

    def validate_configuration(self):
        """azureml-core's checks, every failing one listed in one error as it does."""
        error = ""
        if self.cpu_cores is not None and self.cpu_cores <= 0:
            error += "Invalid configuration, cpu_cores must be greater than zero.\n"
        if self.cpu_cores is not None and self.cpu_cores_limit is not None and self.cpu_cores_limit < self.cpu_cores:
            error += "Invalid configuration, cpu_cores_limit must be greater than or equal to cpu_cores.\n"
        if self.memory_gb is not None and self.memory_gb <= 0:
            error += "Invalid configuration, memory_gb must be greater than zero.\n"
        if self.memory_gb is not None and self.memory_gb_limit is not None and self.memory_gb_limit < self.memory_gb:
            error += "Invalid configuration, memory_gb_limit must be greater than or equal to memory_gb.\n"
        if self.gpu_cores is not None and self.gpu_cores < 0:
            error += "Invalid configuration, gpu_cores must be greater than or equal to zero.\n"
        for name in (
            "period_seconds",
            "initial_delay_seconds",
            "timeout_seconds",
            "success_threshold",
            "failure_threshold",
        ):
            value = getattr(self, name)
            if value is not None and value <= 0:
                error += "Invalid configuration, %s must be greater than zero.\n" % name
        if self.namespace and not re.match(NAMESPACE_REGEX, self.namespace):
            error += (
                "Invalid configuration, namespace must be a valid Kubernetes namespace. Regex for validation is "
                + NAMESPACE_REGEX
                + "\n"
            )
        for name in ("scoring_timeout_ms", "replica_max_concurrent_requests", "max_request_wait_time", "num_replicas"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                error += "Invalid configuration, %s must be greater than zero.\n" % name
        if self.autoscale_enabled:
            if self.num_replicas:
                error += "Invalid configuration, autoscale enabled and num_replicas provided.\n"
            for name in ("autoscale_min_replicas", "autoscale_max_replicas"):
                value = getattr(self, name)
                if value is not None and value <= 0:
                    error += "Invalid configuration, %s must be greater than zero.\n" % name
            if (
                self.autoscale_min_replicas
                and self.autoscale_max_replicas
                and self.autoscale_min_replicas > self.autoscale_max_replicas
            ):
                error += (
                    "Invalid configuration, autoscale_min_replicas cannot be greater than autoscale_max_replicas.\n"
                )
            for name in ("autoscale_refresh_seconds", "autoscale_target_utilization"):
                value = getattr(self, name)
                if value is not None and value <= 0:
                    error += "Invalid configuration, %s must be greater than zero.\n" % name
        else:
            if self.autoscale_enabled is False and not self.num_replicas:
                error += "Invalid configuration, autoscale disabled but num_replicas not provided.\n"
            for name in (
                "autoscale_min_replicas",
                "autoscale_max_replicas",
                "autoscale_refresh_seconds",
                "autoscale_target_utilization",
            ):
                if getattr(self, name):
                    error += "Invalid configuration, %s provided without enabling autoscaling.\n" % name
        if self.token_auth_enabled and self.auth_enabled:
            error += "Invalid configuration, auth_enabled and token_auth_enabled cannot both be true.\n"
        if error:
            raise WebserviceException(error, logger=module_logger)

    def print_deploy_configuration(self):
        shown = []
        if self.cpu_cores:
            shown.append("CPU requirement: {}".format(self.cpu_cores))
        if self.gpu_cores:
            shown.append("GPU requirement: {}".format(self.gpu_cores))
        if self.memory_gb:
            shown.append("Memory requirement: {}GB".format(self.memory_gb))
        if self.num_replicas:
            shown.append("Number of replica: {}".format(self.num_replicas))
        if shown:
            print(", ".join(shown))
