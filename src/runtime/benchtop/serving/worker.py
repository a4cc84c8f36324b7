"""One worker process: an event loop over keep-alive connections, one request at a time into run().

Hand-parsed HTTP/1.1 on non-blocking sockets: no framework between the socket
and run(), which is most of why this serves faster than Flask on gunicorn.
"""

import json
import os
import selectors
import signal
import socket
import sys
import time
import traceback
import uuid

from . import swagger
from .log import log
from .raw import BadRequest
from .script import Runner, is_response, to_json_bytes

REASONS = {
    200: "OK",
    100: "Continue",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}
MAX_HEAD = 64 * 1024
RUN_FAILED = "An unexpected error occurred in scoring script. Check the logs for more info."


class ScoringTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise ScoringTimeout()


class Connection:
    __slots__ = ("sock", "buf", "continued", "discarding")

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.continued = False
        # After a 413: the rest of the body is read and dropped, so the client sees the answer instead of a reset.
        self.discarding = False


class Worker:
    def __init__(self, listener, module, settings):
        self.listener = listener
        self.runner = Runner(module)
        self.settings = settings
        self.timeout_s = settings["timeout_ms"] / 1000.0
        self.max_body = settings["max_body"]
        self.running = True
        self.pid = os.getpid()
        self.swagger_cache = {}
        self.draining = False

    def serve(self):
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        selector = selectors.DefaultSelector()
        self.listener.setblocking(False)
        selector.register(self.listener, selectors.EVENT_READ, None)
        self.selector = selector
        log("I", "Scoring timeout is set to %d ms" % self.settings["timeout_ms"])
        log("I", self.runner.describe())
        log("I", "Worker with pid %d ready for serving traffic" % self.pid, flush=True)
        while self.running:
            events = selector.select(0.25)
            for key, _ in events:
                if key.data is None:
                    self._accept()
                else:
                    self._readable(key.data)
            if not events:
                log(None, None, flush=True)
        # Draining: stop accepting (the next generation or a sibling takes new connections), answer the
        # requests already on accepted connections, close each after its answer, then leave.
        selector.unregister(self.listener)
        log("I", "Worker with pid %d stopping" % self.pid, flush=True)
        self.draining = True
        started = time.monotonic()
        while time.monotonic() - started < 2.0:
            open_connections = [key.data for key in selector.get_map().values() if key.data is not None]
            if not open_connections:
                break
            for key, _ in selector.select(0.02):
                self._readable(key.data)
            if time.monotonic() - started > 0.3:
                for conn in open_connections:
                    if not conn.buf:
                        self._close(conn)
        for key in list(selector.get_map().values()):
            if key.data is not None:
                self._close(key.data)
        log(None, None, flush=True)

    def _stop(self, signum, frame):
        self.running = False

    def _accept(self):
        while True:
            try:
                sock, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(30)
            self.selector.register(sock, selectors.EVENT_READ, Connection(sock))

    def _close(self, conn):
        try:
            self.selector.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        try:
            conn.sock.close()
        except OSError:
            pass

    def _readable(self, conn):
        try:
            data = conn.sock.recv(262144)
        except (socket.timeout, BlockingIOError, InterruptedError):
            return
        except OSError:
            return self._close(conn)
        if not data:
            return self._close(conn)
        if conn.discarding:
            return
        conn.buf += data
        try:
            while conn.buf and self._one_request(conn):
                pass
        except OSError:
            self._close(conn)

    def _one_request(self, conn):
        """Handles the first complete request in the buffer; False when more bytes are needed."""
        buf = conn.buf
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if len(buf) > MAX_HEAD:
                self._send(conn, 431, {"message": "Request headers are too large."}, {}, False)
                self._close(conn)
            return False
        head = bytes(buf[:end]).decode("latin-1")
        lines = head.split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            self._send(conn, 400, {"message": "Malformed request line."}, {}, False)
            self._close(conn)
            return False
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        keep_alive = (
            headers.get("connection", "").lower() != "close"
            if version == "HTTP/1.1"
            else headers.get("connection", "").lower() == "keep-alive"
        )
        keep_alive = keep_alive and not self.draining
        body_start = end + 4
        if headers.get("transfer-encoding", "").lower() == "chunked":
            decoded = _dechunk(buf, body_start, self.max_body)
            if decoded is None:
                return self._continue_if_asked(conn, headers)
            if decoded is False:
                return self._too_large(conn, headers)
            body, consumed = decoded
        else:
            try:
                length = int(headers.get("content-length", "0") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self._send(conn, 400, {"message": "Invalid Content-Length."}, {}, False)
                self._close(conn)
                return False
            if length > self.max_body:
                return self._too_large(conn, headers)
            if len(buf) - body_start < length:
                return self._continue_if_asked(conn, headers)
            body = bytes(buf[body_start : body_start + length])
            consumed = body_start + length
        del buf[:consumed]
        conn.continued = False
        self._handle(conn, method, target, headers, body, keep_alive)
        if not keep_alive:
            self._close(conn)
            return False
        return True

    def _continue_if_asked(self, conn, headers):
        if headers.get("expect", "").lower() == "100-continue" and not conn.continued:
            conn.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            conn.continued = True
        return False

    def _too_large(self, conn, headers):
        mb = self.max_body / (1024 * 1024)
        self._send(conn, 413, {"message": "Request body is larger than the service's limit of %g MB." % mb}, {}, False)
        log("I", "%s %s %d %s" % ("POST", "/score", 413, "body over the limit"))
        conn.discarding = True
        del conn.buf[:]
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
        return False

    def _handle(self, conn, method, target, headers, body, keep_alive):
        started = time.perf_counter()
        path, _, query = target.partition("?")
        request_id = headers.get("x-request-id") or str(uuid.uuid4())
        extra = {"x-request-id": request_id}
        if len(request_id) > 100:
            extra = {"x-request-id": request_id[:100]}
            status = self._send(
                conn, 431, {"message": "x-request-id must not exceed 100 characters"}, extra, keep_alive
            )
        elif path == "/score":
            status = self._score(conn, method, path, query, headers, body, extra, keep_alive)
        elif path == "/" and method in ("GET", "HEAD"):
            status = self._send_raw(conn, 200, b"Healthy", "text/plain; charset=utf-8", extra, keep_alive)
        elif path == "/swagger.json" and method == "GET":
            version = dict(p.partition("=")[::2] for p in query.split("&") if p).get("version", "2")
            doc = self.swagger_cache.get(version) or swagger.document(self.runner, version)
            if doc is None:
                status = self._send(
                    conn,
                    404,
                    {"message": "Swagger version [%s] is not valid. Supported versions: 2, 3" % version},
                    extra,
                    keep_alive,
                )
            else:
                self.swagger_cache[version] = doc
                status = self._send(conn, 200, doc, extra, keep_alive)
        elif path in ("/", "/swagger.json"):
            status = self._send(conn, 405, {"message": "Method not allowed"}, extra, keep_alive)
        else:
            status = self._send(
                conn,
                404,
                {"message": "Not found: %s. The routes are GET /, POST /score and GET /swagger.json." % path},
                extra,
                keep_alive,
            )
        elapsed = (time.perf_counter() - started) * 1000
        log("I", "%s %s %d %.3fms %d" % (method, target, status, elapsed, len(body)))

    def _score(self, conn, method, path, query, headers, body, extra, keep_alive):
        if method == "OPTIONS":
            return self._send_raw(conn, 200, b"", "text/plain", extra, keep_alive)
        if method not in ("POST", "GET"):
            return self._send(conn, 405, {"message": "Method not allowed"}, extra, keep_alive)
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, self.timeout_s)
        try:
            result = self.runner.call(method, path, query, headers, body)
        except ScoringTimeout:
            log("E", "run() did not finish within the scoring timeout of %d ms" % self.settings["timeout_ms"])
            extra["x-ms-run-function-failed"] = "True"
            return self._send(
                conn, 500, {"message": "Scoring timeout after %d ms" % self.settings["timeout_ms"]}, extra, keep_alive
            )
        except BadRequest as err:
            return self._send(conn, getattr(err, "status", 400), {"message": str(err)}, extra, keep_alive)
        except Exception:
            log("E", "Encountered Exception: %s" % traceback.format_exc().rstrip())
            extra["x-ms-run-function-failed"] = "True"
            return self._send(conn, 500, {"message": RUN_FAILED}, extra, keep_alive)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        extra["x-ms-run-fn-exec-ms"] = "%.3f" % ((time.perf_counter() - started) * 1000)
        if is_response(result):
            extra.update(result.headers)
            extra["x-ms-run-function-failed"] = "True" if result.status_code >= 500 else "False"
            content_type = extra.pop("Content-Type", "text/html; charset=utf-8")
            return self._send_raw(conn, result.status_code, result.body, content_type, extra, keep_alive)
        extra["x-ms-run-function-failed"] = "False"
        try:
            payload = to_json_bytes(result)
        except (TypeError, ValueError) as err:
            log("E", "Encountered Exception: %s" % err)
            extra["x-ms-run-function-failed"] = "True"
            return self._send(conn, 500, {"message": RUN_FAILED}, extra, keep_alive)
        return self._send_raw(conn, 200, payload, "application/json", extra, keep_alive)

    def _send(self, conn, status, value, extra, keep_alive):
        return self._send_raw(conn, status, json.dumps(value).encode("utf-8"), "application/json", extra, keep_alive)

    def _send_raw(self, conn, status, body, content_type, extra, keep_alive):
        head = [
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            % (status, REASONS.get(status, "Status"), content_type, len(body))
        ]
        for name, value in extra.items():
            for part in str(value).split(",") if name.lower() not in ("content-type", "x-request-id") else [str(value)]:
                head.append("%s: %s\r\n" % (name, part.strip()))
        if not keep_alive:
            head.append("Connection: close\r\n")
        head.append("\r\n")
        conn.sock.sendall("".join(head).encode("latin-1") + body)
        return status


def _dechunk(buf, start, limit):
    """(body, bytes consumed), None when incomplete, False when over the limit."""
    out = bytearray()
    pos = start
    while True:
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        try:
            size = int(bytes(buf[pos:line_end]).split(b";")[0], 16)
        except ValueError:
            return False
        pos = line_end + 2
        if size == 0:
            trailer_end = buf.find(b"\r\n", pos)
            if trailer_end < 0:
                return None
            return bytes(out), trailer_end + 2
        if len(out) + size > limit:
            return False
        if len(buf) < pos + size + 2:
            return None
        out += buf[pos : pos + size]
        pos += size + 2


def exit_after_init_failure(message):
    log("E", message, flush=True)
    sys.stdout.flush()
    os._exit(3)
