"""Writes and reads MLflow file stores with the real mlflow library, for test/integration/mlflowImport.test.ts.

python mlflow_store.py write DIR          a store with two experiments, nested, failed and killed runs,
                                           params, stepped metrics with timestamps and NaN, tags,
                                           artifacts (a file and a folder), a model with two versions
python mlflow_store.py view DIR           the library's own view of DIR as JSON (what the import must equal)
python mlflow_store.py add-metric DIR RUN_ID KEY VALUE STEP
python mlflow_store.py big DIR RUNS POINTS   RUNS runs, the first with POINTS points of one metric
"""

import json
import math
import os
import sys
import tempfile

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, ViewType  # noqa: E402

T0 = 1_700_000_000_000  # explicit timestamps (ms) the import must keep


def _uri(target):
    """A folder (file store), or a tracking server's URL as it is."""
    return target if target.startswith("http") else "file://" + os.path.abspath(target)


def write(folder):
    mlflow.set_tracking_uri(_uri(folder))
    client = MlflowClient()
    scratch = tempfile.mkdtemp()
    with open(os.path.join(scratch, "notes.txt"), "w") as f:
        f.write("trained on iris\n")
    model_dir = os.path.join(scratch, "model")
    os.makedirs(os.path.join(model_dir, "data"))
    with open(os.path.join(model_dir, "MLmodel"), "w") as f:
        f.write("artifact_path: model\nflavors: {}\n")
    with open(os.path.join(model_dir, "data", "weights.bin"), "wb") as f:
        f.write(bytes(range(256)) * 64)

    mlflow.set_experiment("train")
    with mlflow.start_run(run_name="parent") as parent:
        mlflow.log_params({"lr": "0.1", "epochs": "5"})
        for step in range(5):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step, timestamp=T0 + step * 1000)
        mlflow.log_metric("acc", float("nan"), step=0, timestamp=T0)
        mlflow.log_metric("acc", 0.9, step=1, timestamp=T0 + 1000)
        mlflow.set_tags({"team": "vision", "stage": "dev"})
        mlflow.log_artifact(os.path.join(scratch, "notes.txt"))
        mlflow.log_artifacts(model_dir, artifact_path="model")
        # An MLflow 3 logged model (kept outside the run's artifacts), registered as it is logged.
        from sklearn.datasets import load_iris
        from sklearn.linear_model import LogisticRegression

        X, y = load_iris(return_X_y=True)
        classifier = LogisticRegression(max_iter=300).fit(X, y)
        mlflow.sklearn.log_model(
            classifier, name="clf", registered_model_name="iris-logged", serialization_format="cloudpickle"
        )
        with mlflow.start_run(run_name="child", nested=True):
            mlflow.log_param("fold", "1")
            mlflow.log_metric("loss", 0.25, step=0, timestamp=T0 + 10_000)
    with mlflow.start_run(run_name="broken"):
        mlflow.log_metric("loss", float("inf"), step=0, timestamp=T0 + 20_000)
        mlflow.end_run(status="FAILED")

    mlflow.set_experiment("eval set")  # a space: Benchtop's experiment names have none
    with mlflow.start_run(run_name="stopped"):
        mlflow.log_metric("score", 3.0, step=7, timestamp=T0 + 30_000)
        mlflow.end_run(status="KILLED")

    client.create_registered_model("iris-clf", tags={"owner": "ml"}, description="iris classifier")
    client.create_model_version(
        "iris-clf",
        source=parent.info.artifact_uri + "/model",
        run_id=parent.info.run_id,
        tags={"quality": "good"},
        description="first",
    )
    # Files of no run: a folder of this machine (a server refuses that, and run files without their run).
    on_server = folder.startswith("http")
    client.create_model_version(
        "iris-clf",
        source=parent.info.artifact_uri + "/model" if on_server else _uri(model_dir),
        run_id=parent.info.run_id if on_server else None,
        tags={"quality": "better"},
        description="second",
    )
    print(json.dumps({"parent": parent.info.run_id}))


def _value(v):
    """NaN and the infinities as JSON has them in Benchtop's --json output: "NaN", "Infinity", "-Infinity"."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def view(folder):
    mlflow.set_tracking_uri(_uri(folder))
    client = MlflowClient()
    experiments = client.search_experiments(view_type=ViewType.ACTIVE_ONLY)
    runs = []
    for run in client.search_runs([e.experiment_id for e in experiments], max_results=10_000):
        metrics = {}
        for key in run.data.metrics:
            history = sorted(
                client.get_metric_history(run.info.run_id, key),
                key=lambda m: (m.step, m.timestamp, str(_value(m.value))),
            )
            metrics[key] = [[m.step, m.timestamp, _value(m.value)] for m in history]

        def files(path=None, run_id=run.info.run_id):
            for info in client.list_artifacts(run_id, path):
                yield from files(info.path, run_id) if info.is_dir else [info.path]

        runs.append(
            {
                "run_id": run.info.run_id,
                "experiment": client.get_experiment(run.info.experiment_id).name,
                "status": run.info.status,
                "start_time": run.info.start_time,
                "end_time": run.info.end_time,
                "run_name": run.info.run_name,
                "params": run.data.params,
                "tags": run.data.tags,
                "metrics": metrics,
                "artifacts": sorted(files()),
            }
        )
    models = []
    for model in client.search_registered_models():
        for v in client.search_model_versions("name='%s'" % model.name):
            # Into a folder of its own: a download with no destination writes into the store's own folder.
            downloaded = mlflow.artifacts.download_artifacts(
                "models:/%s/%s" % (v.name, v.version), dst_path=tempfile.mkdtemp()
            )
            files = sorted(
                os.path.relpath(os.path.join(d, f), downloaded).replace(os.sep, "/")
                for d, _, names in os.walk(downloaded)
                for f in names
                if f != "registered_model_meta"  # written by the download itself, not part of the version
            )
            models.append(
                {
                    "files": files,
                    "name": v.name,
                    "version": int(v.version),
                    "run_id": v.run_id or None,
                    "tags": v.tags,
                    "model_tags": model.tags,
                    "description": v.description,
                    "model_description": model.description,
                    "source": v.source,
                }
            )
    print(json.dumps({"experiments": sorted(e.name for e in experiments), "runs": runs, "models": models}))


def add_metric(folder, run_id, key, value, step):
    MlflowClient(tracking_uri=_uri(folder)).log_metric(run_id, key, float(value), step=int(step), timestamp=T0 + 99_000)


def big(folder, runs, points):
    client = MlflowClient(tracking_uri=_uri(folder))
    experiment = client.create_experiment("big")
    for index in range(int(runs)):
        run = client.create_run(experiment, run_name="run-%d" % index)
        count = int(points) if index == 0 else 200
        for start in range(0, count, 1000):
            batch = [Metric("m", i * 0.5, T0 + i, i) for i in range(start, min(start + 1000, count))]
            client.log_batch(run.info.run_id, metrics=batch)
        client.set_terminated(run.info.run_id, "FINISHED")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"write": write, "view": view, "add-metric": add_metric, "big": big}[command](*args)
