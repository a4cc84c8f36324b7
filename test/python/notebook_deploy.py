"""Notebook-style driver code for deployments, as Azure ML v1's local-deployment notebooks write it.

Run by test/integration/sdkModels.test.ts in a plain venv with the package installed the documented
way, in a folder whose config.json names a real workspace. One section per call:
`python notebook_deploy.py SECTION...`; each asserts what it gets and prints `ok SECTION`.
BENCHTOP_TEST_PORT is a free port for the LocalWebservice section; BENCHTOP_TEST_NOCODE_PYTHON is
unused (the nocode section builds its own environment).
"""

import json
import os
import socket
import sys
import urllib.request

import _notebook_helpers
from _notebook_helpers import check, raises, run_sections, write
from azureml.core import Environment, Workspace
from azureml.core.conda_dependencies import CondaDependencies
from azureml.core.model import InferenceConfig, Model
from azureml.core.webservice import AciWebservice, AksEndpoint, AksWebservice, LocalWebservice, Webservice
from azureml.core.webservice.local import LocalWebserviceDeploymentConfiguration
from azureml.exceptions import UserErrorException, WebserviceException

ws = Workspace.from_config()

SCORE = """
import json, os
from azureml.core.model import Model

def init():
    global k, extra
    # Azure's two ways to the model: AZUREML_MODEL_DIR and Model.get_model_path.
    k = json.load(open(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "weights.json")))["k"]
    assert Model.get_model_path("nb-scale") == os.path.join(os.getenv("AZUREML_MODEL_DIR"), "weights.json")
    # As in Azure's container: the source folder keeps its name, beside the working directory.
    extra = json.load(open("./source_directory/extradata.json"))
    print("init loaded k =", k, "cwd", os.path.basename(os.getcwd()), flush=True)

def run(raw):
    data = json.loads(raw)
    if data.get("sleep"):
        import time
        time.sleep(data["sleep"])
    return {"scaled": [x * k for x in data["data"]], "extra": extra["greeting"], "version": VERSION}

VERSION = "v1"
"""


def printed(fn, *args, **kwargs):
    """As _notebook_helpers.printed, and what fn printed shows in this driver's output too (the test reads the streamed log)."""
    value, out = _notebook_helpers.printed(fn, *args, **kwargs)
    sys.stdout.write(out)
    return value, out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scale_models():
    """Two versions of a tiny model (k = 3, then 5), registered once."""
    found = {m.version: m for m in Model.list(ws, name="nb-scale")}
    for k in (3, 5):
        if len(found) < (1 if k == 3 else 2):
            write("weights.json", json.dumps({"k": k}))
            model = Model.register(ws, "weights.json", "nb-scale")
            found[model.version] = model
    return found[1], found[2]


def source_directory(score=SCORE):
    write("source_directory/score.py", score)
    write("source_directory/extradata.json", json.dumps({"greeting": "hello from extradata"}))
    return "source_directory"


def section_local():
    v1, v2 = scale_models()
    env = Environment.get(ws, "AzureML-Minimal")
    inference_config = InferenceConfig(entry_script="score.py", source_directory=source_directory(), environment=env)
    port = int(os.environ.get("BENCHTOP_TEST_PORT") or free_port())
    deployment_config = LocalWebservice.deploy_configuration(port=port)
    check(isinstance(deployment_config, LocalWebserviceDeploymentConfiguration), deployment_config)
    service = Model.deploy(ws, "nb-local", [v1], inference_config, deployment_config)
    # As azureml-core's: Model.deploy returns at once; wait_for_deployment sees it through.
    check(isinstance(service, LocalWebservice) and service.compute_type == "Local", service)
    service.wait_for_deployment(show_output=True)
    check(service.state == "running", service.state)
    check(service.port == port and service.scoring_uri == "http://localhost:%d/score" % port, service.scoring_uri)
    check(service.swagger_uri == "http://localhost:%d/swagger.json" % port, service.swagger_uri)
    result = service.run(input_data=json.dumps({"data": [1, 2]}))
    check(result == {"scaled": [3, 6], "extra": "hello from extradata", "version": "v1"}, result)
    check(service.run({"data": [4]})["scaled"] == [12], "a dict is sent as JSON")
    with urllib.request.urlopen(service.swagger_uri) as answer:
        check(answer.status == 200 and "paths" in json.loads(answer.read()), "swagger")
    logs = service.get_logs()
    check("init loaded k = 3 cwd app" in logs, logs[-2000:])
    # Found again by name, listed, serialized as azureml-core's LocalWebservice.
    again = LocalWebservice(ws, "nb-local")
    check(again.state == "running" and again.port == port, again.state)
    check(type(Webservice(ws, "nb-local")) is LocalWebservice, "Webservice(ws, name) is the LocalWebservice")
    check("nb-local" in [s.name for s in LocalWebservice.list(ws)], "listed")
    check(ws.webservices["nb-local"].scoring_uri == service.scoring_uri, "ws.webservices")
    data = service.serialize()
    expected = {
        "name", "tags", "properties", "state", "createdTime", "updatedTime", "error", "computeType", "workspaceName",
        "imageId", "scoringUri", "swaggerUri", "port",
    }  # fmt: skip
    check(set(data) == expected and data["computeType"] == "Local" and data["port"] == port, data)
    raises(NotImplementedError, service.get_keys)
    raises(NotImplementedError, service.get_token)
    err = raises(WebserviceException, service.deploy_to_cloud)
    check("needs Azure" in err.message and "AciWebservice.deploy_configuration()" in err.message, err.message)
    # reload: the edited score.py, no rebuild.
    write("source_directory/score.py", SCORE.replace('VERSION = "v1"', 'VERSION = "v2"'))
    service.reload()
    check(service.run(json.dumps({"data": [1]}))["version"] == "v2", "reloaded")
    # update: another model version (k = 5) on the same port.
    service.update(models=[v2])
    service.wait_for_deployment()
    check(service.run(json.dumps({"data": [1]}))["scaled"] == [5], "updated model")
    check([m.id for m in service.models] == ["nb-scale:2"], service.models)
    check(service.port == port, service.port)
    service.delete()
    check(service.state == "deleted", service.state)
    err = raises(WebserviceException, Webservice, ws, "nb-local")
    check("WebserviceNotFound: Webservice with name nb-local not found" in err.message, err.message)
    absent = LocalWebservice(ws, "nb-local", must_exist=False)
    check(absent.state == "unknown", absent.state)
    err = raises(WebserviceException, absent.run, "{}")
    check(err.message == "Cannot call run() when service is unknown.", err.message)


FAILING = """
import json

def init():
    global model
    model = load_weights()

def load_weights():
    raise ValueError("no weights in this folder")

def run(raw):
    return raw
"""


def section_failure():
    v1, _ = scale_models()
    write("broken/score.py", FAILING)
    config = InferenceConfig(entry_script="score.py", source_directory="broken")
    service = Model.deploy(ws, "nb-broken", [v1], config, LocalWebservice.deploy_configuration())
    err = raises(WebserviceException, service.wait_for_deployment, show_output=True)
    message = err.message
    check("Error: Service nb-broken failed to start. Did your init method fail?" in message, message)
    check("User's init function failed:" in message and "Traceback (most recent call last):" in message, message)
    check('in load_weights\n    raise ValueError("no weights in this folder")' in message, message)
    check("ValueError: no weights in this folder" in message, message)
    log_file = message.split("The service's log: ")[1].split(" (")[0]
    check(os.path.isfile(log_file) and "no weights in this folder" in open(log_file).read(), log_file)
    check(service.state == "failed", service.state)
    check("no weights in this folder" in service.get_logs(), "get_logs after the failure")
    # Fixed and deployed again under the name: a LocalWebservice replaces the failed one.
    write("broken/score.py", FAILING.replace('raise ValueError("no weights in this folder")', "return 1"))
    service = Model.deploy(ws, "nb-broken", [v1], config, LocalWebservice.deploy_configuration())
    service.wait_for_deployment()
    check(service.run("[1]") == "[1]", "serves after the fix")
    service.delete()
    # What azureml-core checks before deploying, with its messages.
    write("broken/syntax.py", "def init(:\n")
    err = raises(UserErrorException, InferenceConfig, entry_script="syntax.py", source_directory="broken")
    check("Please check it and try local deployment to verify." in err.message, err.message)
    err = raises(WebserviceException, InferenceConfig, entry_script="nope.py", source_directory="broken")
    check("entry_script" in err.message and "nope.py doesn't exist" in err.message, err.message)
    err = raises(WebserviceException, InferenceConfig, entry_script="score.txt")
    raises(WebserviceException, InferenceConfig)
    raises(TypeError, InferenceConfig, entry_script="score.py", source_directory="broken", bogus=1)
    err = raises(WebserviceException, Model.deploy, ws, "Bad_Name", [v1], config)
    check("provided service name is invalid" in err.message, err.message)
    err = raises(WebserviceException, LocalWebservice.deploy_configuration, port=70000)
    check(err.message == "Invalid configuration, port must be an integer in range [1, 65535]", err.message)
    # A port in use is found by the deployment: wait_for_deployment says so.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        service = Model.deploy(ws, "nb-busy", [v1], config, LocalWebservice.deploy_configuration(port=busy))
        err = raises(WebserviceException, service.wait_for_deployment)
        check("Port %d is already in use." % busy in err.message, err.message)


def section_aci():
    v1, _ = scale_models()
    inference_config = InferenceConfig(entry_script="score.py", source_directory=source_directory())
    aci_config = AciWebservice.deploy_configuration(
        cpu_cores=1, memory_gb=1, auth_enabled=True, tags={"area": "scale"}, description="from a cloud notebook"
    )
    service, out = printed(Model.deploy, ws, "nb-aci", [v1], inference_config, aci_config, show_output=True)
    check("Benchtop: ACI service nb-aci is deployed here, as a process on this machine" in out, out)
    check("CPU requirement: 1, Memory requirement: 1GB" in out, out)
    check("Request submitted, please run wait_for_deployment(show_output=True)" in out, out)
    check(isinstance(service, AciWebservice) and service.state == "Transitioning", service.state)
    _, out = printed(service.wait_for_deployment, show_output=True)
    check('ACI service creation operation finished, operation "Succeeded"' in out, out)
    check("Invoking user's init function" in out, "the log while it deploys")
    check(service.state == "Healthy" and service.compute_type == "ACI", service.state)
    check(service.tags == {"area": "scale"} and service.description == "from a cloud notebook", service.tags)
    check(service.auth_enabled is True and service.container_resource_requirements.cpu == 1, service.auth_enabled)
    primary, secondary = service.get_keys()
    check(len(primary) == 32 and primary != secondary, primary)
    # The notebook's own request, with the key as Azure wants it.
    request = urllib.request.Request(
        service.scoring_uri,
        data=json.dumps({"data": [2]}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + primary},
    )
    with urllib.request.urlopen(request) as answer:
        check(json.loads(answer.read())["scaled"] == [6], "scored with the key")
    check(service.run(json.dumps({"data": [1]}))["scaled"] == [3], "run()")
    # Found again as what it was deployed as, with its tags and keys.
    again = Webservice(ws, "nb-aci")
    check(type(again) is AciWebservice and again.get_keys() == (primary, secondary), type(again))
    again.add_tags({"owner": "me"})
    check(Webservice(ws, "nb-aci").tags == {"area": "scale", "owner": "me"}, "tags kept")
    check([s.name for s in Webservice.list(ws, compute_type="ACI")] == ["nb-aci"], "listed by compute type")
    check(AciWebservice(ws, "nb-aci").serialize()["computeType"] == "ACI", "serialize")
    # No deployment configuration: Azure deploys to ACI, so here too; each substitution said once.
    default, out = printed(Model.deploy, ws, "nb-default", [v1], inference_config)
    check(out.count("Benchtop: ACI service nb-default is deployed here") == 1, out)
    default.wait_for_deployment()
    err = raises(WebserviceException, Model.deploy, ws, "nb-default", [v1], inference_config)
    check("already a service with name nb-default" in err.message, err.message)
    replaced, out = printed(Model.deploy, ws, "nb-default", [v1], inference_config, overwrite=True)
    check("Benchtop: ACI service nb-default" not in out, "said once")
    replaced.wait_for_deployment()
    check(replaced.state == "Healthy", replaced.state)
    # azureml-core's checks of the configuration, with its messages.
    err = raises(WebserviceException, AciWebservice.deploy_configuration, cpu_cores=-1)
    check(err.message == "Invalid configuration, cpu_cores must be positive.", err.message)
    err = raises(WebserviceException, AciWebservice.deploy_configuration, vnet_name="v")
    check("vnet_name and subnet_name" in err.message, err.message)
    raises(TypeError, AciWebservice.deploy_configuration, cpu=1)
    service.delete()
    replaced.delete()
    check(service.state == "Deleted", service.state)


def section_aks():
    v1, _ = scale_models()
    inference_config = InferenceConfig(entry_script="score.py", source_directory=source_directory())
    aks_config = AksWebservice.deploy_configuration(
        autoscale_enabled=False, num_replicas=2, cpu_cores=0.5, memory_gb=1, scoring_timeout_ms=1500
    )
    service, out = printed(Model.deploy, ws, "nb-aks", [v1], inference_config, aks_config)
    check("Benchtop: AKS service nb-aks is deployed here" in out, out)
    service.wait_for_deployment()
    check(isinstance(service, AksWebservice) and service.state == "Healthy", service.state)
    check(service.compute_type == "AKS" and service.auth_enabled and service.num_replicas == 2, service.compute_type)
    check(len(service.get_keys()) == 2 and service.get_access_token().token_type == "Bearer", "keys and token")
    check(service.run(json.dumps({"data": [2]}))["scaled"] == [6], "run()")
    # scoring_timeout_ms is the scoring server's timeout here too.
    err = raises(WebserviceException, service.run, json.dumps({"data": [1], "sleep": 3}))
    check(err.status_code == 500 and "Scoring timeout after 1500 ms" in err.message, err.message)
    check(type(Webservice(ws, "nb-aks")) is AksWebservice, "found again as AKS")
    err = raises(WebserviceException, AksWebservice.deploy_configuration, autoscale_enabled=False, cpu_cores=-1)
    check(
        err.message == "Invalid configuration, cpu_cores must be greater than zero.\n"
        "Invalid configuration, autoscale disabled but num_replicas not provided.\n",
        err.message,
    )
    err = raises(WebserviceException, AksEndpoint.deploy_configuration)
    check("needs Azure" in err.message and "AksWebservice.deploy_configuration()" in err.message, err.message)
    service.delete()


def section_aci_docker():
    """An environment with docker.enabled: the ACI service runs in a container (BENCHTOP_TEST_BASE_IMAGE)."""
    v1, _ = scale_models()
    env = Environment("nb-box")
    env.docker.enabled = True
    env.docker.base_image = os.environ["BENCHTOP_TEST_BASE_IMAGE"]
    env.python.user_managed_dependencies = True
    env.python.interpreter_path = "/usr/bin/python3"
    config = InferenceConfig(entry_script="score.py", source_directory=source_directory(), environment=env)
    service, out = printed(Model.deploy, ws, "nb-aci-box", [v1], config, AciWebservice.deploy_configuration())
    check("Benchtop: ACI service nb-aci-box is deployed here, in a container" in out, out)
    service.wait_for_deployment(show_output=True)
    check(service.state == "Healthy", service.state)
    # In the container too, the source folder keeps its name beside the working directory.
    result = service.run(json.dumps({"data": [2]}))
    check(result == {"scaled": [6], "extra": "hello from extradata", "version": "v1"}, result)
    service.delete()


NOCODE_TRAIN = """
import json, sys, dill
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

X, y = load_iris(return_X_y=True)
# A lambda in the pipeline: only dill pickles it, and only dill loads it back.
model = make_pipeline(FunctionTransformer(lambda x: [[float(v) for v in row] for row in x]), LogisticRegression(max_iter=1000)).fit(X, y)
with open(sys.argv[1], "wb") as f:
    dill.dump(model, f)
rows = X[[0, 60, 120]].tolist()
print(json.dumps({"rows": rows, "predict": model.predict(rows).tolist(), "proba": model.predict_proba(rows).tolist()}))
"""


def section_nocode():
    import subprocess

    env = Environment("nb-nocode")
    version = "%d.%d.%d" % sys.version_info[:3]
    env.python.conda_dependencies = CondaDependencies.create(
        python_version=version, pip_packages=["scikit-learn", "dill"], pin_sdk_version=False
    )
    built = env.build_local(ws)
    write("train_nocode.py", NOCODE_TRAIN)
    trained = subprocess.run(
        [built["python"], "train_nocode.py", "iris.pkl"], stdout=subprocess.PIPE, check=True, universal_newlines=True
    )
    expected = json.loads(trained.stdout)
    model = Model.register(
        ws, "iris.pkl", "nb-iris-dill", model_framework=Model.Framework.SCIKITLEARN, model_framework_version="1.5"
    )
    # No InferenceConfig: Benchtop's default no-code environment has no dill, and the log says so.
    default = Model.deploy(ws, "nb-nocode-default", [model], deployment_config=LocalWebservice.deploy_configuration())
    err = raises(WebserviceException, default.wait_for_deployment)
    check("needs the Python package 'dill'" in err.message, err.message)
    check("InferenceConfig(environment=env)" in err.message, err.message)
    default.delete()
    # With the environment: the built-in scorer in it.
    service = Model.deploy(
        ws, "nb-nocode", [model], InferenceConfig(environment=env), LocalWebservice.deploy_configuration()
    )
    service.wait_for_deployment(show_output=True)
    proba = service.run(json.dumps({"data": expected["rows"]}))
    check(all(abs(a - b) < 1e-9 for got, want in zip(proba, expected["proba"]) for a, b in zip(got, want)), proba)
    predicted = service.run(json.dumps({"data": expected["rows"], "method": "predict"}))
    check(predicted == expected["predict"], predicted)
    check(service.environment == "nb-nocode:%s" % env.version, service.environment)
    service.delete()
    # azureml-core's no-code rules.
    other = Model.register(ws, "iris.pkl", "nb-iris-custom")
    err = raises(
        UserErrorException, Model.deploy, ws, "nb-nocode-x", [other], None, LocalWebservice.deploy_configuration()
    )
    check(
        "You must provide an InferenceConfig when deploying a model with model_framework set to Custom" in err.message,
        err.message,
    )
    err = raises(UserErrorException, Model.deploy, ws, "nb-nocode-x", [model, other])
    check(err.message == "You must provide an InferenceConfig when deploying zero or multiple models.", err.message)


if __name__ == "__main__":
    run_sections(globals())
