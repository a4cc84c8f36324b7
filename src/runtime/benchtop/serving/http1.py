"""Strict, incremental HTTP/1.1 request parsing for the scoring worker (no I/O: bytes in, requests out).

Hand-written rather than h11 for speed: parsing a scoring request costs h11 ~27 us (~45 us with the
answer) against ~5 us here, and a head seen before (same headers and body size) is a dict lookup; the
old unchecked split cost ~2 us and run() itself ~120 us, so h11 would have cost the keep-alive target.
test/python/http_differential.py keeps it honest: >= 100,000 generated request streams go to this parser
and to h11 0.16, and any disagreement fails test/integration/scoringHttp.test.ts. Where this parser is
stricter than h11 the rule is listed there (POLICY): Content-Length with Transfer-Encoding, HTTP versions
other than 1.0 and 1.1, Transfer-Encoding on HTTP/1.0, control characters in field values, obs-fold.

Every body is read linearly: a Content-Length body is sliced out once it is complete, a chunked one is
decoded as it arrives (each byte looked at once), so neither a slow client nor tiny chunks cost more
than the bytes they send.
"""

import re

MAX_HEAD = 64 * 1024

# RFC 9110 token: h11's method and field name.
_TOKEN = r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
_REQUEST_LINE = re.compile(r"(%s) ([\x21-\x7e]+) HTTP/([0-9]\.[0-9])" % _TOKEN)
# One field line (CRLFs already made LFs). The value may hold HTAB, SP, visible ASCII and obs-text: h11
# also takes control characters other than NUL, CR, LF, VT and FF; we refuse them all. Anchored at a
# line's start, so a line that does not match as a whole is not matched at all (findall skips it and
# the count of matches comes up short).
_FIELD_LINE = re.compile(r"^(%s):([\t\x20-\x7e\x80-\xff]*)\n" % _TOKEN, re.MULTILINE)
_DIGITS = re.compile(r"[0-9]{1,20}")
_BLANK_LINE = re.compile(rb"\n\r?\n")
# h11's chunk header: 1-20 hex digits, any extension (ignored), trailing blanks, CRLF.
_CHUNK_LINE = re.compile(rb"([0-9A-Fa-f]{1,20})(?:;.*)?[ \t]*\r\n")

_ONE_HEX_DIGIT = {ord(c): int(c, 16) for c in "0123456789abcdefABCDEF"}

# What a connection waits for (RequestParser.waiting_for); the worker has a timeout for each.
IDLE, HEAD, BODY = "idle", "head", "body"
# Parser states; between requests it is IDLE.
_LENGTH, _CHUNK_SIZE, _CHUNK_DATA, _CHUNK_END, _TRAILERS = range(5)


class HttpError(Exception):
    """The request cannot be served; answer `status` with `message` and close the connection."""

    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status
        self.message = message


class Request:
    __slots__ = ("method", "target", "version", "fields", "body", "keep_alive", "expect_continue")

    def headers(self):
        """Lower-case names to values; a repeated field's values joined with ", " (RFC 9110 5.3)."""
        out = dict(self.fields)
        if len(out) == len(self.fields):
            return out
        out = {}
        for name, value in self.fields:
            out[name] = out[name] + ", " + value if name in out else value
        return out


# Hand-written, not h11, for speed (see above); test/python/http_differential.py proves it agrees with h11.
class RequestParser:
    """feed() bytes as they arrive, then call next() until it returns None (more bytes needed).

    next() raises HttpError for anything malformed or ambiguous; the connection must then be closed,
    since where the next request would start is unknown.
    """

    __slots__ = ("buf", "pos", "scanned", "state", "request", "remaining", "body", "max_body", "max_head")

    def __init__(self, max_body, max_head=MAX_HEAD):
        self.buf = bytearray()
        self.pos = 0  # start of the bytes not parsed yet
        self.scanned = 0  # how far a line search got, so a head trickling in is not searched again
        self.state = IDLE
        self.request = None
        self.remaining = 0
        self.body = None
        self.max_body = max_body
        self.max_head = max_head

    def feed(self, data):
        if self.pos == len(self.buf):
            self.buf = bytearray(data)  # all parsed: start afresh (and let go of a big buffer's memory)
            self.pos = self.scanned = 0
            return
        if self.pos:
            del self.buf[: self.pos]
            self.scanned = max(0, self.scanned - self.pos)
            self.pos = 0
        self.buf += data

    @property
    def idle(self):
        """Between requests with nothing buffered."""
        return self.state == IDLE and self.pos == len(self.buf)

    def waiting_for(self):
        """IDLE (nothing buffered), HEAD (part of a head) or BODY (the rest of a body)."""
        if self.state != IDLE:
            return BODY
        return IDLE if self.pos == len(self.buf) else HEAD

    def release(self):
        """Drops the buffer's memory (after a big body) once nothing is left in it."""
        if self.pos == len(self.buf):
            self.buf = bytearray()
            self.pos = self.scanned = 0

    def discard(self):
        """Forgets everything buffered (the connection is being closed)."""
        self.buf = bytearray()
        self.pos = self.scanned = 0
        self.state = IDLE
        self.request = self.body = None

    def next(self):
        if self.state == IDLE and not self._head():
            return None
        if self.state == _LENGTH:
            end = self.pos + self.remaining
            if len(self.buf) < end:
                return None
            self.request.body = bytes(memoryview(self.buf)[self.pos : end])
            self.pos = end
        elif self.state != IDLE and not self._chunks():
            return None
        request = self.request
        self.request = self.body = None
        self.state = IDLE
        return request

    def _text(self, trailers):
        """h11's maybe_extract_lines: the text up to and with the first blank line, or None until it arrives."""
        buf = self.buf
        pos = self.pos
        first = buf[pos] if pos < len(buf) else -1
        if first == 10 or (first == 13 and buf.startswith(b"\n", pos + 1)):
            if not trailers:
                raise HttpError(400, "The request starts with an empty line.")
            self.pos = pos + (1 if first == 10 else 2)
            return ""
        match = _BLANK_LINE.search(buf, max(pos, self.scanned))
        if match is None:
            if len(buf) - pos > self.max_head:
                raise HttpError(431, "Request headers are too large.")
            if not trailers and first < 0x21:
                raise HttpError(400, "Malformed request line.")  # h11 refuses this before the line ends
            self.scanned = max(pos, len(buf) - 2)
            return None
        end = match.end()
        if end - pos > self.max_head:
            raise HttpError(431, "Request headers are too large.")
        self.pos = end
        self.scanned = 0
        return buf[pos:end].decode("latin-1")

    def _head(self):
        if self.pos == len(self.buf):
            return False
        text = self._text(False)
        if text is None:
            return False
        head = _HEADS.get(text)
        if head is None:
            head = _parse_head(text)
            if len(text) <= _CACHED_HEAD:
                if len(_HEADS) >= _CACHED_HEADS:
                    _HEADS.clear()
                _HEADS[text] = head
        request = Request()
        request.method, request.target, request.version, request.fields, length, coding = head[:6]
        request.keep_alive, request.expect_continue = head[6:]
        request.body = b""
        self.request = request
        if coding:
            self.state = _CHUNK_SIZE
            self.body = bytearray()
        elif length:
            if length > self.max_body:
                raise HttpError(413, "Request body is too large.")
            self.state = _LENGTH
            self.remaining = length
        return True

    def _chunks(self):
        """Decodes what has arrived of a chunked body; True once the body and trailers are complete."""
        buf = self.buf
        size = len(buf)
        pos = self.pos
        body = self.body
        state = self.state
        remaining = self.remaining
        received = len(body)
        try:
            while True:
                if state == _CHUNK_SIZE:
                    digit = _ONE_HEX_DIGIT.get(buf[pos], -1) if pos + 2 < size else -1
                    if digit >= 0 and buf.startswith(b"\r\n", pos + 1):
                        # "5\r\n": the regex's answer without the regex, so tiny chunks stay fast.
                        remaining = digit
                        pos += 3
                    else:
                        after = self._chunk_size_line(pos)
                        if after < 0:
                            return False
                        pos = after
                        remaining = self.remaining
                    if not remaining:
                        state = _TRAILERS
                        break
                    received += remaining
                    if received > self.max_body:
                        raise HttpError(413, "Request body is too large.")
                    end = pos + remaining
                    if end + 2 <= size:
                        # The whole chunk and its CRLF are here (the common case, and tiny chunks).
                        if not buf.startswith(b"\r\n", end):
                            raise HttpError(400, "Chunk data is not followed by CRLF.")
                        body += buf[pos:end]
                        pos = end + 2
                        continue
                    state = _CHUNK_DATA
                if state == _CHUNK_DATA:
                    end = min(size, pos + remaining)
                    body += buf[pos:end]
                    remaining -= end - pos
                    pos = end
                    if remaining:
                        return False
                    state = _CHUNK_END
                    remaining = 2
                if state == _CHUNK_END:
                    # The CRLF after the data, checked byte by byte as it arrives (as h11 does).
                    while remaining and pos < size:
                        if buf[pos] != (13 if remaining == 2 else 10):
                            raise HttpError(400, "Chunk data is not followed by CRLF.")
                        pos += 1
                        remaining -= 1
                    if remaining:
                        return False
                    state = _CHUNK_SIZE
                    continue
                break
        finally:
            self.pos = pos
            self.state = state
            self.remaining = remaining
        # Trailers: parsed and validated like headers, then dropped.
        text = self._text(True)
        if text is None:
            return False
        if text and _fields(None, text.replace("\r\n", "\n")[:-1])[1] == "unsupported":
            raise HttpError(400, "Invalid Transfer-Encoding in the trailers.")
        self.request.body = bytes(body)
        return True

    def _chunk_size_line(self, pos):
        """Parses the chunk size line at pos into self.remaining; returns the position after it, or -1 until complete."""
        buf = self.buf
        # The regex runs once per line: a line that was incomplete before is searched on from where
        # that search stopped, so a long line trickling in is not rescanned.
        line = _CHUNK_LINE.match(buf, pos) if self.scanned <= pos else None
        if line is None:
            eol = buf.find(b"\r\n", max(pos, self.scanned - 1))
            if eol < 0:
                if len(buf) - pos > self.max_head:
                    raise HttpError(400, "Malformed chunk size line.")
                self.scanned = len(buf)
                return -1
            self.scanned = 0
            line = _CHUNK_LINE.fullmatch(buf, pos, eol + 2)
            if line is None:
                raise HttpError(400, "Malformed chunk size line.")
        self.remaining = int(line[1], 16)
        return line.end()


# Heads already parsed, by their text: a client that sends the same head again (the same headers and
# body size, the common case for a scoring client) costs a dict lookup instead of a parse. A head's
# parse depends on nothing but its text; the cached fields are shared, so nothing may change them.
_HEADS = {}
_CACHED_HEADS = 256
_CACHED_HEAD = 2048


def _parse_head(text):
    """(method, target, version, fields, Content-Length, coding, keep_alive, expect_continue) of a head's
    text (up to and with its blank line), or HttpError."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # h11: a line ends at LF, one CR before it dropped
    line_end = text.index("\n")
    line = _REQUEST_LINE.fullmatch(text, 0, line_end)
    if line is None:
        raise HttpError(400, "Malformed request line.")
    method, target, version = line.groups()
    if version != "1.1" and version != "1.0":
        raise HttpError(505, "HTTP version %s is not supported." % version)
    request = Request()
    request.version = version
    request.keep_alive = version == "1.1"
    request.expect_continue = False
    length, coding = _fields(request, text[line_end + 1 : -1])
    if coding is not None and (length is not None or version == "1.0"):
        raise HttpError(400, "Transfer-Encoding with Content-Length, or on HTTP/1.0, is ambiguous.")
    if coding == "unsupported":
        raise HttpError(501, "Only Transfer-Encoding: chunked is supported.")
    return method, target, version, request.fields, length, coding, request.keep_alive, request.expect_continue


_SPECIAL = frozenset(("content-length", "transfer-encoding", "host", "connection", "expect"))


def _fields(request, block):
    """Fills request.fields (and keep_alive, expect_continue) from block, the field lines, each ending in LF.

    Content-Length and Transfer-Encoding follow h11's normalize_and_validate; trailers get the same
    checks (request None). Returns (Content-Length or None, None or the coding: "chunked" or "unsupported").
    """
    pairs = _FIELD_LINE.findall(block)
    if len(pairs) != block.count("\n"):
        raise HttpError(400, _bad_line(block))
    fields = [(name.lower(), value.strip(" \t")) for name, value in pairs]
    length = length_text = coding = None
    hosts = 0
    length_at = duplicate = None
    for index, (name, value) in enumerate(fields):
        if name not in _SPECIAL:
            continue
        if name == "content-length":
            if not (value.isdigit() and value.isascii() and len(value) <= 20):
                # h11: "5, 5" is 5, but "5" and "05" conflict.
                values = {v.strip(" \t") for v in value.split(",")}
                value = values.pop()
                if values or not _DIGITS.fullmatch(value):
                    raise HttpError(400, "Invalid Content-Length.")
            if length is not None:
                if value != length_text:
                    raise HttpError(400, "Conflicting Content-Length.")
                duplicate = index  # h11 keeps the first of identical fields
                continue
            fields[index] = (name, value)
            length_at = index
            length_text = value
            length = int(value)
        elif name == "transfer-encoding":
            value = value.lower()
            if coding is not None:
                raise HttpError(400, "Repeated Transfer-Encoding.")
            coding = "chunked"
            if value != "chunked":
                codings = [c.strip(" \t") for c in value.split(",")]
                if codings[-1] != "chunked" or codings.count("chunked") != 1:
                    raise HttpError(400, "Invalid Transfer-Encoding.")
                coding = "unsupported"  # chunked over another coding: 501 unless the framing is ambiguous too
            fields[index] = (name, value)
        elif request is None:
            pass
        elif name == "host":
            hosts += 1
        elif name == "connection":
            if "close" in _comma_values(value):
                request.keep_alive = False
        elif request.version == "1.1" and "100-continue" in _comma_values(value):
            request.expect_continue = True
    if request is not None:
        if hosts > 1 or (hosts == 0 and request.version == "1.1"):
            raise HttpError(400, "An HTTP/1.1 request needs exactly one Host header.")
        if duplicate is not None:
            fields = [field for i, field in enumerate(fields) if field[0] != "content-length" or i == length_at]
        request.fields = fields
    return length, coding


def _comma_values(value):
    return [item.strip(" \t").lower() for item in value.split(",")]


def _bad_line(block):
    """Why a field line did not parse, for the 400's message."""
    for line in block.split("\n"):
        if line and not _FIELD_LINE.match(line + "\n"):
            if line[0] in " \t":
                return "Folded header lines (obs-fold) are not accepted."
            if not re.match(r"%s:" % _TOKEN, line):
                return "Malformed header name."
            return "Control characters (or a bare CR) in a header value."
    return "Malformed header line."
