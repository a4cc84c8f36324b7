"""@rawhttp scoring: run() gets the request itself and may return an AMLResponse."""

import json
from urllib.parse import parse_qs


def rawhttp(func):
    """Marks run() as taking the raw request (azureml.contrib.services.aml_request.rawhttp)."""
    func.__benchtop_rawhttp__ = True
    return func


class BadRequest(Exception):
    """Raised by a scoring script (or the built-in scorer) for input it cannot use: 400 with this message."""


class AMLRequest:
    """The parts of a Flask request that @rawhttp scripts use."""

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query_string = query.encode("latin-1")
        self.full_path = path + "?" + query
        self.url = "http://localhost" + path + ("?" + query if query else "")
        self.headers = headers
        self.args = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(query).items()}
        self.data = body
        self.content_type = headers.get("content-type", "")
        self.mimetype = self.content_type.split(";")[0].strip()
        self.content_length = len(body)

    def get_data(self, as_text=False, cache=True, parse_form_data=False):
        return self.data.decode("utf-8") if as_text else self.data

    @property
    def is_json(self):
        return self.mimetype == "application/json" or (
            self.mimetype.startswith("application/") and self.mimetype.endswith("+json")
        )

    def get_json(self, force=False, silent=False, cache=True):
        if not (force or self.is_json):
            return None
        try:
            return json.loads(self.data.decode("utf-8"))
        except ValueError:
            if silent:
                return None
            raise BadRequest("POST body could not be decoded as JSON.")

    @property
    def json(self):
        return self.get_json()


class AMLResponse:
    """AMLResponse(message, status_code, response_headers=None, json_str=False), returned as it is."""

    def __init__(self, message=None, status_code=200, response_headers=None, json_str=False):
        self.status_code = int(status_code)
        self.headers = dict(response_headers or {})
        if json_str:
            self.body = json.dumps({} if message is None else message).encode("utf-8")
            self.headers.setdefault("Content-Type", "application/json")
        elif message is None:
            self.body = b"{}"
            self.headers.setdefault("Content-Type", "application/json")
        elif isinstance(message, bytes):
            self.body = message
        else:
            self.body = str(message).encode("utf-8")
        self.headers.setdefault("Content-Type", "text/html; charset=utf-8")
