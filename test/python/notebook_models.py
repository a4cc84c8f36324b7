"""Notebook-style driver code for models, as Azure ML v1 notebooks write it, against a real Benchtop workspace.

Run by test/integration/sdkModels.test.ts in a plain venv with the package installed the documented
way (`benchtop sdk install --python VENV/bin/python`), in a folder whose config.json names the
workspace. One section per call: `python notebook_models.py SECTION...`; each asserts what it gets
and prints `ok SECTION` at the end. Sections build on the earlier ones (register first).
"""

import datetime
import json
import os

from _notebook_helpers import check, printed, raises, run_sections, write
from azureml.core import Workspace
from azureml.core.experiment import Experiment
from azureml.core.model import Model
from azureml.core.resource_configuration import ResourceConfiguration
from azureml.core.script_run_config import ScriptRunConfig
from azureml.exceptions import ModelNotFoundException, UserErrorException, WebserviceException

ws = Workspace.from_config()


def section_register():
    write("model.pkl", "weights v1")
    model, out = printed(
        Model.register,
        ws,
        model_path="model.pkl",
        model_name="nb-iris",
        tags={"stage": "dev", "area": "iris"},
        properties={"auc": "0.9"},
        description="first try",
        model_framework=Model.Framework.SCIKITLEARN,
        model_framework_version="1.5",
        resource_configuration=ResourceConfiguration(cpu=1, memory_in_gb=0.5),
    )
    check(out == "Registering model nb-iris\n", out)
    check((model.name, model.version, model.id) == ("nb-iris", 1, "nb-iris:1"), model)
    check(model.tags == {"stage": "dev", "area": "iris"}, model.tags)
    check(model.properties == {"auc": "0.9"}, model.properties)
    check(model.description == "first try", model.description)
    check((model.model_framework, model.model_framework_version) == ("ScikitLearn", "1.5"), model.model_framework)
    check(model.url == "aml://asset/nb-iris:1", model.url)
    check(
        isinstance(model.created_time, datetime.datetime) and model.created_time.tzinfo is not None, model.created_time
    )
    check(
        abs((datetime.datetime.now(datetime.timezone.utc) - model.created_time).total_seconds()) < 120,
        model.created_time,
    )
    check((model.run_id, model.experiment_name) == (None, None), model.run_id)
    resources = model.resource_configuration
    check((resources.cpu, resources.memory_in_gb, resources.gpu) == (1, 0.5, None), resources)
    check(model.workspace is ws, model.workspace)
    # The same files again are a new version, as in Azure ML.
    write("model.pkl", "weights v2")
    second = Model.register(ws, "model.pkl", "nb-iris", tags={"stage": "test"})
    check(second.version == 2 and second.model_framework == "Custom", (second.version, second.model_framework))
    # child_paths: only those files, under a folder named after the model.
    for name in ("a.txt", "b.txt", "sub/c.txt"):
        write(os.path.join("model_dir", name), name)
    folder = Model.register(ws, "model_dir", "nb-folder", child_paths=["a.txt", "sub/c.txt"])
    got = folder.download(target_dir="folder_out")
    check(got == os.path.join("folder_out", "nb-folder"), got)
    listed = sorted(os.path.relpath(os.path.join(r, f), got) for r, _, fs in os.walk(got) for f in fs)
    check(listed == ["a.txt", os.path.join("sub", "c.txt")], listed)
    # Every framework constant azureml-core has.
    constants = {k: v for k, v in vars(Model.Framework).items() if k.isupper()}
    check(
        constants
        == {
            "CUSTOM": "Custom",
            "TENSORFLOW": "TensorFlow",
            "SCIKITLEARN": "ScikitLearn",
            "ONNX": "Onnx",
            "TFKERAS": "TfKeras",
            "PYTORCH": "PyTorch",
            "MULTI": "Multi",
        },
        constants,
    )
    for framework in ("Onnx", "TfKeras", "PyTorch", "Multi", "TensorFlow"):
        registered = Model.register(ws, "model.pkl", "nb-fw-" + framework.lower(), model_framework=framework)
        check(registered.model_framework == framework, (framework, registered.model_framework))


def section_find():
    latest = Model(ws, "nb-iris")
    check(latest.version == 2 and latest.tags == {"stage": "test"}, (latest.version, latest.tags))
    first = Model(ws, name="nb-iris", version=1)
    check(first.tags["stage"] == "dev" and first.resource_configuration.cpu == 1, first.tags)
    check(Model(ws, id="nb-iris:1").description == "first try", "by id")
    # Filters pick the newest version that matches, as azureml-core's query does.
    check(Model(ws, name="nb-iris", tags=[["stage", "dev"]]).version == 1, "tag filter")
    check(Model(ws, name="nb-iris", properties=["auc"]).version == 1, "property filter")
    versions = [m.version for m in Model.list(ws, name="nb-iris")]
    check(versions == [2, 1], versions)
    check([m.id for m in Model.list(ws, tags=[["stage", "dev"]])] == ["nb-iris:1"], "list by tag")
    check([m.id for m in Model.list(ws, properties=[["auc", "0.9"]])] == ["nb-iris:1"], "list by property")
    check([m.id for m in Model.list(ws, name="nb-iris", latest=True)] == ["nb-iris:2"], "latest")
    check(
        sorted(m.id for m in Model.list(ws, model_framework=Model.Framework.SCIKITLEARN)) == ["nb-iris:1"],
        "by framework",
    )
    check(ws.models["nb-iris"].version == 2 and "nb-folder" in ws.models, sorted(ws.models))
    raises(UserErrorException, Model.list, ws, tags="stage")
    raises(UserErrorException, Model.list, ws, page_count=5)


def section_download():
    first = Model(ws, id="nb-iris:1")
    path = first.download(target_dir="out")
    check(path == os.path.join("out", "model.pkl"), path)
    check(open(path).read() == "weights v1", open(path).read())
    err = raises(WebserviceException, first.download, target_dir="out")
    check("File already exists. To overwrite, set exist_ok to True." in err.message, err.message)
    write(os.path.join("out", "model.pkl"), "changed")
    first.download(target_dir="out", exist_ok=True)
    check(open(path).read() == "weights v1", "overwritten")
    # azureml-core 1.61: exists_ok (deprecated) is refused next to exist_ok's default.
    err = raises(WebserviceException, first.download, target_dir="out2", exists_ok=True)
    check("Both exists_ok and exist_ok are set" in err.message, err.message)


def section_update():
    model = Model(ws, id="nb-iris:1")
    _, out = printed(model.add_tags, {"stage": "prod", "owner": "me"})
    check("Replacing tag stage -> dev with stage -> prod" in out and "Model tag add operation complete." in out, out)
    _, out = printed(model.remove_tags, ["owner", "nope"])
    check("Tag with key nope not found." in out and "Model tag remove operation complete." in out, out)
    check(model.tags == {"stage": "prod", "area": "iris"}, model.tags)
    _, out = printed(model.add_properties, {"f1": "0.8"})
    check("Model properties add operation complete." in out, out)
    err = raises(WebserviceException, model.add_properties, {"auc": "0.1"})
    check("properties are immutable, the following keys cannot be added/modified: auc" in err.message, err.message)
    model.update(tags={"only": "this"}, description="second look")
    again = Model(ws, id="nb-iris:1")
    check(again.tags == {"only": "this"} and again.description == "second look", (again.tags, again.description))
    check(again.properties == {"auc": "0.9", "f1": "0.8"}, again.properties)


def section_serialize():
    model = Model(ws, id="nb-iris:1")
    data = model.serialize()
    expected = {
        "createdTime", "createdBy", "description", "id", "mimeType", "name", "framework", "frameworkVersion", "tags",
        "properties", "unpack", "url", "version", "experimentName", "runId", "runDetails", "datasets",
        "resourceConfiguration", "sampleInputDatasetId", "sampleOutputDatasetId",
    }  # fmt: skip
    check(set(data) == expected, sorted(data))
    check(data["resourceConfiguration"] == {"cpu": 1, "memoryInGB": 0.5, "gpu": None}, data["resourceConfiguration"])
    check(data["createdTime"] == model.created_time.isoformat() and data["url"] == "aml://asset/nb-iris:1", data)
    json.dumps(data)
    back = Model.deserialize(ws, data)
    check((back.id, back.tags, back.created_time) == (model.id, model.tags, model.created_time), back)
    check(back.resource_configuration.memory_in_gb == 0.5, back.resource_configuration)


TRAIN = """
import os
from azureml.core import Run
from azureml.core.model import Model
run = Run.get_context()
os.makedirs("outputs", exist_ok=True)
open("outputs/model.pkl", "w").write("trained in a run")
model = run.register_model(model_name="nb-run-model", model_path="outputs/model.pkl", tags={"from": "run"})
print("REGISTERED", model.id, flush=True)
path = Model.get_model_path("nb-iris")
print("MODEL_PATH", os.path.relpath(path), open(path).read(), flush=True)
"""


def section_from_run():
    write("src/train.py", TRAIN)
    run = Experiment(ws, "nb-models").submit(ScriptRunConfig(source_directory="src", script="train.py"))
    run.wait_for_completion(show_output=True)
    check(run.get_status() == "Completed", run.get_status())
    model = Model(ws, "nb-run-model")
    check((model.run_id, model.experiment_name) == (run.id, "nb-models"), (model.run_id, model.experiment_name))
    check(model.run is not None and model.run.id == run.id, model.run)
    check(model.tags == {"from": "run"}, model.tags)
    check([m.id for m in Model.list(ws, run_id=run.id)] == ["nb-run-model:1"], "list by run")


def section_model_path():
    # Outside a run with no workspace: only the local cache and the working directory are searched.
    err = raises(ModelNotFoundException, Model.get_model_path, "nb-iris")
    check("Model nb-iris not found in cache at azureml-models" in err.message, err.message)
    # With the workspace: downloaded into the cache, then found there.
    path = Model.get_model_path("nb-iris", _workspace=ws)
    check(path == os.path.join("azureml-models", "nb-iris", "2", "model.pkl"), path)
    check(Model.get_model_path("nb-iris") == path, "from the cache")
    check(Model.get_model_path("nb-iris", version=2) == path, "version 2 from the cache")
    first = Model.get_model_path("nb-iris", version=1, _workspace=ws)
    check(open(first).read() == "weights v1", first)
    err = raises(WebserviceException, Model.get_model_path, "nb-iris", version="1")
    check(err.message == "version should be an int", err.message)
    err = raises(ModelNotFoundException, Model.get_model_path, "ghost", version=3, _workspace=ws)
    check("Model/Version ghost/3 not found in workspace." in err.message and "nb-iris/1" in err.message, err.message)


def section_errors():
    err = raises(WebserviceException, Model, ws, "ghost")
    check("ModelNotFound: Model with name ghost not found in provided workspace" in err.message, err.message)
    check("nb-iris (1, 2)" in err.message, err.message)
    raises(WebserviceException, Model, ws, name="nb-iris", version=9)
    err = raises(WebserviceException, Model, ws)
    check(err.message == "Error, one of id or name must be provided.", err.message)
    # A missing path: azureml-core 1.61 raises FileNotFoundError; earlier versions WebserviceException.
    err = raises(FileNotFoundError, Model.register, ws, "missing.pkl", "nb-x")
    check(isinstance(err, WebserviceException) and "missing.pkl" in str(err), err)
    err = raises(WebserviceException, Model.register, ws, "model.pkl", "bad name!")
    check("provided model name is invalid" in err.message, err.message)
    err = raises(WebserviceException, Model.register, ws, "model.pkl", "nb-x", model_framework_version="1.0")
    check(err.message == "Model framework version cannot be provided without a valid framework", err.message)
    raises(TypeError, Model.register, ws, "model.pkl", "nb-x", bogus=1)
    raises(TypeError, Model.list, ws, bogus=1)
    err = raises(WebserviceException, Model.package, ws, [Model(ws, "nb-iris")])
    check("build_local" in err.message and "Model.deploy" in err.message, err.message)
    err = raises(WebserviceException, Model(ws, "nb-iris").get_sas_urls)
    check("model.download" in err.message, err.message)
    gone = Model.register(ws, "model.pkl", "nb-delete-me")
    gone.delete()
    raises(WebserviceException, Model, ws, id=gone.id)


if __name__ == "__main__":
    run_sections(globals())
