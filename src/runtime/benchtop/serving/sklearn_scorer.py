"""The built-in scorer of a no-code deployment: one ScikitLearn model, {"data": [[...], ...], "method": "predict" | "predict_proba"}."""

import json
import os
import pickle

from benchtop.serving.raw import BadRequest

model = None


def _model_file():
    base = os.environ["AZUREML_MODEL_DIR"]
    entries = [e for e in os.listdir(base) if not e.startswith(".")]
    path = os.path.join(base, entries[0]) if len(entries) == 1 else base
    if os.path.isdir(path):
        files = sorted(f for f in os.listdir(path) if f.endswith((".pkl", ".joblib", ".pickle", ".sav")))
        if not files:
            raise RuntimeError("The model folder %s has no .pkl/.joblib file to load." % path)
        path = os.path.join(path, files[0])
    return path


def _written_by_dill(path):
    with open(path, "rb") as f:
        return b"dill._dill" in f.read()


def _needs(path, package, err):
    # A model pickled with dill (or holding a class from a package) needs that package here.
    return RuntimeError(
        "Loading %s needs the Python package %r, which this environment lacks (Azure's no-code environment has "
        "dill, scikit-learn, joblib, numpy, pandas and scipy). Deploy with an environment that has it: "
        "Model.deploy(ws, name, [model], InferenceConfig(environment=env)) with no entry script, or "
        "benchtop service deploy -n NAME -m MODEL -e ENV." % (os.path.basename(path), package)
    )


def _load(path):
    """joblib as Azure's no-code scorer, then pickle; dill's own loader for what only it reads."""
    try:
        try:
            import joblib
        except ImportError:
            with open(path, "rb") as f:
                return pickle.load(f)
        return joblib.load(path)
    except Exception as err:
        try:
            import dill
        except ImportError:
            if _written_by_dill(path):
                raise _needs(path, "dill", err) from err
            if isinstance(err, ModuleNotFoundError):
                raise _needs(path, err.name, err) from err
            raise err
    try:
        with open(path, "rb") as f:
            return dill.load(f)
    except ModuleNotFoundError as err:
        raise _needs(path, err.name, err) from err


def init():
    global model
    path = _model_file()
    model = _load(path)
    print("Loaded %s (%s)" % (os.path.basename(path), type(model).__name__))


def run(raw):
    try:
        payload = json.loads(raw)
    except ValueError as err:
        raise BadRequest("The body is not JSON: %s" % err)
    if not isinstance(payload, dict) or "data" not in payload:
        raise BadRequest(
            'Send {"data": [[feature, ...], ...]} (optionally with "method": "predict" or "predict_proba").'
        )
    method = payload.get("method") or ("predict_proba" if hasattr(model, "predict_proba") else "predict")
    if method not in ("predict", "predict_proba") or not hasattr(model, method):
        raise BadRequest('"method" must be "predict" or "predict_proba" (one this model has).')
    result = getattr(model, method)(payload["data"])
    return result.tolist() if hasattr(result, "tolist") else result
