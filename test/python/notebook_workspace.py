"""Notebook-style driver: Workspace and config.json as Azure ML v1 notebooks use them.

Run by test/integration/sdkNotebook.test.ts in a plain venv where the package was installed with
`benchtop sdk install` (no PYTHONPATH, no BENCHTOP_CLI). Argument: a scratch folder. Environment:
BENCHTOP_TEST_WS (a workspace with a run in experiment "nb-exp" and a model "nb-model") and
BENCHTOP_TEST_OTHER_WS (a second workspace). Each check prints "OK <what>"; any failure raises.
"""

import contextlib
import io
import json
import os
import sys

scratch = os.path.abspath(sys.argv[1])
WS = os.environ.pop("BENCHTOP_TEST_WS")
OTHER = os.environ.pop("BENCHTOP_TEST_OTHER_WS")
os.environ.pop("BENCHTOP_WORKSPACE", None)


def ok(what):
    print("OK", what, flush=True)


def printed(fn):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        value = fn()
    return value, out.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f)


# --- the package, imported the way notebooks import it ---------------------------------------
import azureml.core  # noqa: E402
from azureml.core import Environment, Experiment, Model, Run, Webservice, Workspace  # noqa: E402,F401
from azureml.core.authentication import InteractiveLoginAuthentication, ServicePrincipalAuthentication  # noqa: E402
from azureml.core.compute_target import LocalTarget  # noqa: E402
from azureml.core.conda_dependencies import CondaDependencies  # noqa: E402,F401
from azureml.core.environment import DockerSection, PythonSection  # noqa: E402,F401
from azureml.core.experiment import Experiment as Experiment2  # noqa: E402
from azureml.core.model import Model as Model2  # noqa: E402,F401
from azureml.core.resource_configuration import ResourceConfiguration  # noqa: E402
from azureml.core.run import Run as Run2  # noqa: E402,F401
from azureml.core.webservice import LocalWebservice  # noqa: E402,F401
from azureml.core.workspace import Workspace as Workspace2  # noqa: E402
from azureml.exceptions import (  # noqa: E402
    AzureMLException,
    ComputeTargetException,
    UserErrorException,
    WebserviceException,
)

assert azureml.core.VERSION == "1.61.0", azureml.core.VERSION
assert azureml.core.__version__ == azureml.core.VERSION
assert Workspace2 is Workspace and Experiment2 is Experiment
assert issubclass(UserErrorException, AzureMLException) and issubclass(ComputeTargetException, AzureMLException)
assert issubclass(WebserviceException, Exception)
assert "site-packages" in azureml.core.__file__, azureml.core.__file__
rc = ResourceConfiguration(cpu=1, memory_in_gb=0.5)
assert rc.serialize() == {"cpu": 1, "memoryInGB": 0.5, "gpu": None}
ok("imports: azureml.core.VERSION %s from %s" % (azureml.core.VERSION, os.path.dirname(azureml.core.__file__)))

# --- from_config: the search order of azureml-core --------------------------------------------
root = os.path.join(scratch, "repo")
deep = os.path.join(root, "project", "notebooks", "week1")
os.makedirs(deep)
write(os.path.join(root, ".azureml", "config.json"), {"benchtop_workspace": WS, "workspace_name": "from-dot-azureml"})
write(os.path.join(root, "project", "config.json"), {"benchtop_workspace": OTHER, "workspace_name": "from-plain"})
os.chdir(deep)
# `.azureml/config.json` in any parent comes before a plain config.json nearer by.
ws = Workspace.from_config()
assert (ws.name, ws.path) == ("from-dot-azureml", WS), (ws.name, ws.path)
os.remove(os.path.join(root, ".azureml", "config.json"))
write(os.path.join(root, "aml_config", "config.json"), {"benchtop_workspace": WS, "workspace_name": "from-aml-config"})
assert Workspace.from_config().name == "from-aml-config"
os.remove(os.path.join(root, "aml_config", "config.json"))
write(os.path.join(root, "aml_config", "project.json"), {"benchtop_workspace": WS, "workspace_name": "legacy-project"})
assert Workspace.from_config().name == "legacy-project"
os.remove(os.path.join(root, "aml_config", "project.json"))
ws = Workspace.from_config()
assert (ws.name, ws.path) == ("from-plain", OTHER), (ws.name, ws.path)
# path= as a file, or as the folder to start from; _file_name for another name.
assert Workspace.from_config(path=os.path.join(root, "project", "config.json")).name == "from-plain"
write(os.path.join(root, "custom.json"), {"benchtop_workspace": os.path.relpath(WS, root), "workspace_name": "rel"})
ws = Workspace.from_config(path=root, _file_name="custom.json")
assert (ws.name, ws.path) == ("rel", WS), "a relative benchtop_workspace is read from the config file's folder"
ok("from_config search order: .azureml/ then aml_config/ then the folder, config.json then project.json, upwards")

# --- not found: azureml-core's exception and text ------------------------------------------------
empty = os.path.join(scratch, "empty", "a", "b")
os.makedirs(empty)
try:
    Workspace.from_config(path=empty)
    raise AssertionError("from_config found a config in an empty tree")
except UserErrorException as err:
    assert err.message.startswith(
        "The workspace configuration file config.json, could not be found in %s or its parent directories. "
        "Please check whether the workspace configuration file exists, or provide the full path to the "
        "configuration file as an argument." % empty
    ), err.message
    assert "benchtop workspace config -d" in err.message
    assert str(err).startswith("UserErrorException:\n\tMessage: The workspace configuration file config.json")
ok("from_config not found: UserErrorException with azureml-core's message and the local fix")

# --- a local config that points nowhere: the path and the fix ------------------------------------
bad = os.path.join(scratch, "bad")
write(os.path.join(bad, "config.json"), {"benchtop_workspace": os.path.join(scratch, "nowhere")})
try:
    Workspace.from_config(path=bad)
    raise AssertionError("a config naming a missing folder was accepted")
except UserErrorException as err:
    assert os.path.join(scratch, "nowhere") in err.message and "does not exist" in err.message, err.message
    assert "benchtop --workspace DIR workspace config -d" in err.message
write(os.path.join(bad, "config.json"), {"workspace_name": "only-a-name"})
try:
    Workspace.from_config(path=bad)
    raise AssertionError("a config without the required keys was accepted")
except UserErrorException as err:
    assert "does not seem to contain the required parameters" in err.message, err.message
ok("bad configs: the path and the fix")

# --- Azure-shaped configs: the default workspace, said once ----------------------------------------
os.environ["BENCHTOP_WORKSPACE"] = WS
azure = os.path.join(scratch, "azure")
write(
    os.path.join(azure, "config.json"),
    {"subscription_id": "0000-sub", "resource_group": "rg-ml", "workspace_name": "cloud-ws"},
)
ws, out = printed(lambda: Workspace.from_config(path=azure, auth=InteractiveLoginAuthentication(tenant_id="t")))
assert (ws.name, ws.subscription_id, ws.resource_group, ws.location) == ("cloud-ws", "0000-sub", "rg-ml", "local")
assert ws.path == WS
assert out.count("Benchtop: Azure ML workspace 'cloud-ws'") == 1 and WS in out and "BENCHTOP_WORKSPACE" in out, out
_, again = printed(lambda: Workspace.from_config(path=azure))
assert again == "", "the notice is printed once per workspace: %r" % again
write(
    os.path.join(azure, ".azureml", "config.json"),
    {"Scope": "/subscriptions/sub-2/resourceGroups/rg-2/providers/Microsoft.MachineLearningServices/workspaces/scoped"},
)
ws, out = printed(lambda: Workspace.from_config(path=azure))
assert (ws.name, ws.subscription_id, ws.resource_group) == ("scoped", "sub-2", "rg-2") and "'scoped'" in out
# Credentials are accepted and ask for nothing (no browser, no token): the workspace is local.
sp = ServicePrincipalAuthentication(tenant_id="t", service_principal_id="id", service_principal_password="pw")
assert sp.get_authentication_header() == {}
ws, out = printed(lambda: Workspace("sub-3", "rg-3", "by-constructor", auth=sp))
assert ws.path == WS and "'by-constructor'" in out
assert Workspace.get("by-constructor", subscription_id="sub-3", resource_group="rg-3").path == WS
assert Workspace.create("created", subscription_id="s", resource_group="r", exist_ok=True, location="eastus").path == WS
try:
    Workspace()
    raise AssertionError("Workspace() without its arguments was accepted")
except TypeError:
    pass
assert repr(ws) == "Workspace.create(name='by-constructor', subscription_id='sub-3', resource_group='rg-3')"
ok("Azure configs and constructors map to the default workspace with one notice each")

# --- write_config round trip -------------------------------------------------------------------------
local = Workspace.from_config(path=os.path.join(root, "project"))
target = os.path.join(scratch, "written")
local.write_config(path=target)
with open(os.path.join(target, ".azureml", "config.json")) as f:
    written = json.load(f)
assert written["benchtop_workspace"] == OTHER and written["workspace_name"] == "from-plain", written
back = Workspace.from_config(path=target)
assert (back.name, back.path) == ("from-plain", OTHER)
local.write_config(path=target, file_name="other")
assert os.path.isfile(os.path.join(target, ".azureml", "other.json"))
ok("write_config writes .azureml/config.json that from_config reads back")

# --- what is in a workspace ------------------------------------------------------------------------------
ws = Workspace.from_config(path=os.path.join(root, "custom.json"))
details = ws.get_details()
for key in ("id", "name", "location", "type", "workspaceid", "friendlyName", "creationTime", "storageAccount"):
    assert key in details, key
assert details["location"] == "local" and details["name"] == "rel" and details["benchtopWorkspace"] == WS
envs = ws.environments
assert isinstance(envs, dict) and isinstance(envs["AzureML-Minimal"], Environment), sorted(envs)
models = ws.models
assert list(models) == ["nb-model"] and models["nb-model"].version == 1, models
assert ws.webservices == {}
experiments = ws.experiments
assert "nb-exp" in experiments and experiments["nb-exp"].name == "nb-exp", experiments
targets = ws.compute_targets
assert isinstance(targets["local"], LocalTarget) and targets["local"].type == "local"
docker = os.environ.get("BENCHTOP_TEST_DOCKER") == "1"
assert ("docker" in targets) == docker, (targets, docker)
other = Workspace.from_config(path=os.path.join(root, "project"))
assert other.environments.keys() >= {"Benchtop-Minimal"} and other.models == {}
ok(
    "workspace contents: %d environments, models %s, experiments %s, compute targets %s"
    % (len(envs), list(models), sorted(experiments), sorted(targets))
)
