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


def init():
    global model
    path = _model_file()
    try:
        import joblib

        model = joblib.load(path)
    except ImportError:
        with open(path, "rb") as f:
            model = pickle.load(f)
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
