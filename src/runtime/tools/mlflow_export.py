"""Reads an MLflow store with the real mlflow library and writes it to stdout as JSON lines.

Runs in Benchtop's mlflow tool environment (not stdlib-only: the library reads its own stores,
file or server, better than any copy of its formats would). Benchtop's importer reads the lines
as they come, so a run with 100,000 metric points is never held whole on the Node side.

Lines, each a JSON object with "kind":
  plan           {"runs": N, "models": M} once, before anything else
  experiment     id, name, tags
  run            the run's info, params, tags; "unchanged": true when the importer already holds
                 its fingerprint (nothing else follows for it)
  metric         key, value, step, timestamp (ms), for the run announced last
  artifact       path (in the run), local (a file on this machine), size
  run_end        run_id, fingerprint: everything of the run has been written
  model_version  a registered model version, its files (run-relative path or a local folder)
  error          code, message, hint: the export stopped
NaN and the infinities travel as {"$float": "NaN"} as in a run's events file.
"""

import argparse
import hashlib
import json
import math
import os
import sys


def _float(value):
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")}
    return value


class Out:
    def __init__(self, stream):
        self._stream = stream

    def write(self, kind, **fields):
        fields["kind"] = kind
        self._stream.write(json.dumps(fields, allow_nan=False, separators=(",", ":")) + "\n")

    def flush(self):
        self._stream.flush()


def _fail(out, code, message, hint):
    out.write("error", code=code, message=message, hint=hint)
    out.flush()
    sys.exit(2)


def _pages(fetch):
    token = None
    while True:
        page = fetch(token)
        yield from page
        token = getattr(page, "token", None)
        if not token:
            return


def _artifact_files(client, run_id, path=None):
    """Every file under the run's artifacts: (path, size), recursively."""
    for info in client.list_artifacts(run_id, path):
        if info.is_dir:
            yield from _artifact_files(client, run_id, info.path)
        else:
            yield info.path, info.file_size


def _ordered(runs):
    """Parents before their children (a nested run points at its parent by mlflow.parentRunId)."""
    by_id = {r.info.run_id: r for r in runs}
    done, ordered = set(), []

    def visit(run, depth=0):
        if run.info.run_id in done:
            return
        parent = by_id.get(run.data.tags.get("mlflow.parentRunId"))
        if parent is not None and depth < 100:
            visit(parent, depth + 1)
        done.add(run.info.run_id)
        ordered.append(run)

    for run in runs:
        visit(run)
    return ordered


class RunExport:
    """One run: fingerprinted first (cheap to compare), streamed only when new or changed."""

    def __init__(self, client, run, staging):
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
        from mlflow.store.artifact.local_artifact_repo import LocalArtifactRepository

        self.client = client
        self.run = run
        self.staging = staging
        self.repo = get_artifact_repository(run.info.artifact_uri) if run.info.artifact_uri else None
        self.local_root = self.repo.artifact_dir if isinstance(self.repo, LocalArtifactRepository) else None
        self.artifacts = sorted(_artifact_files(client, run.info.run_id)) if self.repo else []
        self.metric_keys = sorted(run.data.metrics.keys())

    def history(self, key):
        return self.client.get_metric_history(self.run.info.run_id, key)

    def _digest(self):
        info, data = self.run.info, self.run.data
        digest = hashlib.sha256()
        head = [info.status, info.start_time, info.end_time, info.run_name, info.lifecycle_stage]
        head += [sorted(data.params.items()), sorted(data.tags.items()), self.artifacts]
        digest.update(json.dumps(head, default=str).encode())
        return digest

    @staticmethod
    def _add(digest, key, history):
        digest.update(json.dumps([key, [[m.step, m.timestamp, repr(m.value)] for m in history]]).encode())

    def fingerprint(self):
        """What the importer compares with what it holds: everything of the run, metric histories included."""
        digest = self._digest()
        for key in self.metric_keys:
            self._add(digest, key, self.history(key))
        return digest.hexdigest()[:32]

    def write(self, out):
        """Streams the run; its fingerprint is computed on the way (one read of each history)."""
        digest = self._digest()
        for key in self.metric_keys:
            history = self.history(key)
            self._add(digest, key, history)
            for m in history:
                out.write("metric", key=key, value=_float(m.value), step=m.step, timestamp=m.timestamp)
        for path, size in self.artifacts:
            out.write("artifact", path=path, local=self.local_file(path), size=size)
        out.write("run_end", run_id=self.run.info.run_id, fingerprint=digest.hexdigest()[:32])

    def local_file(self, path):
        if self.local_root is not None:
            return os.path.join(self.local_root, *path.split("/"))
        # A server's artifacts: downloaded into Benchtop's staging folder, copied from there.
        target = os.path.join(self.staging, self.run.info.run_id)
        os.makedirs(target, exist_ok=True)
        return self.repo.download_artifacts(path, dst_path=target)


def _run_fields(run, experiment_name, fingerprint):
    info, data = run.info, run.data
    return {
        "run_id": info.run_id,
        "experiment_id": info.experiment_id,
        "experiment": experiment_name,
        "run_name": info.run_name,
        "status": info.status,
        "start_time": info.start_time,
        "end_time": info.end_time,
        "artifact_uri": info.artifact_uri,
        "parent_run_id": data.tags.get("mlflow.parentRunId"),
        "params": data.params,
        "tags": data.tags,
        "fingerprint": fingerprint,
    }


def _version_files(client, version, runs, staging):
    """Where a version's files are: a path inside its (imported) run's artifacts, else a local folder."""
    from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository
    from mlflow.store.artifact.local_artifact_repo import LocalArtifactRepository

    run = runs.get(version.run_id)
    source = version.source or ""
    if run is not None:
        root = (run.info.artifact_uri or "").rstrip("/")
        for prefix in (root + "/", "runs:/%s/" % run.info.run_id):
            if source.startswith(prefix) and source[len(prefix) :].strip("/"):
                return {"run_path": source[len(prefix) :].strip("/")}
    uri = client.get_model_version_download_uri(version.name, version.version)
    repo = get_artifact_repository(uri)
    root = _root_name(client, version)
    if isinstance(repo, LocalArtifactRepository):
        return {"local": repo.artifact_dir, "root": root}
    target = os.path.join(staging, "models", version.name, str(version.version))
    os.makedirs(target, exist_ok=True)
    return {"local": repo.download_artifacts("", dst_path=target), "root": root}


def _root_name(client, version):
    """The folder name the version's files go under: the logged model's name (MLflow 3), else the source's last part."""
    model_id = getattr(version, "model_id", None)
    if model_id:
        try:
            return client.get_logged_model(model_id).name or "model"
        except Exception:  # noqa: BLE001 - a store without logged models: the fallback below
            pass
    last = (version.source or "").rstrip("/").rsplit("/", 1)[-1]
    return "model" if last in ("", "artifacts") or last.startswith("m-") or ":" in last else last


def _export_models(client, out, models, known, runs, staging):
    for model in models:
        quoted = model.name.replace("'", "\\'")
        versions = _pages(
            lambda t, q=quoted: client.search_model_versions("name='%s'" % q, max_results=200, page_token=t)
        )
        for version in sorted(versions, key=lambda v: int(v.version)):
            fields = {
                "name": version.name,
                "version": str(version.version),
                "description": version.description or "",
                "model_description": model.description or "",
                "tags": dict(version.tags or {}),
                "model_tags": dict(model.tags or {}),
                "run_id": version.run_id or None,
                "source": version.source,
                "status": version.status,
                "creation_timestamp": version.creation_timestamp,
            }
            fingerprint = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()[:32]
            key = "%s/%s" % (version.name, version.version)
            if known.get(key) == fingerprint:
                out.write("model_version", unchanged=True, fingerprint=fingerprint, **fields)
                continue
            files = _version_files(client, version, runs, staging)
            out.write("model_version", fingerprint=fingerprint, **fields, **files)
        out.flush()


def export(args, out):
    import mlflow
    from mlflow.entities import ViewType
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(args.uri)
    mlflow.set_registry_uri(args.uri)
    client = mlflow.MlflowClient(tracking_uri=args.uri, registry_uri=args.uri)
    known = json.load(open(args.known)) if args.known else {"runs": {}, "versions": {}}
    try:
        experiments = list(
            _pages(lambda t: client.search_experiments(view_type=ViewType.ACTIVE_ONLY, max_results=1000, page_token=t))
        )
    except MlflowException as err:
        _fail(
            out,
            "UNSUPPORTED",
            "MLflow %s cannot read the store at %s: %s" % (mlflow.__version__, args.uri, err.message),
            "Open the store with the MLflow version that wrote it and `mlflow server --host 127.0.0.1`, "
            "then import from http://127.0.0.1:PORT.",
        )
    if args.experiment:
        names = {e.name for e in experiments}
        missing = [n for n in args.experiment if n not in names]
        if missing:
            _fail(
                out,
                "NOT_FOUND",
                "No experiment named %s in the store." % ", ".join(repr(n) for n in missing),
                "Its experiments are: %s." % ", ".join(sorted(names)),
            )
        experiments = [e for e in experiments if e.name in args.experiment]
    names = {e.experiment_id: e.name for e in experiments}
    runs = []
    if experiments:
        runs = list(
            _pages(
                lambda t: client.search_runs(
                    list(names), run_view_type=ViewType.ACTIVE_ONLY, max_results=1000, page_token=t
                )
            )
        )
    runs = _ordered(runs)
    models = list(_pages(lambda t: client.search_registered_models(max_results=100, page_token=t)))
    out.write("plan", runs=len(runs), models=len(models), mlflow_version=mlflow.__version__)
    counts = {}
    for run in runs:
        counts[run.info.experiment_id] = counts.get(run.info.experiment_id, 0) + 1
    for experiment in experiments:
        out.write(
            "experiment",
            id=experiment.experiment_id,
            name=experiment.name,
            tags=dict(experiment.tags or {}),
            runs=counts.get(experiment.experiment_id, 0),
        )
    out.flush()
    for run in runs:
        exporting = RunExport(client, run, args.staging)
        held = known["runs"].get(run.info.run_id)
        # Only a run the importer holds is fingerprinted first (a new one is read once, as it is streamed).
        fingerprint = exporting.fingerprint() if held else None
        fields = _run_fields(run, names[run.info.experiment_id], fingerprint)
        if held and held == fingerprint:
            out.write("run", unchanged=True, **fields)
        else:
            out.write("run", **fields)
            exporting.write(out)
        out.flush()
    _export_models(client, out, models, known["versions"], {r.info.run_id: r for r in runs}, args.staging)
    out.write("done")
    out.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", required=True, help="file:///.../mlruns or http://127.0.0.1:PORT")
    parser.add_argument("--staging", required=True, help="where a server's artifacts are downloaded to")
    parser.add_argument("--experiment", action="append", default=[], help="only these experiments (repeatable)")
    parser.add_argument("--known", help="JSON file: fingerprints already imported, {runs: {}, versions: {}}")
    args = parser.parse_args()
    # The file store is in "maintenance mode" in MLflow 3 and refuses to open without this; reading is what we do.
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    out = Out(sys.stdout)
    try:
        export(args, out)
    except Exception as err:  # noqa: BLE001 - every failure becomes one error line the importer can show
        import traceback

        import mlflow
        from mlflow.exceptions import MlflowException

        traceback.print_exc()  # into the import's log
        if isinstance(err, MlflowException):
            _fail(out, "BAD_INPUT", "MLflow could not read %s: %s" % (args.uri, err.message), _hint_for(args.uri))
        # Inside the library's reading: a damaged file, or a layout this MLflow version does not know.
        _fail(
            out,
            "UNSUPPORTED",
            "MLflow %s could not read the store at %s (%s: %s): a file of it is damaged, or it was written by "
            "an MLflow version this one cannot read." % (mlflow.__version__, args.uri, type(err).__name__, err),
            "Open it with the MLflow that wrote it (`mlflow server --backend-store-uri DIR --host 127.0.0.1`) and "
            "import http://127.0.0.1:5000, or check the store's meta.yaml files.",
        )


def _hint_for(uri):
    if uri.startswith("http"):
        return "Check that the tracking server at %s is running and serves this store." % uri
    return "Check that the folder is an MLflow store (mlruns/) that MLflow can open."


if __name__ == "__main__":
    main()
