"""The built-in scorer of a no-code MLflow model deployment: the model loaded by mlflow.pyfunc.load_model.

POST /invocations is answered by mlflow's own scoring server code (mlflow.pyfunc.scoring_server.invocations:
its parsing of the four JSON shapes, params and CSV, its schema enforcement, its predictions_to_json and its
errors), byte for byte what `mlflow models serve` answers, with a shortcut for plain numeric requests to
scikit-learn models that gives the same bytes (mlflow_fastpath.py). No web framework is used: that module
imports FastAPI only inside its app factory (init()), which is not called here, so the library's helpers
are called straight from Benchtop's own HTTP server.
POST /score takes Azure's MLflow no-code shapes, {"input_data": {"columns", "index", "data"} | [...],
"params"?} and {"data": [[...]]}, and answers the predictions list.
"""

import json
import os

from benchtop.serving import mlflow_fastpath
from benchtop.serving.raw import BadRequest

model = None
input_schema = None
fast = None
scoring_server = None
MlflowException = Exception


def _model_folder():
    """The model version's folder (AZUREML_MODEL_DIR) or the single folder registered in it, with MLmodel."""
    base = os.environ["AZUREML_MODEL_DIR"]
    if os.path.isfile(os.path.join(base, "MLmodel")):
        return base
    entries = [e for e in os.listdir(base) if not e.startswith(".")]
    if len(entries) == 1 and os.path.isfile(os.path.join(base, entries[0], "MLmodel")):
        return os.path.join(base, entries[0])
    raise RuntimeError(
        "No MLmodel file in %s (nor in a single folder inside it): this is not an MLflow model. Register the "
        "folder mlflow.<flavor>.save_model wrote (the one holding MLmodel), or deploy with an entry script." % base
    )


def _import_mlflow():
    global scoring_server, MlflowException
    try:
        import mlflow.pyfunc
        from mlflow.exceptions import MlflowException as library_exception
        from mlflow.pyfunc import scoring_server as server
    except ImportError as err:
        raise RuntimeError(
            "Serving an MLflow model needs the Python package mlflow (or mlflow-skinny) and the model's own "
            "requirements in the service's environment, which lacks them (%s). Deploy with the environment "
            "built from the model's requirements (benchtop service deploy -n NAME -m MODEL, no -e), or with an "
            "environment that has mlflow: benchtop service deploy -n NAME -m MODEL -e ENV." % err
        ) from err
    scoring_server, MlflowException = server, library_exception
    return mlflow


def init():
    global model, input_schema, fast
    folder = _model_folder()
    mlflow = _import_mlflow()
    flavors = sorted(mlflow.models.Model.load(folder).flavors)
    if "python_function" not in flavors:
        raise RuntimeError(
            "The MLflow model in %s has no python_function flavor (its flavors: %s), so it cannot be served "
            "without code. Save it with a flavor that writes python_function (mlflow.sklearn, mlflow.pyfunc, ...), "
            "or deploy it with an entry script that loads it." % (folder, ", ".join(flavors) or "none")
        )
    model = scoring_server.load_model_with_mlflow_config(folder)
    input_schema = model.metadata.get_input_schema()
    # As mlflow's scoring server does once the model is loaded: flavors read it to act as in serving.
    from mlflow.environment_variables import _MLFLOW_IS_IN_SERVING_ENVIRONMENT

    os.environ[_MLFLOW_IS_IN_SERVING_ENVIRONMENT.name] = "true"
    if os.environ.get("BENCHTOP_MLFLOW_SHORTCUT", "1") == "0":
        fast, why_not = None, "turned off (BENCHTOP_MLFLOW_SHORTCUT=0)"
    else:
        fast, why_not = mlflow_fastpath.for_model(model, scoring_server)
    mlflow_invocations.mlflow_version = mlflow.__version__
    print(
        "Loaded the MLflow model in %s (flavors: %s; mlflow %s); /invocations %s"
        % (
            folder,
            ", ".join(flavors),
            mlflow.__version__,
            "takes the numeric shortcut for plain requests" if fast else "has no shortcut: %s" % why_not,
        )
    )


def mlflow_invocations(body, content_type):
    """POST /invocations: (status, body bytes, content type), as mlflow's scoring server answers."""
    if fast is not None and body[:1] == b"{":
        answer = _shortcut(lambda: json.loads(body), content_type)
        if answer is not None:
            return answer
    return _library(body, content_type)


def _shortcut(payload, content_type):
    try:
        return fast.answer(payload(), content_type)
    except Exception:
        return None  # whatever the library makes of it, including the error, is the answer


mlflow_invocations.__benchtop_mlflow__ = True


def _library(data, content_type):
    try:
        result = scoring_server.invocations(data, content_type, model, input_schema)
    except MlflowException as err:
        return err.get_http_status_code(), err.serialize_as_json().encode("utf-8"), "application/json"
    except Exception as err:
        # What mlflow does not catch (JSON nested deeper than the parser's recursion limit, memory): its
        # server would answer a bare 500; the request is what is wrong, so MLflow's 400.
        print("Could not read an /invocations request: %s: %s" % (type(err).__name__, str(err)[:200]))
        message = "The request could not be read: %s: %s" % (type(err).__name__, err)
        return 400, json.dumps({"error_code": "BAD_REQUEST", "message": message}).encode("utf-8"), "application/json"
    mime = result.mimetype
    # Starlette adds the charset to the text types mlflow's app answers (its 415s).
    return (
        result.status,
        result.response.encode("utf-8"),
        mime + "; charset=utf-8" if mime.startswith("text/") else mime,
    )


def run(raw):
    """POST /score with Azure's MLflow no-code shapes; answers the predictions list."""
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError) as err:
        raise BadRequest("The body is not JSON: %s" % err)
    request = _as_mlflow_request(payload)
    answer = _shortcut(lambda: request, "application/json") if fast is not None else None
    status, body, _ = answer or _library(request, "application/json")
    answer = json.loads(body)
    if status != 200:
        raise BadRequest(answer.get("message", "The model could not score the input."))
    return answer["predictions"]


def _as_mlflow_request(payload):
    if not isinstance(payload, dict) or not ("input_data" in payload or "data" in payload):
        raise BadRequest(
            'Send {"input_data": {"columns": [...], "index": [...], "data": [[...], ...]}} (a pandas split '
            'frame), {"input_data": [...]} (a tensor), or {"data": [[...], ...]}; "params" optional. '
            "MLflow's own shapes go to POST /invocations."
        )
    params = {"params": payload["params"]} if "params" in payload else {}
    if "input_data" in payload:
        data = payload["input_data"]
        if isinstance(data, dict) and "data" in data:
            return {"dataframe_split": data, **params}
        return {"inputs": data, **params}
    rows = payload["data"]
    if input_schema is not None and input_schema.has_input_names() and isinstance(rows, list):
        # Rows in the signature's column order, as Azure's no-code scorer reads {"data": [[...]]}.
        return {"dataframe_split": {"columns": input_schema.input_names(), "data": rows}, **params}
    return {"inputs": rows, **params}
