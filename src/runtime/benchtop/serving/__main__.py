"""The service's main process: binds the port, forks N workers (each imports score.py and runs init()),
restarts a worker that dies, reloads on SIGHUP without closing the port, stops on SIGTERM.

Exit codes: 0 stopped, 2 the port is taken or the settings are bad, 3 init() failed, 4 the script cannot be served.
"""

import argparse
import errno
import json
import os
import signal
import socket
import sys
import time
import traceback

from .log import log, rotate_as_main_process


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchtop.serving")
    p.add_argument("--entry-script", required=True)
    p.add_argument("--source-directory", default="")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5001)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--timeout-ms", type=int, default=60000)
    p.add_argument("--max-body-mb", type=float, default=10.0)
    p.add_argument("--status-file", default="")
    return p.parse_args(argv)


class Master:
    def __init__(self, args):
        self.args = args
        self.settings = {"timeout_ms": args.timeout_ms, "max_body": int(args.max_body_mb * 1024 * 1024)}
        self.generation = 0
        self.workers = {}  # pid -> generation
        self.ready = set()
        self.stopping = False
        self.reload_requested = False

    def status(self, state, error=None):
        if not self.args.status_file:
            return
        tmp = self.args.status_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(
                {"state": state, "pid": os.getpid(), "generation": self.generation, "error": error, "t": time.time()}, f
            )
        os.replace(tmp, self.args.status_file)

    def bind(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((self.args.host, self.args.port))
        except OSError as err:
            reason = "is already in use" if err.errno == errno.EADDRINUSE else "cannot be used (%s)" % err.strerror
            log("E", "Port %d %s." % (self.args.port, reason), flush=True)
            self.status("failed", "Port %d %s." % (self.args.port, reason))
            sys.exit(2)
        listener.listen(1024)
        listener.set_inheritable(True)
        self.listener = listener

    def banner(self):
        a = self.args
        lines = [
            "Benchtop scoring server (Azure ML inference server contract)",
            "Server Settings",
            "  Entry Script Name: %s" % a.entry_script,
            "  Model Directory: %s" % os.environ.get("AZUREML_MODEL_DIR", ""),
            "  Worker Count: %d" % a.workers,
            "  Scoring Timeout: %d ms" % a.timeout_ms,
            "  Request Body Limit: %g MB" % a.max_body_mb,
            "  Server Port: %d" % a.port,
            "Server Routes",
            "  Liveness Probe: GET   %s:%d/" % (a.host, a.port),
            "  Score:          POST  %s:%d/score" % (a.host, a.port),
            "  Swagger:        GET   %s:%d/swagger.json" % (a.host, a.port),
        ]
        for line in lines:
            log("I", line)
        log(None, None, flush=True)

    def spawn(self, generation):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            self._worker(write_fd)
            os._exit(0)
        os.close(write_fd)
        self.workers[pid] = generation
        return pid, read_fd

    def _worker(self, ready_fd):
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
            worker = Worker(self.listener, module, self.settings)
        except BaseException:
            exit_after_init_failure("User's init function failed:\n%s" % traceback.format_exc().rstrip())
        os.write(ready_fd, b"R")
        os.close(ready_fd)
        worker.serve()

    def start_generation(self):
        """Forks a full set of workers and waits until each is ready or has died. Returns (ready pids, exit code of a failed one)."""
        self.generation += 1
        generation = self.generation
        pipes = dict(self.spawn(generation) for _ in range(self.args.workers))
        ready, failure = [], None
        pending = dict(pipes)
        while pending:
            for pid, fd in list(pending.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    failure = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 3
                    self.workers.pop(pid, None)
                    os.close(fd)
                    del pending[pid]
                    continue
                try:
                    os.set_blocking(fd, False)
                    if os.read(fd, 1) == b"R":
                        ready.append(pid)
                        os.close(fd)
                        del pending[pid]
                except BlockingIOError:
                    pass
            if pending:
                time.sleep(0.01)
            if self.stopping:
                break
        return ready, failure

    def stop_pids(self, pids):
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + 10
        for pid in pids:
            while time.time() < deadline:
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                time.sleep(0.01)
            else:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
            self.workers.pop(pid, None)

    def run(self):
        rotate_as_main_process()
        self.bind()
        self.banner()
        self.status("starting")
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        ready, failure = self.start_generation()
        if failure is not None or len(ready) < self.args.workers:
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
        self.status("running")
        log(
            "I",
            "Service is ready: %d worker(s) serving on http://%s:%d" % (len(ready), self.args.host, self.args.port),
            flush=True,
        )
        while not self.stopping:
            if self.reload_requested:
                self.reload_requested = False
                self.reload()
            self.reap()
            log(None, None)
            time.sleep(0.05)
        log("I", "Stopping the service", flush=True)
        self.stop_pids(list(self.workers))
        self.status("stopped")

    def reap(self):
        """A worker that died while serving (a crash, the OOM killer) is replaced."""
        for pid, generation in list(self.workers.items()):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if not done or self.stopping:
                continue
            del self.workers[pid]
            if generation != self.generation:
                continue
            log("W", "Worker %d exited (status %d); starting a new one" % (pid, status), flush=True)
            new_pid, fd = self.spawn(generation)
            os.close(fd)

    def reload(self):
        """New workers (fresh import of the entry script) start before the old ones stop, so the port keeps answering."""
        old = [pid for pid, gen in self.workers.items() if gen == self.generation]
        log(
            "I",
            "Reloading: starting %d new worker(s) with the entry script copied again" % self.args.workers,
            flush=True,
        )
        self.status("reloading")
        ready, failure = self.start_generation()
        if failure is not None or len(ready) < self.args.workers:
            # Keep serving the previous code.
            self.stop_pids([pid for pid, gen in self.workers.items() if gen == self.generation])
            self.generation -= 1
            log("E", "Reload failed: the new entry script could not start; still serving the previous one", flush=True)
            self.status(
                "running",
                "Reload failed: the new entry script could not start (see the log); still serving the previous one.",
            )
            return
        self.stop_pids(old)
        log("I", "Reload complete: %d worker(s) serving the new entry script" % len(ready), flush=True)
        self.status("running")

    def _on_stop(self, signum, frame):
        self.stopping = True

    def _on_reload(self, signum, frame):
        self.reload_requested = True


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.workers < 1:
        log("E", "--workers must be at least 1", flush=True)
        sys.exit(2)
    if not hasattr(os, "fork"):
        log("E", "This platform has no fork(); Benchtop's scoring server needs Linux or macOS for now.", flush=True)
        sys.exit(2)
    Master(args).run()


if __name__ == "__main__":
    main()
