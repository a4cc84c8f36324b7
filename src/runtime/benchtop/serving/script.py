"""Loading score.py and calling its run() the way the Azure ML inference server does."""

import importlib.util
import inspect
import json
import os
import sys

from .raw import AMLRequest, AMLResponse, BadRequest


class ScriptError(Exception):
    """The entry script cannot be served (no init/run, import failed)."""


def load(entry_script, source_dir):
    """Imports the entry script as a module (its folder and the source folder on sys.path)."""
    path = os.path.abspath(entry_script)
    if not os.path.isfile(path):
        raise ScriptError("No score script found at %s." % path)
    for folder in (source_dir, os.path.dirname(path)):
        if folder and folder not in sys.path:
            sys.path.insert(0, folder)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    missing = [f for f in ("init", "run") if not callable(getattr(module, f, None))]
    if missing:
        raise ScriptError(
            "User script at %s does not have a %s function defined." % (path, "/".join(f + "()" for f in missing))
        )
    return module


def _schema_util():
    try:
        from inference_schema import schema_util  # only when the environment has inference-schema

        return schema_util
    except Exception:
        return None


class Runner:
    """How run() is called: raw request, inference-schema parameters, or the body as a string."""

    def __init__(self, module):
        self.run = module.run
        self.raw = bool(getattr(self.run, "__benchtop_rawhttp__", False))
        util = _schema_util()
        self.schema = util is not None and util.is_schema_decorated(self.run)
        self.input_schema = util.get_input_schema(self.run) if self.schema else {}
        self.output_schema = util.get_output_schema(self.run) if self.schema else {}
        target = inspect.unwrap(self.run)
        try:
            self.parameters = inspect.signature(target).parameters
        except (TypeError, ValueError):
            self.parameters = {}
        self.wants_headers = "request_headers" in self.parameters
        if self.raw and self.schema:
            raise ScriptError("run() is decorated with both @rawhttp and an inference-schema decorator; use one.")

    def describe(self):
        if self.raw:
            return "run() is decorated with @rawhttp. Server will invoke it with the raw request object."
        if self.schema:
            return (
                "run() is decorated with inference-schema. Server will invoke it with the input as keyword arguments."
            )
        return "run() is not decorated. Server will invoke it with the input in JSON string."

    def call(self, method, path, query, headers, body):
        """Returns the run() result (any value, or an AMLResponse). Raises BadRequest for input errors (400/415)."""
        if self.raw:
            return self.run(AMLRequest(method, path, query, headers, body))
        if method == "GET":
            payload = _query_as_json(query)
            if self.schema:
                return self._call_schema(payload)
            return self._plain(json.dumps(payload), headers)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise BadRequest("Input cannot be decoded as UTF-8: %s" % err)
        if self.schema:
            mime = headers.get("content-type", "").split(";")[0].strip()
            if not (mime == "application/json" or (mime.startswith("application/") and mime.endswith("+json"))):
                raise UnsupportedMediaType("Expects Content-Type to be application/json")
            if not text.strip():
                raise BadRequest("POST body is empty. Expecting a JSON dictionary.")
            try:
                payload = json.loads(text)
            except ValueError as err:
                raise BadRequest("POST body could not be decoded as JSON: %s" % err)
            if not isinstance(payload, dict):
                raise BadRequest("POST body should be a JSON dictionary.")
            return self._call_schema(payload)
        return self._plain(text, headers)

    def _plain(self, text, headers):
        return self.run(text, request_headers=headers) if self.wants_headers else self.run(text)

    def _call_schema(self, payload):
        for name, parameter in self.parameters.items():
            if name == "request_headers" or parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
                continue
            if name not in payload and parameter.default is parameter.empty:
                raise BadRequest("A value is not provided for the '%s' parameter." % name)
        return self.run(**payload)


class UnsupportedMediaType(BadRequest):
    status = 415


def _query_as_json(query):
    """?a=1&b=[1,2]&c=x -> {"a": 1, "b": [1, 2], "c": "x"}; repeated keys become lists."""
    from urllib.parse import parse_qsl

    out = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
        if key in out:
            out[key] = out[key] + [parsed] if isinstance(out[key], list) else [out[key], parsed]
        else:
            out[key] = parsed
    return out


def to_json_bytes(value):
    """run()'s return value as the JSON body (NumPy arrays and scalars via tolist/item)."""
    return json.dumps(value, default=_jsonable).encode("utf-8")


def _jsonable(value):
    for attr in ("tolist", "item"):
        if hasattr(value, attr):
            return getattr(value, attr)()
    raise TypeError("run() returned a %s, which is not JSON serializable" % type(value).__name__)


def is_response(value):
    return isinstance(value, AMLResponse)
