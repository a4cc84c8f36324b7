"""The parts of azureml-core's Workspace that only Azure has, each failing with what to do here instead.

Beside the real azureml-core (azureml.data, azureml.core.Dataset / Datastore import from it), its code
asks a workspace for Azure's credentials and storage (workspace._auth, get_default_datastore()); a
Benchtop workspace is a folder, so those say that, rather than an AttributeError deep in Azure's code.
"""

from ._exceptions import UserErrorException

_DATA = (
    "Benchtop has no datastores or registered datasets (yet): read the files from the local disk, e.g. "
    "pandas.read_csv('data/train.csv'), and pass folders to runs as arguments (ScriptRunConfig(arguments=[...]))."
)


def _needs_azure(what, local_way=_DATA):
    return UserErrorException(
        "%s needs Azure; this Benchtop workspace is a folder on this machine. %s" % (what, local_way)
    )


class AzureOnlyWorkspaceParts(object):
    """Mixed into Workspace: credentials, storage and key vault, which a local workspace does not have."""

    @property
    def _auth(self):
        raise _needs_azure("Azure credentials (workspace._auth, used by Datastore and Dataset)")

    @property
    def _auth_object(self):
        raise _needs_azure("Azure credentials (workspace._auth_object, used by Datastore and Dataset)")

    @property
    def datastores(self):
        raise _needs_azure("workspace.datastores")

    def get_default_datastore(self):
        raise _needs_azure("workspace.get_default_datastore()")

    def set_default_datastore(self, name):
        raise _needs_azure("workspace.set_default_datastore()")

    def get_default_keyvault(self):
        raise _needs_azure(
            "workspace.get_default_keyvault()",
            "Give secrets to runs as environment variables instead: env.environment_variables = {...}.",
        )

    @property
    def private_endpoints(self):
        raise _needs_azure("workspace.private_endpoints", "A local workspace has no network endpoints.")

    @property
    def linked_services(self):
        raise _needs_azure("workspace.linked_services", "Use compute_target='local' or 'docker' for runs.")
