"""MLflow's scoring-server contract beside Azure's /score, for every service.

The routes and answers of mlflow 3.17's mlflow/pyfunc/scoring_server: GET /ping and /health ("\\n", 200 once
init() is done: a worker serves only after it), GET /version, POST /invocations. An MLflow model's scorer
(mlflow_scorer.py) answers /invocations with the library's own parsing and JSON; for a score.py service
/invocations takes the JSON body to run() as /score does and answers run()'s value. Errors use MLflow's
JSON shape {"error_code": ..., "message": ...}; the 415s are plain text, as MLflow sends them.
"""

import json

from benchtop._version import BENCHTOP_VERSION

from .script import is_response, to_json_bytes

PATHS = frozenset(("/invocations", "/ping", "/health", "/version"))
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"  # as Starlette sends mlflow's plain-text answers
SCRIPT_ONLY_JSON = (
    "This service has an entry script (score.py): /invocations passes the JSON body to its run(), so it "
    "takes Content-Type application/json only. Got '%s'. Send JSON, or deploy an MLflow model (no entry "
    "script) to score CSV."
)


# What mlflow's FastAPI app answers a method a route does not take (with an Allow header).
METHOD_NOT_ALLOWED = b'{"detail":"Method Not Allowed"}'


def error_body(code, message):
    """MLflow's error JSON (MlflowException.serialize_as_json)."""
    return json.dumps({"error_code": code, "message": message}).encode("utf-8")


def status_code(status):
    """The MLflow error code for an HTTP status (as mlflow.exceptions maps 400, 404 and 500; other 4xx are the
    request's fault too)."""
    if status == 404:
        return "ENDPOINT_NOT_FOUND"
    return "BAD_REQUEST" if status < 500 else "INTERNAL_ERROR"


def _model_hook(module):
    hook = getattr(module, "mlflow_invocations", None)
    return hook if callable(hook) and getattr(hook, "__benchtop_mlflow__", False) else None


class MlflowContract:
    """What the MLflow routes answer for one loaded entry script."""

    def __init__(self, module, runner):
        self.runner = runner
        self.model = _model_hook(module)
        # MLflow's /version names the mlflow doing the serving; a score.py service is served by Benchtop.
        self.version = (getattr(self.model, "mlflow_version", None) or BENCHTOP_VERSION).encode("utf-8")

    def probe(self, method, path):
        """(status, body, content type) of GET /ping, /health, /version (HEAD too, as for GET /)."""
        if method not in ("GET", "HEAD"):
            return 405, METHOD_NOT_ALLOWED, JSON
        if path == "/version":
            return 200, self.version, JSON
        return 200, b"\n", JSON

    def invoke(self, method, path, query, headers, body):
        """POST /invocations: (status, body, content type), or run()'s AMLResponse. Raises BadRequest for
        input run() refused; anything else run() raised propagates (the worker answers 500)."""
        content_type = headers.get("content-type", "")
        if self.model is not None:
            return self.model(body, content_type)
        mime = content_type.split(";")[0].strip().lower()
        if mime != JSON:
            return 415, (SCRIPT_ONLY_JSON % content_type).encode("utf-8"), TEXT
        result = self.runner.call(method, path, query, headers, body)
        if is_response(result):
            return result
        return 200, to_json_bytes(result), JSON
