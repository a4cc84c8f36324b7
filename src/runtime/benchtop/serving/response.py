"""Response heads: the status line and framing, and headers (from the request or from run()) that cannot
inject anything into the head."""

import re
import uuid
from http import HTTPStatus

_REASONS = {status.value: status.phrase for status in HTTPStatus}

_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+")
# What a field value may hold on the wire: no CR, LF, NUL or other control, nothing beyond latin-1.
_SAFE_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")
_SAFE_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,100}")
# The server frames the response itself; a script's own framing fields would make the head ambiguous.
_SERVER_OWNED = frozenset(("content-length", "transfer-encoding", "connection"))
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def request_id(value):
    """The client's x-request-id when it is a safe token (visible ASCII, <= 100 characters), else a new one."""
    if value and _SAFE_REQUEST_ID.fullmatch(value):
        return value
    return str(uuid.uuid4())


def head(status, content_type, length, extra, keep_alive):
    """The response head as bytes (no Content-Length when length is None); `extra` holds only values the
    server made or checked."""
    lines = ["HTTP/1.1 %d %s\r\nContent-Type: %s\r\n" % (status, _REASONS.get(status, "Status"), content_type)]
    if length is not None:
        lines.append("Content-Length: %d\r\n" % length)
    for name, value in extra.items():
        lines.append("%s: %s\r\n" % (name, value))
    if not keep_alive:
        lines.append("Connection: close\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("latin-1")


def script_headers(headers):
    """(safe headers, content type or None, refused names) from an AMLResponse's response_headers."""
    safe = {}
    content_type = None
    refused = []
    for name, value in headers.items():
        name = str(name)
        value = str(value).strip(" \t")
        if not _TOKEN.fullmatch(name) or not _SAFE_VALUE.fullmatch(value) or name.lower() in _SERVER_OWNED:
            refused.append(name)
        elif name.lower() == "content-type":
            content_type = value
        else:
            safe[name] = value
    return safe, content_type, refused
