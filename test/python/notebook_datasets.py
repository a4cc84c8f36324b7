"""Notebook-style driver code for datasets and datastores, as Azure ML v1 notebooks write it, against a real
Benchtop workspace.

Run by test/integration/sdkDatasets.test.ts in a plain venv with the package installed the documented way
(`benchtop sdk install`), pandas beside it from the package index (a .pth to the shared test venv), in a folder
whose config.json names the workspace. One section per call: `python notebook_datasets.py SECTION...`; each
asserts what it gets and prints `ok SECTION`. Sections build on the earlier ones (datastore, then register).
"""

import json
import os
import sys

from _notebook_helpers import check, printed, raises, run_sections, write
from azureml.core import Dataset, Datastore, Environment, Experiment, Model, ScriptRunConfig, Workspace
from azureml.data import FileDataset, TabularDataset
from azureml.data.datapath import DataPath
from azureml.data.dataset_consumption_config import DatasetConsumptionConfig
from azureml.exceptions import UserErrorException, WebserviceException

ws = Workspace.from_config()


def _names(dataset_dict):
    return {purpose: [(d.name, d.version) for d in found] for purpose, found in dataset_dict.items()}


TRAIN_SCRIPT = """
import os, sys
from azureml.core import Dataset, Run

run = Run.get_context()
inputs = run.input_datasets
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
train, notes, table = inputs["train"], inputs["notes"], inputs["table"]
assert args["--data"] == train and args["--copy"] == notes and args["--table"] == table.id, (args, dict(inputs))
assert os.environ["AZUREML_DATAREFERENCE_train"] == train
assert not os.stat(train).st_mode & 0o222 and os.stat(notes).st_mode & 0o200, "mounted read-only, downloaded writable"
run.log("train_files", sum(len(files) for _root, _dirs, files in os.walk(train)))
run.log("notes_files", sum(len(files) for _root, _dirs, files in os.walk(notes)))
run.log("table_rows", len(table.to_pandas_dataframe()))
tsv = Dataset.get_by_name(run.experiment.workspace, "iris-tsv")
run.log("tsv_rows", len(tsv.to_pandas_dataframe()))
# Data the run made, registered from inside it: the version records the run (lineage out of the run).
os.makedirs("outputs", exist_ok=True)
with open("outputs/pred.csv", "w") as f:
    f.write("y\\n1\\n0\\n")
made = Dataset.Tabular.from_delimited_files("outputs/pred.csv").register(run.experiment.workspace, "predictions")
run.log("made_version", made.version)
"""


def section_files():
    write(
        "local/iris.csv",
        "sepal,petal,species\n5.1,1.4,setosa\n4.9,1.4,setosa\n6.3,6.0,virginica\n"
        "5.8,5.1,virginica\n7.1,5.9,virginica\n6.5,5.2,virginica\n",
    )
    write("local/iris.tsv", "sepal\tpetal\n1.5\t0.2\n2.5\t0.3\n")
    write("local/extra/notes.txt", "hello\n")
    write("more/iris-more.csv", "sepal,petal,species\n" + "5.0,1.0,setosa\n" * 8)
    write("more/events.jsonl", '{"id": 1, "kind": "click"}\n{"id": 2, "kind": "view"}\n')
    write("more/broken.csv", "a,b\n1,2\n3,4,5\n")
    write("train/train.py", TRAIN_SCRIPT)
    with open("more/latin.csv", "w", encoding="latin-1") as f:
        f.write("name,n\ncaf\xe9,01\n")


def _frame():
    import pandas

    return pandas.DataFrame({"x": [1, 2]})


def section_no_pandas():
    # This section runs before pandas is put beside the package: the error names the fix.
    table = Dataset.Tabular.from_delimited_files("local/iris.csv")
    err = raises(UserErrorException, table.to_pandas_dataframe)
    check("needs pandas" in err.message and "-m pip install pandas" in err.message, err.message)


def section_datastore():
    store = ws.get_default_datastore()
    check(store.name == "workspaceblobstore" and store.datastore_type == "AzureBlob", store)
    check(Datastore.get(ws, "workspaceblobstore").root == store.root, store.root)
    check(Datastore(ws).name == "workspaceblobstore" and Datastore.get_default(ws).name == "workspaceblobstore", "")
    check(list(ws.datastores) == ["workspaceblobstore"], ws.datastores)
    ref, out = printed(store.upload, src_dir="local", target_path="iris", overwrite=False, show_progress=True)
    check("Uploading an estimated of 3 files" in out and "Uploaded 3 files" in out, out)
    check(str(ref).startswith("$AZUREML_DATAREFERENCE_"), ref)
    check(sorted(os.listdir(os.path.join(store.root, "iris"))) == ["extra", "iris.csv", "iris.tsv"], store.root)
    # Again without overwrite: every file is skipped, as Azure's blob datastore skips existing blobs.
    _, out = printed(store.upload, src_dir="local", target_path="iris")
    check(out.count("Target already exists. Skipping upload for iris/") == 3 and "Uploaded 0 files" in out, out)
    printed(store.upload_files, ["local/extra/notes.txt"], relative_root="local", target_path="docs", overwrite=True)
    check(os.path.isfile(os.path.join(store.root, "docs", "extra", "notes.txt")), "upload_files")
    count, _ = printed(store.download, "fetched", prefix="iris/extra", show_progress=False)
    check(count == 1 and open("fetched/iris/extra/notes.txt").read() == "hello\n", count)
    uploaded, out = printed(Dataset.File.upload_directory, "local", (store, "up"), pattern="*.tsv")
    check(
        uploaded.to_path() == ["/iris.tsv"] and "Uploading files from 'local' to 'up'" in out, (uploaded.to_path(), out)
    )
    err = raises(UserErrorException, Dataset.Tabular.register_pandas_dataframe, _frame(), store, "frame")
    check("needs pyarrow" in err.message, err.message)
    err = raises(UserErrorException, Datastore.get, ws, "blobs")
    check("Datastore 'blobs' was not found" in err.message and "workspaceblobstore" in err.message, err.message)
    err = raises(UserErrorException, Datastore.register_azure_blob_container, ws, "blobs", "c", "acct")
    check("needs Azure" in err.message, err.message)


def section_register():
    store = ws.get_default_datastore()
    table = Dataset.Tabular.from_delimited_files(path=[(store, "iris/iris.csv")])
    check(isinstance(table, TabularDataset) and table.name is None and table.id is None, table)
    registered = table.register(ws, "iris", description="Fisher's iris", tags={"source": "uci"})
    check((registered.name, registered.version) == ("iris", 1), registered)
    check(registered.description == "Fisher's iris" and registered.tags == {"source": "uci"}, registered.tags)
    check(len(registered.id) == 36 and registered.data_changed_time is not None, registered.id)
    # The same content again: the same version, even with Azure's default create_new_version=False.
    check(table.register(ws, "iris").version == 1, "same content")
    # Other content under the name: Azure's error, unless a new version is asked for.
    changed = Dataset.Tabular.from_delimited_files("more/iris-more.csv")
    err = raises(UserErrorException, changed.register, ws, "iris")
    check(
        err.message.startswith(
            'There is already a dataset registered under name "iris". Specify '
            "`create_new_version=True` to register the dataset as a new version."
        ),
        err.message,
    )
    check(changed.register(ws, "iris", create_new_version=True).version == 2, "v2")
    files = Dataset.File.from_files(path=DataPath(store, "iris"))
    check(isinstance(files, FileDataset), files)
    check(files.register(ws, "iris-files").version == 1, "files")
    tsv = Dataset.Tabular.from_delimited_files((store, "iris/*.tsv"), separator="\t")
    check(tsv.register(ws, "iris-tsv").version == 1, "tsv")
    latin = Dataset.Tabular.from_delimited_files("more/latin.csv", encoding="iso88591", infer_column_types=False)
    check(latin.register(ws, "latin").version == 1, "latin")
    # Finding them: by name (latest or a version), by id, all.
    latest = Dataset.get_by_name(ws, "iris")
    check((latest.version, Dataset.get_by_name(ws, "iris", version=1).version) == (2, 1), latest.version)
    check(Dataset.get_by_id(ws, registered.id).version == 1, "by id")
    everything = Dataset.get_all(ws)
    check(sorted(everything) == ["iris", "iris-files", "iris-tsv", "latin"], sorted(everything))
    check(everything["iris"].version == 2 and ws.datasets["iris-files"].name == "iris-files", "get_all")
    updated = Dataset.get_by_name(ws, "iris", 1).update(tags={"source": "uci", "checked": "yes"})
    check(updated.tags == {"source": "uci", "checked": "yes"}, updated.tags)
    shown = json.loads(repr(latest))
    check(shown["registration"]["name"] == "iris" and shown["definition"][:2] == ["GetFiles", "ParseDelimited"], shown)


def section_read():
    iris = Dataset.get_by_name(ws, "iris", version=1)
    df = iris.to_pandas_dataframe()
    check(df.shape == (6, 3) and list(df.columns) == ["sepal", "petal", "species"], df)
    check(df["sepal"].tolist() == [5.1, 4.9, 6.3, 5.8, 7.1, 6.5] and df["species"].iloc[2] == "virginica", df)
    check(Dataset.get_by_name(ws, "iris").to_pandas_dataframe().shape == (8, 3), "v2 rows")
    check(Dataset.get_by_name(ws, "iris-tsv").to_pandas_dataframe()["sepal"].tolist() == [1.5, 2.5], "tsv")
    # Registered with its encoding and without type inference: read back the same way.
    latin = Dataset.get_by_name(ws, "latin").to_pandas_dataframe()
    check(latin.to_dict("list") == {"name": ["caf\xe9"], "n": ["01"]}, latin)
    check(iris.take(2).to_pandas_dataframe()["sepal"].tolist() == [5.1, 4.9], "take")
    check(iris.skip(4).to_pandas_dataframe()["sepal"].tolist() == [7.1, 6.5], "skip")
    kept = iris.keep_columns(["species"]).to_pandas_dataframe()
    check(list(kept.columns) == ["species"] and len(kept) == 6, kept)
    check(list(iris.drop_columns("species").to_pandas_dataframe().columns) == ["sepal", "petal"], "drop")
    first, second = iris.random_split(0.5, seed=7)
    a, b = first.to_pandas_dataframe(), second.to_pandas_dataframe()
    check(len(a) + len(b) == 6 and sorted(a["sepal"].tolist() + b["sepal"].tolist()) == sorted(df["sepal"]), (a, b))
    check(first.to_pandas_dataframe().equals(a), "the same split again")
    plain = Dataset.Tabular.from_delimited_files("local/iris.csv", header=False).to_pandas_dataframe()
    check(list(plain.columns) == ["Column1", "Column2", "Column3"] and plain.shape == (7, 3), plain)
    lines = Dataset.Tabular.from_json_lines_files("more/events.jsonl").to_pandas_dataframe()
    check(lines.to_dict("list") == {"id": [1, 2], "kind": ["click", "view"]}, lines)
    parquet = Dataset.Tabular.from_parquet_files("local/iris.csv")
    err = raises(UserErrorException, parquet.to_pandas_dataframe)
    check("needs pyarrow" in err.message and "-m pip install pyarrow" in err.message, err.message)
    # A FileDataset: its paths, a download, a read-only mount of the stored files.
    files = Dataset.get_by_name(ws, "iris-files")
    check(files.to_path() == ["/extra/notes.txt", "/iris.csv", "/iris.tsv"], files.to_path())
    check(files.take(1).to_path() == ["/extra/notes.txt"] and files.skip(2).to_path() == ["/iris.tsv"], "plan")
    written = files.download(target_path="copy")
    check(written == [os.path.abspath(p) for p in ("copy/extra/notes.txt", "copy/iris.csv", "copy/iris.tsv")], written)
    check(open("copy/iris.csv").read() == open("local/iris.csv").read(), "copied bytes")
    err = raises(UserErrorException, files.download, target_path="copy")
    check("already exists. Set overwrite=True to overwrite it" in err.message, err.message)
    check(len(files.download(target_path="copy", overwrite=True)) == 3, "overwrite")
    with files.mount() as context:
        root = context.mount_point
        check(sorted(os.listdir(root)) == ["extra", "iris.csv", "iris.tsv"], os.listdir(root))
        # A link into the store; as root (whom modes do not stop) a read-only copy, so a write cannot reach the store.
        mounted = os.path.join(root, "iris.csv")
        if os.geteuid() == 0:
            check(not os.path.islink(mounted) and not os.stat(mounted).st_mode & 0o222, "a read-only copy as root")
            with open(mounted, "a") as f:
                f.write("changed\n")
        else:
            check(os.path.islink(mounted), "a link into the store")
        check(open(os.path.join(root, "extra", "notes.txt")).read() == "hello\n", "read through the mount")
        # Read-only folders (a mode check: these tests may run as root, whom modes do not stop).
        check(not os.stat(root).st_mode & 0o222 and not os.stat(os.path.join(root, "extra")).st_mode & 0o222, root)
    check(not os.path.exists(root), "unmounted")
    check(open(files.download(overwrite=True)[1]).read() == open("local/iris.csv").read(), "the store unchanged")
    os.makedirs("busy", exist_ok=True)
    write("busy/keep.txt", "mine")
    err = raises(UserErrorException, files.mount("busy").start)
    check("Dataset mount point must be empty" in err.message and open("busy/keep.txt").read() == "mine", err.message)


def section_errors():
    err = raises(UserErrorException, Dataset.File.from_files, "local/nothing-here")
    check(
        err.message.startswith("Failed to validate the data.If data is inaccessible, please set validate to False."),
        err.message,
    )
    check(
        "Found no resources for the input provided: '%s'" % os.path.abspath("local/nothing-here") in err.message,
        err.message,
    )
    err = raises(UserErrorException, Dataset.Tabular.from_delimited_files, "local/**/*.parquet")
    check("Found no resources for the input provided" in err.message, err.message)
    check(Dataset.File.from_files("local/nothing-here", validate=False).name is None, "validate=False defers")
    err = raises(UserErrorException, Dataset.get_by_name, ws, "no-such")
    check(
        err.message.startswith('Cannot find dataset registered with name "no-such" (version: None) in the workspace.'),
        err.message,
    )
    check("Datasets here: iris (1, 2), iris-files (1), iris-tsv (1), latin (1)." in err.message, err.message)
    err = raises(UserErrorException, Dataset.get_by_name, ws, "iris", 9)
    check('"iris" (version: 9)' in err.message, err.message)
    err = raises(UserErrorException, Dataset.get_by_name, ws, "iris", "newest")
    check(err.message == 'Invalid value newest for version. Version value must be number or "latest".', err.message)
    err = raises(UserErrorException, Dataset.get_by_id, ws, "00000000-0000-0000-0000-000000000000")
    check(err.message == 'Cannot find dataset with id "00000000-0000-0000-0000-000000000000" in the workspace.', err)
    table = Dataset.get_by_name(ws, "iris")
    err = raises(UserErrorException, table.as_named_input("train").as_mount)
    check("does not support mount. Only FileDataset supports mount" in err.message, err.message)
    err = raises(UserErrorException, table.take(2).register, ws, "iris-head")
    check("has transformations (take)" in err.message and "to_csv" in err.message, err.message)
    err = raises(UserErrorException, DatasetConsumptionConfig, "1st", table)
    check('Invalid input name "1st"' in err.message, err.message)
    broken = Dataset.Tabular.from_delimited_files("more/broken.csv")
    err = raises(UserErrorException, broken.to_pandas_dataframe)
    check("broken.csv" in err.message and "line 3" in err.message, err.message)
    # Registering it is refused with the line, and a fix in Python's words (not the CLI's flags).
    err = raises(UserErrorException, broken.register, ws, "broken")
    check("broken.csv line 3: expected 2 fields" in err.message and "separator=" in err.message, err.message)
    check("--separator" not in err.message, err.message)
    # What needs Azure's dataprep engine is refused with the local way, not an AttributeError.
    err = raises(UserErrorException, table.get_profile)
    check("`benchtop data profile iris:" in err.message, err.message)
    err = raises(UserErrorException, table.to_csv_files)
    check("to_csv('part.csv'" in err.message, err.message)
    err = raises(UserErrorException, table.time_before, "2024-01-01")
    check("filter the DataFrame by its time column" in err.message, err.message)
    err = raises(UserErrorException, table.download, "Path")
    check("Dataset.File.from_files" in err.message, err.message)


def section_run():
    files = Dataset.get_by_name(ws, "iris-files")
    table = Dataset.get_by_name(ws, "iris", version=1)
    unregistered = Dataset.File.from_files("local/extra")
    env = Environment("dataset-venv")
    env.python.user_managed_dependencies = True
    env.python.interpreter_path = sys.executable  # this venv: Benchtop's package, and pandas beside it
    config = ScriptRunConfig(
        source_directory="train",
        script="train.py",
        environment=env,
        arguments=[
            "--data",
            files.as_named_input("train").as_mount(),
            "--copy",
            unregistered.as_named_input("notes").as_download(),
            "--table",
            table.as_named_input("table"),
        ],
    )
    run = Experiment(ws, "datasets").submit(config)
    run.wait_for_completion(show_output=False, raise_on_error=False)
    log = open(run.get_details()["logFiles"]["azureml-logs/70_driver_log.txt"]).read()
    check(run.get_status() == "Completed", log)
    metrics = run.get_metrics()
    check(metrics["table_rows"] == 6 and metrics["train_files"] == 3 and metrics["notes_files"] == 1, metrics)
    check(metrics["tsv_rows"] == 2 and metrics["made_version"] == 1, metrics)
    inputs = run.input_datasets
    check(
        {k: (v.name, v.version) for k, v in inputs.items() if k != "notes"}
        == {"train": ("iris-files", 1), "table": ("iris", 1)},
        inputs,
    )
    check(inputs["notes"].name.startswith("anonymous_"), inputs["notes"].name)
    details = run.get_details()["inputDatasets"]
    kinds = sorted(
        (
            d["consumptionDetails"].get("inputName"),
            d["consumptionDetails"]["type"],
            d["consumptionDetails"].get("mechanism"),
        )
        for d in details
        if d["dataset"].name != "iris-tsv"
    )
    check(
        kinds == [("notes", "RunInput", "Download"), ("table", "RunInput", "Direct"), ("train", "RunInput", "Mount")],
        kinds,
    )
    # The script also read iris-tsv through the API: a "Reference" use, as Azure's lineage records it.
    check(
        [d["consumptionDetails"] for d in details if d["dataset"].name == "iris-tsv"] == [{"type": "Reference"}],
        str(details),
    )
    print("RUN_ID %s" % run.id)


BOX_SCRIPT = """
import os
from azureml.core import Dataset, Run

run = Run.get_context()
files = run.input_datasets["files"]
copied = files.download(target_path="/tmp/copied")
print("DIRECT", files.name, files.to_path(), open("/tmp/copied/iris.csv").read().splitlines()[0])
print("MOUNTED", sorted(os.listdir(run.input_datasets["mounted"])))
print("API", Dataset.get_by_name(run.experiment.workspace, "iris-files").take(1).to_path())
# The run's workspace is one (not None), and its default datastore's folder is readable here.
store = run.experiment.workspace.get_default_datastore()
print("STORE", Dataset.File.from_files((store, "iris/extra")).to_path())
"""


def section_container():
    # In a container: the store is bound read-only at its path, and the SDK reads a direct input's files there.
    write("box/box.py", BOX_SCRIPT)
    env = Environment("dataset-box")
    env.docker.enabled = True
    env.docker.base_image = os.environ.get("BENCHTOP_TEST_BASE_IMAGE", "benchtop/base:bookworm-python")
    env.python.user_managed_dependencies = True
    env.python.interpreter_path = "/usr/bin/python3"
    files = Dataset.get_by_name(ws, "iris-files")
    config = ScriptRunConfig(
        source_directory="box",
        script="box.py",
        environment=env,
        arguments=[files.as_named_input("files"), files.as_named_input("mounted").as_mount()],
    )
    run = Experiment(ws, "datasets-box").submit(config)
    run.wait_for_completion(raise_on_error=False)
    log = open(run.get_details()["logFiles"]["azureml-logs/70_driver_log.txt"]).read()
    check(run.get_status() == "Completed", log)
    check("DIRECT iris-files ['/extra/notes.txt', '/iris.csv', '/iris.tsv'] sepal,petal,species" in log, log)
    check("MOUNTED ['extra', 'iris.csv', 'iris.tsv']" in log and "API ['/extra/notes.txt']" in log, log)
    check("STORE ['/notes.txt']" in log, log)


def section_model():
    write("model.pkl", "weights")
    training = Dataset.get_by_name(ws, "iris", version=1)
    validation = Dataset.File.from_files("local/extra")
    model = Model.register(ws, "model.pkl", "iris-model", datasets=[("training", training), ("validation", validation)])
    check(_names(model.datasets)["training"] == [("iris", 1)], _names(model.datasets))
    check(model.datasets["validation"][0].name.startswith("anonymous_"), _names(model.datasets))
    again = Model(ws, "iris-model")
    check(_names(again.datasets) == _names(model.datasets), _names(again.datasets))
    check({"name": "training", "id": training.id} in again.serialize()["datasets"], again.serialize()["datasets"])
    again.add_dataset_references([("inferencing", Dataset.get_by_name(ws, "iris-tsv"))])
    check(_names(Model(ws, "iris-model", version=1).datasets)["inferencing"] == [("iris-tsv", 1)], "added")
    err = raises(WebserviceException, Model.register, ws, "model.pkl", "iris-model", datasets=[("training", "iris")])
    check("Invalid dataset of type <class 'str'> passed" in err.message, err.message)
    # A name with a version in use: unregister_all_versions deletes none of them (not the unused ones first).
    err = raises(UserErrorException, Dataset.get_by_name(ws, "iris").unregister_all_versions)
    check("model iris-model:1" in err.message and "nothing was unregistered" in err.message, err.message)
    check(Dataset.get_by_name(ws, "iris", version=2).version == 2, "iris:2 kept")


run_sections(globals())
