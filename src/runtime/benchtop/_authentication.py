"""azureml.core.authentication: the credential classes notebooks pass as `auth=`.

A local workspace needs no sign-in, so these take azureml-core's arguments and ask for nothing:
`Workspace.from_config(auth=InteractiveLoginAuthentication(tenant_id=...))` runs unchanged and
opens no browser. Headers are empty: no request leaves this machine.
"""

from enum import Enum


class Audience(Enum):
    ARM = "ARM"
    AZUREML = "AZUREML"


class AbstractAuthentication(object):
    """Base of the credentials; here none is checked."""

    def __init__(self, cloud=None):
        self._cloud_type = cloud

    def get_authentication_header(self):
        return {}

    def get_token(self, *scopes, **kwargs):
        raise NotImplementedError("A Benchtop workspace is local: there is no Azure token to get.")


class InteractiveLoginAuthentication(AbstractAuthentication):
    def __init__(self, force=False, tenant_id=None, cloud=None):
        super(InteractiveLoginAuthentication, self).__init__(cloud)
        self.tenant_id = tenant_id


class AzureCliAuthentication(AbstractAuthentication):
    pass


class ArmTokenAuthentication(AbstractAuthentication):
    def __init__(self, arm_access_token, cloud="None"):
        super(ArmTokenAuthentication, self).__init__(cloud)


class ServicePrincipalAuthentication(AbstractAuthentication):
    def __init__(
        self, tenant_id, service_principal_id, service_principal_password, cloud="AzureCloud", _enable_caching=True
    ):
        super(ServicePrincipalAuthentication, self).__init__(cloud)
        self.tenant_id = tenant_id
        self.service_principal_id = service_principal_id


class AzureMLTokenAuthentication(AbstractAuthentication):
    def __init__(
        self,
        azureml_access_token,
        expiry_time=None,
        host=None,
        subscription_id=None,
        resource_group_name=None,
        workspace_name=None,
        experiment_name=None,
        run_id=None,
        user_email=None,
        experiment_id=None,
        cloud="AzureCloud",
    ):
        super(AzureMLTokenAuthentication, self).__init__(cloud)


class MsiAuthentication(AbstractAuthentication):
    def __init__(self, cloud=None, **kwargs):
        super(MsiAuthentication, self).__init__(cloud)


class TokenAuthentication(AbstractAuthentication):
    def __init__(self, get_token_for_audience, cloud=None):
        super(TokenAuthentication, self).__init__(cloud)
