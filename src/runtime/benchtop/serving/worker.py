"""One worker process: an event loop over keep-alive connections, one request at a time into run().

Non-blocking sockets and a strict parser (http1.py), no framework between the socket and run(), which
is most of why this serves faster than Flask on gunicorn. No client can hold the worker: heads, bodies,
idle keep-alive connections and unread answers each have a timeout, writes are buffered, anything
malformed or ambiguous is refused with 400 and the connection closed, and at the connection cap the
worker stops accepting (the kernel queues new connections) until one closes.

Settings (the master passes them; defaults here):
  timeout_ms       run()'s time limit
  max_body         request body limit in bytes (413 above it)
  header_timeout_s 10    the whole head, counted from the connection's start or the request's first byte
  body_timeout_s   30    the whole body, counted from the end of the head
  idle_timeout_s   60    a keep-alive connection between requests
  write_timeout_s  30    an answer the client does not read
  max_connections  1000  open connections per worker
"""

import ctypes
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time
import traceback

from . import mlflow_routes, response, swagger
from .connection import LINGER, WRITE, Connection
from .http1 import BODY, HEAD, IDLE, HttpError
from .log import log
from .raw import BadRequest
from .script import Runner, is_response, to_json_bytes

RUN_FAILED = "An unexpected error occurred in scoring script. Check the logs for more info."
# After an error answer: how long to read and drop what the client still sends, so that closing does
# not reset the connection before the client has read the answer.
LINGER_S = 2.0
BIG = 1024 * 1024  # bodies and buffers above this are given back to the OS once done with (_trim)
READ_EVENT = selectors.EVENT_READ
ACCEPT_BATCH = 4  # connections accepted per wake-up of the listener
WRITE_EVENT = selectors.EVENT_WRITE


class ScoringTimeout(Exception):
    pass


# Set when the scoring timeout fires: a scorer that catches Exception (mlflow's predict wrapper does) would
# otherwise turn the timeout into its own error answer.
ALARM = {"fired": False}


def _on_alarm(signum, frame):
    ALARM["fired"] = True
    raise ScoringTimeout()


class Worker:
    def __init__(self, listener, module, settings):
        self.listener = listener
        self.runner = Runner(module)
        self.mlflow = mlflow_routes.MlflowContract(module, self.runner)
        self.settings = settings
        self.timeout_s = settings["timeout_ms"] / 1000.0
        self.max_body = settings["max_body"]
        self.timeouts = {
            HEAD: float(settings.get("header_timeout_s", 10)),
            BODY: float(settings.get("body_timeout_s", 30)),
            IDLE: float(settings.get("idle_timeout_s", 60)),
            WRITE: float(settings.get("write_timeout_s", 30)),
        }
        self.max_connections = max(1, int(settings.get("max_connections", 1000)))
        self.running = True
        self.pid = os.getpid()
        self.swagger_cache = {}
        self.draining = False
        self.connections = set()
        self.accepting = False
        self.scratch = bytearray(256 * 1024)
        self.scratch_view = memoryview(self.scratch)
        self.trim_due = False
        self.trimmed_at = 0.0
        self.accept_again_at = 0.0
        self.cap_logged_at = -60.0

    def serve(self):
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.selector = selectors.DefaultSelector()
        self.listener.setblocking(False)
        self._accept_new(True)
        log("I", "Scoring timeout is set to %d ms" % self.settings["timeout_ms"])
        log("I", self.runner.describe())
        log("I", "Worker with pid %d ready for serving traffic" % self.pid, flush=True)
        next_sweep = 0.0
        while self.running:
            events = self.selector.select(0.25)
            for key, mask in events:
                if key.data is None:
                    self._accept()
                else:
                    self._ready(key.data, mask)
            now = time.monotonic()
            if now >= next_sweep:
                self._sweep(now)
                next_sweep = now + 0.1
            if not events:
                log(None, None, flush=True)
        self._drain()

    def _drain(self):
        """Stops accepting (the next generation or a sibling takes new connections), answers the requests
        already on accepted connections, closes each after its answer, then returns."""
        self._accept_new(False)
        log("I", "Worker with pid %d stopping" % self.pid, flush=True)
        self.draining = True
        started = time.monotonic()
        while self.connections and time.monotonic() - started < 2.0:
            for key, mask in self.selector.select(0.02):
                self._ready(key.data, mask)
            if time.monotonic() - started > 0.3:
                for conn in list(self.connections):
                    if conn.closing is None and not conn.out and conn.parser.idle:
                        self._close(conn)
        for conn in list(self.connections):
            self._close(conn)
        log(None, None, flush=True)

    def _stop(self, signum, frame):
        self.running = False

    # --- connections -----------------------------------------------------------------------------

    def _accept_new(self, on):
        if on == self.accepting:
            return
        self.accepting = on
        if on:
            self.selector.register(self.listener, READ_EVENT, None)
        else:
            self.selector.unregister(self.listener)

    def _accept(self):
        # A few per wake-up: each new connection's request is answered here, so an unbounded loop would keep a
        # worker accepting under `Connection: close` load while its registered connections wait (a 400 ms p99).
        for _ in range(ACCEPT_BATCH):
            if len(self.connections) >= self.max_connections:
                return self._at_connection_cap()
            try:
                sock, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as err:
                # Out of file descriptors: stop accepting for a moment instead of spinning on the listener.
                log("W", "accept() failed: %s" % err)
                self._accept_new(False)
                self.accept_again_at = time.monotonic() + 0.5
                return
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(sock, self.max_body)
            conn.deadline = time.monotonic() + self.timeouts[HEAD]
            self.connections.add(conn)
            # The request has usually arrived with the connection: answer it before registering with the
            # selector, so a `Connection: close` exchange costs no epoll registration and no extra wake-up.
            self._ready(conn, READ_EVENT)
            if conn.events == 0 and conn in self.connections:
                conn.events = READ_EVENT
                self.selector.register(sock, READ_EVENT, conn)

    def _at_connection_cap(self):
        now = time.monotonic()
        if now - self.cap_logged_at > 10:
            self.cap_logged_at = now
            log("W", "At the connection limit (%d); new connections wait until one closes" % self.max_connections)
        self._accept_new(False)

    def _close(self, conn):
        if conn not in self.connections:
            return
        self.connections.discard(conn)
        if conn.out or (conn.parser is not None and len(conn.parser.buf) > BIG):
            self.trim_due = True
        if conn.events:
            try:
                self.selector.unregister(conn.sock)
            except (KeyError, ValueError):
                pass
        try:
            conn.sock.close()
        except OSError:
            pass
        conn.out = []
        conn.parser = None
        if self.running and not self.accepting and len(self.connections) < self.max_connections:
            if time.monotonic() >= self.accept_again_at:
                self._accept_new(True)

    def _sweep(self, now):
        """Closes the connections past their deadline; gives freed memory back to the OS now and then."""
        if self.running and not self.accepting and len(self.connections) < self.max_connections:
            if now >= self.accept_again_at:
                self._accept_new(True)
        expired = [conn for conn in self.connections if conn.deadline <= now]
        if expired:
            phases = {}
            for conn in expired:
                phases[conn.phase] = phases.get(conn.phase, 0) + 1
                if conn.phase == WRITE:
                    # Reset rather than close: a graceful close would leave the unread answer in the kernel's
                    # buffers until the client reads it, which it is not doing.
                    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self._close(conn)
            busy = {phase: count for phase, count in phases.items() if phase not in (IDLE, LINGER)}
            if busy:
                waits = ", ".join("%d waiting for %s" % (count, phase) for phase, count in sorted(busy.items()))
                log("I", "Closed %d connection(s) past their timeout: %s" % (sum(busy.values()), waits))
        if self.trim_due and now - self.trimmed_at > 1.0:
            self.trim_due = False
            self.trimmed_at = now
            _trim()

    def _ready(self, conn, mask):
        try:
            if mask & WRITE_EVENT:
                if conn.flush():
                    self._process(conn)
            else:
                self._readable(conn)
        except OSError:
            self._close(conn)

    def _readable(self, conn):
        try:
            received = conn.sock.recv_into(self.scratch)
        except (BlockingIOError, InterruptedError):
            return
        if not received:
            # The client is done. Everything it sent has been answered: nothing is read while an answer
            # waits to be written.
            return self._close(conn)
        if conn.closing is not None:
            return  # refused: what it still sends is dropped until it closes or the linger ends
        conn.parser.feed(self.scratch_view[:received])
        self._process(conn)

    def _process(self, conn):
        """Answers the complete requests that have arrived, one at a time, then waits for what is next."""
        parser = conn.parser
        while not conn.out and conn.closing is None:
            try:
                request = parser.next()
            except HttpError as err:
                self._refuse(conn, err)
                break
            if request is None:
                if parser.state != IDLE and not conn.continued and parser.request.expect_continue:
                    conn.continued = True
                    conn.send(response.CONTINUE)
                break
            conn.phase = None  # a pipelined request gets its own head deadline
            conn.continued = False
            self._handle(conn, request)
            if parser.pos == len(parser.buf):
                break  # nothing more has arrived
        if len(parser.buf) > BIG and parser.pos == len(parser.buf):
            parser.release()
            self.trim_due = True
        self._arm(conn)

    def _arm(self, conn):
        """Sets what the connection waits for next (read or write) and until when."""
        if conn.out:
            events = WRITE_EVENT
            phase = WRITE
        elif conn.closing is None:
            events = READ_EVENT
            phase = conn.parser.waiting_for()
        elif conn.closing == "close":
            return self._close(conn)
        else:
            events = READ_EVENT
            phase = LINGER
        if phase != conn.phase:
            # A head's clock starts at its first byte (or at accept() for a connection's first request) and
            # is not restarted by more bytes, so a head sent a byte at a time still has to be complete in time.
            now = time.monotonic()
            if phase == LINGER:
                conn.sock.shutdown(socket.SHUT_WR)
                conn.deadline = now + (self.timeouts[BODY] if conn.closing == "drop" else LINGER_S)
            else:
                conn.deadline = now + self.timeouts[phase]
            conn.phase = phase
        if events != conn.events:
            if conn.events:
                self.selector.modify(conn.sock, events, conn)
            else:
                self.selector.register(conn.sock, events, conn)  # answered straight after accept(), not yet registered
            conn.events = events

    def _refuse(self, conn, err):
        """Answers a request that cannot be read with its error and closes the connection after."""
        conn.head_request = False
        if err.status == 413:
            mb = self.max_body / (1024 * 1024)
            message = "Request body is larger than the service's limit of %g MB." % mb
            request = conn.parser.request
            log("I", "%s %s %d %s" % (request.method, request.target, 413, "body over the limit"))
            # The client is most likely still sending the body: read and drop it until it is done.
            conn.closing = "drop"
        else:
            message = err.message
            log("I", "Refused a request: %d %s" % (err.status, message))
            conn.closing = "linger"
        target = conn.parser.request.target if conn.parser.request is not None else ""
        if target.partition("?")[0] == "/invocations":
            body = mlflow_routes.error_body(mlflow_routes.status_code(err.status), message)
        else:
            body = json.dumps({"message": message}).encode("utf-8")
        conn.send(response.head(err.status, "application/json", len(body), {}, False) + body)
        conn.parser.discard()

    # --- requests ------------------------------------------------------------------------------------

    def _handle(self, conn, request):
        started = time.perf_counter()
        method = request.method
        target = request.target
        headers = request.headers()
        body = request.body
        keep_alive = request.keep_alive and not self.draining
        if not keep_alive:
            conn.closing = "close"
        conn.head_request = method == "HEAD"
        path, _, query = target.partition("?")
        client_id = headers.get("x-request-id")
        if client_id is not None and len(client_id) > 100:
            extra = {"x-request-id": response.request_id(client_id[:100])}
            status = self._send(
                conn, 431, {"message": "x-request-id must not exceed 100 characters"}, extra, keep_alive
            )
        else:
            extra = {"x-request-id": response.request_id(client_id)}
            status = self._route(conn, method, path, query, headers, body, extra, keep_alive)
        if len(body) > BIG:
            self.trim_due = True
        elapsed = (time.perf_counter() - started) * 1000
        log("I", "%s %s %d %.3fms %d" % (method, target, status, elapsed, len(body)))

    def _route(self, conn, method, path, query, headers, body, extra, keep_alive):
        if path == "/score":
            return self._score(conn, method, path, query, headers, body, extra, keep_alive)
        if path in mlflow_routes.PATHS:
            return self._mlflow(conn, method, path, query, headers, body, extra, keep_alive)
        if path == "/" and method in ("GET", "HEAD"):
            return self._send_raw(conn, 200, b"Healthy", "text/plain; charset=utf-8", extra, keep_alive)
        if path == "/swagger.json" and method in ("GET", "HEAD"):
            version = dict(p.partition("=")[::2] for p in query.split("&") if p).get("version", "2")
            doc = self.swagger_cache.get(version) or swagger.document(self.runner, version)
            if doc is None:
                message = "Swagger version [%s] is not valid. Supported versions: 2, 3" % version
                return self._send(conn, 404, {"message": message}, extra, keep_alive)
            self.swagger_cache[version] = doc
            return self._send(conn, 200, doc, extra, keep_alive)
        if path in ("/", "/swagger.json"):
            return self._send(conn, 405, {"message": "Method not allowed"}, extra, keep_alive)
        message = (
            "Not found: %s. The routes are GET /, POST /score, GET /swagger.json and MLflow's POST /invocations, "
            "GET /ping, /health and /version." % path
        )
        return self._send(conn, 404, {"message": message}, extra, keep_alive)

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
            message = "Scoring timeout after %d ms" % self.settings["timeout_ms"]
            return self._send(conn, 500, {"message": message}, extra, keep_alive)
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
            return self._send_script_response(conn, result, extra, keep_alive)
        extra["x-ms-run-function-failed"] = "False"
        try:
            payload = to_json_bytes(result)
        except (TypeError, ValueError) as err:
            log("E", "Encountered Exception: %s" % err)
            extra["x-ms-run-function-failed"] = "True"
            return self._send(conn, 500, {"message": RUN_FAILED}, extra, keep_alive)
        return self._send_raw(conn, 200, payload, "application/json", extra, keep_alive)

    def _mlflow(self, conn, method, path, query, headers, body, extra, keep_alive):
        """MLflow's routes (mlflow_routes.py), with its error JSON; /invocations under the scoring timeout."""
        if path != "/invocations":
            status, payload, content_type = self.mlflow.probe(method, path)
            if status == 405:
                extra["allow"] = "GET"
            return self._send_raw(conn, status, payload, content_type, extra, keep_alive)
        if method != "POST":
            extra["allow"] = "POST"
            return self._send_raw(conn, 405, mlflow_routes.METHOD_NOT_ALLOWED, "application/json", extra, keep_alive)
        ALARM["fired"] = False
        signal.setitimer(signal.ITIMER_REAL, self.timeout_s)
        try:
            result = self.mlflow.invoke(method, path, query, headers, body)
        except ScoringTimeout:
            result = None
        except BadRequest as err:
            status = getattr(err, "status", 400)
            result = status, mlflow_routes.error_body(mlflow_routes.status_code(status), str(err)), "application/json"
        except Exception:
            log("E", "Encountered Exception: %s" % traceback.format_exc().rstrip())
            result = 500, mlflow_routes.error_body("INTERNAL_ERROR", RUN_FAILED), "application/json"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if ALARM["fired"]:
            log("E", "/invocations did not finish within the scoring timeout of %d ms" % self.settings["timeout_ms"])
            message = "Request processing time exceeded limit (%d ms)" % self.settings["timeout_ms"]
            result = 504, mlflow_routes.error_body("DEADLINE_EXCEEDED", message), "application/json"
        if is_response(result):
            return self._send_script_response(conn, result, extra, keep_alive)
        status, payload, content_type = result
        return self._send_raw(conn, status, payload, content_type, extra, keep_alive)

    def _send_script_response(self, conn, result, extra, keep_alive):
        """An AMLResponse: its headers only when they are safe in a head, its status only when valid."""
        safe, content_type, refused = response.script_headers(result.headers)
        if refused:
            log("W", "Dropped response header(s) from run() that cannot be sent as they are: %s" % refused)
        status = result.status_code
        if not 200 <= status <= 599:
            log("E", "run() returned an AMLResponse with status %d; answering 500" % status)
            extra["x-ms-run-function-failed"] = "True"
            return self._send(conn, 500, {"message": RUN_FAILED}, extra, keep_alive)
        extra.update(safe)
        extra["x-ms-run-function-failed"] = "True" if status >= 500 else "False"
        content_type = content_type or "text/html; charset=utf-8"
        return self._send_raw(conn, status, result.body, content_type, extra, keep_alive)

    def _send(self, conn, status, value, extra, keep_alive):
        return self._send_raw(conn, status, json.dumps(value).encode("utf-8"), "application/json", extra, keep_alive)

    def _send_raw(self, conn, status, body, content_type, extra, keep_alive):
        if status in (204, 304):
            # No body, and no length to promise one.
            conn.send(response.head(status, content_type, None, extra, keep_alive))
            return status
        head = response.head(status, content_type, len(body), extra, keep_alive)
        if conn.head_request:
            conn.send(head)
        elif len(body) < 65536:
            conn.send(head + body)
        else:
            if len(body) > BIG:
                self.trim_due = True
            conn.send(head)
            conn.send(body)
        return status


def _trim():
    """Gives freed heap memory back to the OS (glibc keeps it otherwise: a worker that once held big
    bodies would stay big after the clients left)."""
    try:
        _libc().malloc_trim(0)
    except (AttributeError, OSError):
        pass


def _libc():
    if not hasattr(_libc, "lib"):
        _libc.lib = ctypes.CDLL(None)
    return _libc.lib


def exit_after_init_failure(message):
    log("E", message, flush=True)
    sys.stdout.flush()
    os._exit(3)
