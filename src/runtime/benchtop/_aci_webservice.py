"""azureml.core.webservice.aci: AciWebservice, deployed here.

AciWebservice.deploy_configuration takes every argument azureml-core's does and checks them as it
does; Model.deploy with it serves the models on this machine (said once), and the service keeps
ACI's face: compute_type "ACI", Azure's states (Transitioning, Healthy, Unhealthy, Failed), keys
from get_keys() (the local server does not check them), tags and properties. CPU and memory,
SSL, VNet and customer-managed keys are kept and shown, not applied.
"""

import os

from ._webservice import Webservice, WebserviceDeploymentConfiguration, WebserviceException, module_logger

CLOUD_STATES = {
    "deploying": "Transitioning",
    "running": "Healthy",
    "degraded": "Unhealthy",
    "failed": "Failed",
    "deleted": "Deleted",
}


class ContainerResourceRequirements(object):
    """CPU cores and memory (GB) of an ACI container."""

    def __init__(self, cpu, memory_in_gb):
        self.cpu = cpu
        self.memory_in_gb = memory_in_gb

    def serialize(self):
        return {"cpu": self.cpu, "memoryInGB": self.memory_in_gb}

    @staticmethod
    def deserialize(payload_obj):
        if payload_obj is None:
            return None
        return ContainerResourceRequirements(payload_obj.get("cpu"), payload_obj.get("memoryInGB"))


class EncryptionProperties(object):
    def __init__(self, cmk_vault_base_url, cmk_key_name, cmk_key_version):
        self.cmk_vault_base_url = cmk_vault_base_url
        self.cmk_key_name = cmk_key_name
        self.cmk_key_version = cmk_key_version

    def serialize(self):
        return {
            "vaultBaseUrl": self.cmk_vault_base_url,
            "keyName": self.cmk_key_name,
            "keyVersion": self.cmk_key_version,
        }


class VnetConfiguration(object):
    def __init__(self, vnet_name, subnet_name):
        self.vnet_name = vnet_name
        self.subnet_name = subnet_name

    def serialize(self):
        return {"vnetName": self.vnet_name, "subnetName": self.subnet_name}


class AciWebservice(Webservice):
    """An Azure Container Instances service, served here."""

    _webservice_type = "ACI"
    _state_names = CLOUD_STATES

    def _load(self, record, meta, workspace):
        super(AciWebservice, self)._load(record, meta, workspace)
        config = meta.get("config") or {}
        self.auth_enabled = bool(config.get("auth_enabled"))
        self.ssl_enabled = bool(config.get("ssl_enabled"))
        self.enable_app_insights = bool(config.get("enable_app_insights"))
        self.cname = config.get("ssl_cname")
        self.ssl_certificate = config.get("ssl_cert_pem_file")
        self.ssl_key = config.get("ssl_key_pem_file")
        self.location = config.get("location") or "local"
        self.public_ip = "127.0.0.1"
        self.public_fqdn = "localhost"
        cpu, memory = config.get("cpu_cores"), config.get("memory_gb")
        self.container_resource_requirements = ContainerResourceRequirements(cpu or 0.1, memory or 0.5)
        self.encryption_properties = (
            EncryptionProperties(
                config["cmk_vault_base_url"], config.get("cmk_key_name"), config.get("cmk_key_version")
            )
            if config.get("cmk_vault_base_url")
            else None
        )
        self.vnet_configuration = (
            VnetConfiguration(config["vnet_name"], config.get("subnet_name")) if config.get("vnet_name") else None
        )

    def _absent(self, workspace, name):
        super(AciWebservice, self)._absent(workspace, name)
        self._load_defaults()

    def _load_defaults(self):
        self.auth_enabled = self.ssl_enabled = self.enable_app_insights = False
        self.cname = self.ssl_certificate = self.ssl_key = None
        self.location = "local"
        self.public_ip = self.public_fqdn = None
        self.container_resource_requirements = self.encryption_properties = self.vnet_configuration = None

    def __repr__(self):
        return super(AciWebservice, self).__repr__()

    @staticmethod
    def deploy_configuration(
        cpu_cores=None,
        memory_gb=None,
        tags=None,
        properties=None,
        description=None,
        location=None,
        auth_enabled=None,
        ssl_enabled=None,
        enable_app_insights=None,
        ssl_cert_pem_file=None,
        ssl_key_pem_file=None,
        ssl_cname=None,
        dns_name_label=None,
        primary_key=None,
        secondary_key=None,
        collect_model_data=None,
        cmk_vault_base_url=None,
        cmk_key_name=None,
        cmk_key_version=None,
        vnet_name=None,
        subnet_name=None,
    ):
        """azureml-core's arguments and checks; the service is deployed on this machine."""
        return AciServiceDeploymentConfiguration(
            cpu_cores=cpu_cores,
            memory_gb=memory_gb,
            tags=tags,
            properties=properties,
            description=description,
            location=location,
            auth_enabled=auth_enabled,
            ssl_enabled=ssl_enabled,
            enable_app_insights=enable_app_insights,
            ssl_cert_pem_file=ssl_cert_pem_file,
            ssl_key_pem_file=ssl_key_pem_file,
            ssl_cname=ssl_cname,
            dns_name_label=dns_name_label,
            primary_key=primary_key,
            secondary_key=secondary_key,
            collect_model_data=collect_model_data,
            cmk_vault_base_url=cmk_vault_base_url,
            cmk_key_name=cmk_key_name,
            cmk_key_version=cmk_key_version,
            vnet_name=vnet_name,
            subnet_name=subnet_name,
        )

    def update(
        self,
        image=None,
        tags=None,
        properties=None,
        description=None,
        auth_enabled=None,
        ssl_enabled=None,
        ssl_cert_pem_file=None,
        ssl_key_pem_file=None,
        ssl_cname=None,
        enable_app_insights=None,
        models=None,
        inference_config=None,
    ):
        """Other models or inference configuration (deployed again here); tags replaced, properties added."""
        settings = {
            "auth_enabled": auth_enabled,
            "ssl_enabled": ssl_enabled,
            "ssl_cert_pem_file": ssl_cert_pem_file,
            "ssl_key_pem_file": ssl_key_pem_file,
            "ssl_cname": ssl_cname,
            "enable_app_insights": enable_app_insights,
        }
        self._update_cloud_kind(image, settings, models, inference_config, tags, properties, description)

    def serialize(self):
        data = super(AciWebservice, self).serialize()
        data.update(
            {
                "containerResourceRequirements": self.container_resource_requirements.serialize()
                if self.container_resource_requirements
                else None,
                "location": self.location,
                "authEnabled": self.auth_enabled,
                "sslEnabled": self.ssl_enabled,
                "appInsightsEnabled": self.enable_app_insights,
                "sslCertificate": self.ssl_certificate,
                "sslKey": self.ssl_key,
                "cname": self.cname,
                "publicIp": self.public_ip,
                "publicFqdn": self.public_fqdn,
                "modelDetails": None,
                "environmentDetails": None,
                "encryptionProperties": self.encryption_properties.serialize() if self.encryption_properties else None,
                "vnetConfiguration": self.vnet_configuration.serialize() if self.vnet_configuration else None,
            }
        )
        return data

    def get_token(self):
        raise NotImplementedError("ACI webservices do not support Token Authentication.")


class AciServiceDeploymentConfiguration(WebserviceDeploymentConfiguration):
    """AciWebservice.deploy_configuration(...): the values and azureml-core's checks of them."""

    _webservice_type = AciWebservice

    def __init__(
        self,
        cpu_cores=None,
        memory_gb=None,
        tags=None,
        properties=None,
        description=None,
        location=None,
        auth_enabled=None,
        ssl_enabled=None,
        enable_app_insights=None,
        ssl_cert_pem_file=None,
        ssl_key_pem_file=None,
        ssl_cname=None,
        dns_name_label=None,
        primary_key=None,
        secondary_key=None,
        collect_model_data=None,
        cmk_vault_base_url=None,
        cmk_key_name=None,
        cmk_key_version=None,
        vnet_name=None,
        subnet_name=None,
    ):
        super(AciServiceDeploymentConfiguration, self).__init__(
            AciWebservice, description, tags, properties, primary_key, secondary_key, location
        )
        self.cpu_cores = cpu_cores
        self.memory_gb = memory_gb
        self.auth_enabled = auth_enabled
        self.ssl_enabled = ssl_enabled
        self.enable_app_insights = enable_app_insights
        self.ssl_cert_pem_file = ssl_cert_pem_file
        self.ssl_key_pem_file = ssl_key_pem_file
        self.ssl_cname = ssl_cname
        self.dns_name_label = dns_name_label
        self.collect_model_data = collect_model_data
        self.cmk_vault_base_url = cmk_vault_base_url
        self.cmk_key_name = cmk_key_name
        self.cmk_key_version = cmk_key_version
        self.vnet_name = vnet_name
        self.subnet_name = subnet_name
        self.validate_configuration()

    def validate_configuration(self):
        if self.cpu_cores is not None and self.cpu_cores <= 0:
            raise WebserviceException("Invalid configuration, cpu_cores must be positive.", logger=module_logger)
        if self.memory_gb is not None and self.memory_gb <= 0:
            raise WebserviceException("Invalid configuration, memory_gb must be positive.", logger=module_logger)
        if self.ssl_enabled:
            if not self.ssl_cert_pem_file or not self.ssl_key_pem_file or not self.ssl_cname:
                raise WebserviceException(
                    "SSL is enabled, you must provide a SSL certificate, key, and cname.", logger=module_logger
                )
            if not os.path.exists(self.ssl_cert_pem_file):
                raise WebserviceException(
                    "Error, unable to find SSL cert pem file provided paths:\n{}".format(self.ssl_cert_pem_file)
                )
            if not os.path.exists(self.ssl_key_pem_file):
                raise WebserviceException(
                    "Error, unable to find SSL key pem file provided paths:\n{}".format(self.ssl_key_pem_file)
                )
        keys = (self.cmk_vault_base_url, self.cmk_key_name, self.cmk_key_version)
        if any(keys) and not all(keys):
            raise WebserviceException(
                "customer managed key vault_base_url, key_name and key_version must all have values or all are "
                "empty/null",
                logger=module_logger,
            )
        if bool(self.vnet_name) != bool(self.subnet_name):
            raise WebserviceException(
                "vnet_name and subnet_name must all have values or both are empty/null", logger=module_logger
            )

    def print_deploy_configuration(self):
        shown = []
        if self.cpu_cores:
            shown.append("CPU requirement: {}".format(self.cpu_cores))
        if self.memory_gb:
            shown.append("Memory requirement: {}GB".format(self.memory_gb))
        if shown:
            print(", ".join(shown))
