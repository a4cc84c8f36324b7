"""The service's main process: binds the port, forks N workers (each imports score.py and runs init()),
replaces a worker that dies (later and later while it keeps dying), reloads on SIGHUP without closing
the port, stops on SIGTERM. Its state goes to --status-file: starting, running, degraded, failed,
reloading, stopped.

Exit codes: 0 stopped, 2 the port is taken or the settings are bad, 3 init() failed, 4 the script cannot be served.
"""

import argparse
import json
import os
import select
import signal
import socket
import sys
import time
import traceback

from .listeners import Listeners, PortError, open_reuseport, receive_ready, send_ready
from .log import log, rotate_as_main_process
from .supervision import Slot, describe_exit, health

# Read by the worker (worker.py) from the settings dict; the defaults are the documented ones.
TIMEOUT_FLAGS = (
    ("--header-timeout-s", "header_timeout_s", 10.0, "a request's headers must arrive within this"),
    ("--body-timeout-s", "body_timeout_s", 30.0, "its body within this"),
    ("--idle-timeout-s", "idle_timeout_s", 60.0, "a keep-alive connection with no request is closed after this"),
    ("--write-timeout-s", "write_timeout_s", 30.0, "a client that does not read its answer is dropped after this"),
)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchtop.serving")
    p.add_argument("--entry-script", required=True)
    p.add_argument("--source-directory", default="")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5001)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--timeout-ms", type=int, default=60000)
    p.add_argument("--max-body-mb", type=float, default=10.0)
    for flag, dest, default, text in TIMEOUT_FLAGS:
        p.add_argument(flag, dest=dest, type=float, default=default, help="%s (default %g)" % (text, default))
    p.add_argument("--max-connections", type=int, default=1000, help="open connections per worker (default 1000)")
    p.add_argument("--status-file", default="")
    return p.parse_args(argv)


def settings_problem(args):
    """Why the settings cannot be served, or None."""
    if args.workers < 1:
        return "--workers must be at least 1"
    for flag, dest, _, _ in TIMEOUT_FLAGS:
        if not getattr(args, dest) > 0:
            return "%s must be more than 0 (got %s)" % (flag, getattr(args, dest))
    if args.max_connections < 1:
        return "--max-connections must be at least 1 (got %d)" % args.max_connections
    return None


class WorkerProcess:
    __slots__ = ("pid", "slot", "generation", "channel", "listener", "ready_at")

    def __init__(self, pid, slot, generation, channel, listener):
        self.pid = pid
        self.slot = slot
        self.generation = generation
        self.channel = channel  # our end of the socket pair the worker says "ready" on; None once read or closed
        self.listener = listener  # the socket it accepts on (None until a fresh one is passed to us)
        self.ready_at = None


class Master:
    def __init__(self, args):
        self.args = args
        self.settings = {
            "timeout_ms": args.timeout_ms,
            "max_body": int(args.max_body_mb * 1024 * 1024),
            "max_connections": args.max_connections,
        }
        for _, dest, _, _ in TIMEOUT_FLAGS:
            self.settings[dest] = getattr(args, dest)
        self.generation = 0  # the generation serving; a reload starts generation + 1 beside it
        self.workers = {}  # pid -> WorkerProcess
        self.slots = [Slot(i) for i in range(args.workers)]
        # With SO_REUSEPORT: the socket each slot's workers accept on. Kept here too, so a reload's new worker
        # accepts on the same socket as the old one and nothing queued on it is lost when the old one stops.
        self.slot_listener = {}
        self.listeners = None
        self.starting = set()  # pids of a generation being started: their deaths fail the start, not restart
        self.start_failure = None
        self.reloads = {"count": 0, "ok": True, "error": None}
        self.written = None
        self.stopping = False
        self.reload_requested = False

    # -- status ----------------------------------------------------------------------------------------------

    def status(self, state, error=None):
        self.written = (state, error)
        if not self.args.status_file:
            return
        tmp = self.args.status_file + ".tmp"
        serving = len(self._serving_slots())
        with open(tmp, "w") as f:
            json.dump(
                {
                    "state": state,
                    "pid": os.getpid(),
                    "generation": self.generation,
                    "error": error,
                    "serving": serving,
                    "workers": self.args.workers,
                    "reload": self.reloads,
                    "t": time.time(),
                },
                f,
            )
        os.replace(tmp, self.args.status_file)

    def _write_health(self):
        state, reason = health(self.slots, self._serving_slots())
        if (state, reason) != self.written:
            was_unhealthy = self.written is not None and self.written[0] in ("degraded", "failed")
            if state != "running" or was_unhealthy:
                log("W" if state != "running" else "I", "Service %s%s" % (state, ": " + reason if reason else " again"))
            self.status(state, reason)

    def _serving_slots(self):
        return set(p.slot for p in self.workers.values() if p.ready_at is not None and p.generation == self.generation)

    # -- start-up --------------------------------------------------------------------------------------------

    def bind(self):
        try:
            self.listeners = Listeners(self.args.host, self.args.port, self.args.workers)
        except PortError as err:
            log("E", str(err), flush=True)
            self.status("failed", str(err))
            sys.exit(2)
        if self.listeners.reuseport:
            self.slot_listener = dict(enumerate(self.listeners.initial))

    def banner(self):
        a = self.args
        lines = [
            "Benchtop scoring server (Azure ML inference server and MLflow scoring server contracts)",
            "Server Settings",
            "  Entry Script Name: %s" % a.entry_script,
            "  Model Directory: %s" % os.environ.get("AZUREML_MODEL_DIR", ""),
            "  Worker Count: %d" % a.workers,
            "  Scoring Timeout: %d ms" % a.timeout_ms,
            "  Request Body Limit: %g MB" % a.max_body_mb,
            "  Header / Body / Idle / Write Timeouts: %g s / %g s / %g s / %g s"
            % (a.header_timeout_s, a.body_timeout_s, a.idle_timeout_s, a.write_timeout_s),
            "  Connections per Worker: %d" % a.max_connections,
            "  Listening: %s"
            % ("a socket per worker (SO_REUSEPORT)" if self.listeners.reuseport else "one shared socket"),
            "  Server Port: %d" % a.port,
            "Server Routes",
            "  Liveness Probe: GET   %s:%d/" % (a.host, a.port),
            "  Score:          POST  %s:%d/score" % (a.host, a.port),
            "  Swagger:        GET   %s:%d/swagger.json" % (a.host, a.port),
            "  MLflow Score:   POST  %s:%d/invocations" % (a.host, a.port),
            "  MLflow Probes:  GET   %s:%d/ping, /health, /version" % (a.host, a.port),
        ]
        for line in lines:
            log("I", line)
        log(None, None, flush=True)

    def run(self):
        # First, so that a deployer killed before it recorded our pid can still find us (and stop us).
        self.status("starting")
        rotate_as_main_process()
        self.bind()
        self.banner()
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        procs, failure = self.start_generation()
        if self.stopping:
            self.stop_pids(list(self.workers))
            log("I", "Stopped before the service was ready", flush=True)
            self.status("stopped")
            sys.exit(0)
        if failure is not None:
            self.stop_pids(list(self.workers))
            message = (
                "init() failed; the service is not serving."
                if failure == 3
                else "The entry script cannot be served."
                if failure == 4
                else "A worker stopped during start-up."
            )
            log("E", message, flush=True)
            self.status("failed", message)
            sys.exit(failure or 3)
        self.generation += 1
        self.status("running")
        log(
            "I",
            "Service is ready: %d worker(s) serving on http://%s:%d" % (len(procs), self.args.host, self.args.port),
            flush=True,
        )
        while not self.stopping:
            if self.reload_requested:
                self.reload_requested = False
                self.reload()
            self.supervise()
            self._write_health()
            log(None, None)
            self._wait(0.05)
        log("I", "Stopping the service", flush=True)
        self.stop_pids(list(self.workers))
        self.status("stopped")

    # -- workers ---------------------------------------------------------------------------------------------

    def spawn(self, slot, generation):
        listener = self.listeners.shared or self.slot_listener.get(slot)
        ours, theirs = socket.socketpair()
        log(None, None, flush=True)  # else the child inherits our unwritten lines and writes them again
        pid = os.fork()
        if pid == 0:
            ours.close()
            try:
                self._worker(theirs, listener)
            except BaseException:
                log("E", "Worker failed: %s" % traceback.format_exc().rstrip(), flush=True)
                os._exit(1)
            os._exit(0)
        theirs.close()
        ours.setblocking(False)
        proc = WorkerProcess(pid, slot, generation, ours, listener)
        self.workers[pid] = proc
        return proc

    def _worker(self, channel, listener):
        # Only our own listener stays open here: a dead sibling's socket must not live on in this process
        # (connections would queue on it with nobody accepting), nor may the main process's channels.
        for proc in self.workers.values():
            if proc.channel is not None:
                proc.channel.close()
        for sock in set(self.slot_listener.values()):
            if sock is not listener:
                sock.close()
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # The main process's handlers were inherited: until it serves, SIGTERM must stop a worker (a slow init()).
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # By path, not the inherited cwd: a reload swaps a new app/ folder in under the same name.
        root = os.environ.get("AML_APP_ROOT")
        if root and os.path.isdir(root):
            os.chdir(root)
        from . import script
        from .worker import Worker, exit_after_init_failure

        try:
            module = script.load(self.args.entry_script, self.args.source_directory)
        except script.ScriptError as err:
            log("E", str(err), flush=True)
            os._exit(4)
        except BaseException:
            exit_after_init_failure(
                "Failed to import user script because it raised an unhandled exception:\n%s"
                % traceback.format_exc().rstrip()
            )
        try:
            log("I", "Invoking user's init function", flush=True)
            module.init()
            log("I", "User's init has completed successfully", flush=True)
        except BaseException:
            exit_after_init_failure("User's init function failed:\n%s" % traceback.format_exc().rstrip())
        opened = None
        if listener is None:
            # A replacement joins the port's SO_REUSEPORT group only now that it can serve, so while its init()
            # ran, new connections went to the workers that were serving.
            try:
                opened = listener = open_reuseport(self.args.host, self.args.port)
            except PortError as err:
                log("E", "Worker cannot listen: %s" % err, flush=True)
                os._exit(5)
        try:
            worker = Worker(listener, module, self.settings)
        except BaseException:
            exit_after_init_failure("The worker could not start:\n%s" % traceback.format_exc().rstrip())
        send_ready(channel, opened)
        worker.serve()

    def start_generation(self):
        """Forks a full set of workers (generation + 1) and waits until each is ready or one has died.
        Returns (the new workers, the exit code of one that died before it was ready, else None)."""
        generation = self.generation + 1
        procs = [self.spawn(slot, generation) for slot in range(self.args.workers)]
        self.starting = set(p.pid for p in procs)
        self.start_failure = None
        while not self.stopping and self.start_failure is None:
            self.supervise()
            if all(p.ready_at is not None for p in procs):
                break
            self._wait(0.01)
        self.starting = set()
        return procs, self.start_failure

    def supervise(self):
        """Reads ready messages, reaps dead workers, starts replacements that are due, drops unused listeners."""
        now = time.monotonic()
        for proc in list(self.workers.values()):
            if proc.channel is not None:
                self._read_ready(proc, now)
        for proc in list(self.workers.values()):
            try:
                done, status = os.waitpid(proc.pid, os.WNOHANG)
            except ChildProcessError:
                done, status = proc.pid, 0
            if done:
                self._exited(proc, status, now)
        if not self.starting and not self.stopping:
            busy = set(p.slot for p in self.workers.values() if p.generation == self.generation)
            for slot in self.slots:
                if slot.next_start is not None and now >= slot.next_start and slot.index not in busy:
                    slot.next_start = None
                    proc = self.spawn(slot.index, self.generation)
                    log("I", "Started worker %d in place of the one that died" % proc.pid, flush=True)
        for proc in self.workers.values():
            if proc.generation == self.generation and proc.ready_at is not None:
                self.slots[proc.slot].settle(now, proc.ready_at)
        self._drop_unused_listeners()

    def _read_ready(self, proc, now):
        what, passed = receive_ready(proc.channel)
        if what is None:
            return
        proc.channel.close()
        proc.channel = None
        if what == "ready":
            proc.ready_at = now
            if passed is not None:
                proc.listener = passed
                if proc.generation >= self.generation and proc.slot not in self.slot_listener:
                    self.slot_listener[proc.slot] = passed

    def _exited(self, proc, status, now):
        if proc.channel is not None:
            self._read_ready(proc, now)  # a ready message (and socket) sent just before it died
        if proc.channel is not None:
            proc.channel.close()
        del self.workers[proc.pid]
        if proc.listener is not None and proc.listener not in self.slot_listener.values():
            if proc.listener is not self.listeners.shared:
                proc.listener.close()
        if self.stopping:
            return
        if proc.pid in self.starting:
            self.start_failure = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 3
            return
        description = describe_exit(proc.pid, status, proc.ready_at is not None)
        if proc.generation != self.generation:
            log("W", "Previous-generation %s" % description, flush=True)
            return
        delay = self.slots[proc.slot].died(now, proc.ready_at, description)
        log("W", "%s; starting a new one in %g s" % (description[0].upper() + description[1:], delay), flush=True)

    def _drop_unused_listeners(self):
        """Closes a slot's socket once no worker accepts on it, so the kernel stops queueing connections there;
        kept while no worker serves at all, so connections wait for the replacement instead of being refused."""
        if not self.slot_listener or not self._serving_slots():
            return
        used = set(id(p.listener) for p in self.workers.values())
        for slot, sock in list(self.slot_listener.items()):
            if id(sock) not in used:
                sock.close()
                del self.slot_listener[slot]

    def _wait(self, timeout):
        channels = [p.channel for p in self.workers.values() if p.channel is not None]
        if channels:
            try:
                select.select(channels, [], [], timeout)
            except (OSError, ValueError):
                time.sleep(timeout)
        else:
            time.sleep(timeout)

    def stop_pids(self, pids):
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + 10
        for pid in pids:
            while time.time() < deadline:
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if done:
                    break
                time.sleep(0.01)
            else:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
            proc = self.workers.pop(pid, None)
            if proc is not None and proc.channel is not None:
                proc.channel.close()
        self._drop_unused_listeners()

    # -- reload ----------------------------------------------------------------------------------------------

    def reload(self):
        """New workers (fresh import of the entry script) start before the old ones stop, so the port keeps answering.
        Each new worker accepts on its slot's socket beside the old one: what is queued there is served by the new one."""
        log(
            "I",
            "Reloading: starting %d new worker(s) with the entry script copied again" % self.args.workers,
            flush=True,
        )
        self.status("reloading")
        procs, failure = self.start_generation()
        count = self.reloads["count"] + 1
        if self.stopping:
            return  # the main loop stops every worker, old and new
        if failure is not None:
            # Keep serving the previous code.
            self.stop_pids([p.pid for p in procs if p.pid in self.workers])
            error = "Reload failed: the new entry script could not start (see the log); still serving the previous one."
            log("E", "Reload failed: the new entry script could not start; still serving the previous one", flush=True)
            self.reloads = {"count": count, "ok": False, "error": error}
            self._write_health()
            self.status(*self.written)
            return
        old = [pid for pid, proc in self.workers.items() if proc.generation == self.generation]
        self.generation += 1
        for slot in self.slots:
            slot.reset()
        self.stop_pids(old)
        log("I", "Reload complete: %d worker(s) serving the new entry script" % len(procs), flush=True)
        self.reloads = {"count": count, "ok": True, "error": None}
        self._write_health()
        self.status(*self.written)

    def _on_stop(self, signum, frame):
        self.stopping = True

    def _on_reload(self, signum, frame):
        self.reload_requested = True


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    problem = settings_problem(args)
    if problem:
        log("E", problem, flush=True)
        sys.exit(2)
    if not hasattr(os, "fork"):
        log("E", "This platform has no fork(); Benchtop's scoring server needs Linux or macOS for now.", flush=True)
        sys.exit(2)
    Master(args).run()


if __name__ == "__main__":
    main()
