"""The parts of azureml-core's Workspace that only Azure has, each failing with what to do here instead.

Beside the real azureml-core, its code asks a workspace for Azure's credentials (workspace._auth); a
Benchtop workspace is a folder, so those say that, rather than an AttributeError deep in Azure's code.
(Datastores and datasets are Benchtop's own: benchtop._datastore, benchtop._dataset.)
"""

from ._exceptions import UserErrorException

_DATA = (
    "Benchtop's datastores and datasets are local and need no credentials: ws.get_default_datastore(), "
    "Datastore.get(ws, name), Dataset.File.from_files(path), Dataset.get_by_name(ws, name)."
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
