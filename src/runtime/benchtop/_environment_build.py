"""Environment.build / build_local on this machine: a `benchtop env build` whose log is streamed live.

Azure's build() starts an image build in the cloud and returns an ImageBuildDetails to poll;
here the same object follows a local build (the CLI in a child process: its log on stderr, its
result as JSON on stdout). build_local() streams the same log to the notebook and returns when
it ends, raising on failure as azureml-core does.
"""

import sys
import threading

from . import _cli
from ._exceptions import AzureMLException


class _BuildProcess(object):
    """One `benchtop --json env build` run: its log collected as it arrives, its JSON once it ends."""

    def __init__(self, args, workspace):
        self.args = args
        self._log = []
        self._lock = threading.Lock()
        self.result = None
        self.error = None
        self._done = threading.Event()
        proc = _cli.popen(args, workspace)
        if proc is None:
            # In a container the host answers whole requests: the build runs there, its log stays there.
            try:
                self.result = _cli.call(args, workspace)
            except _cli.BenchtopCliError as err:
                self.error = err
            self._done.set()
            return
        self._proc = proc
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        stream = self._proc.stderr
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(4096)
            if not chunk:
                break
            with self._lock:
                self._log.append(chunk.decode("utf-8", "replace").replace("\r\n", "\n"))
        stdout = self._proc.stdout.read()
        code = self._proc.wait()
        try:
            self.result = _cli.parse_reply(self.args, code, stdout, b"".join(c.encode() for c in self._log))
        except _cli.BenchtopCliError as err:
            self.error = err
        self._done.set()

    def log(self):
        with self._lock:
            return "".join(self._log)

    @property
    def finished(self):
        return self._done.is_set()

    def wait(self, timeout=None):
        return self._done.wait(timeout)

    @property
    def succeeded(self):
        return self.finished and self.error is None and (self.result or {}).get("state") == "completed"


class ImageBuildDetails(object):
    """What Environment.build returns: status, get_log() and wait_for_completion(show_output=True)."""

    def __init__(self, environment, build):
        self.environment = environment
        self._build = build
        self.log_url = None

    @property
    def status(self):
        """Running, then Succeeded or Failed (Azure's image build statuses)."""
        if not self._build.finished:
            return "Running"
        return "Succeeded" if self._build.succeeded else "Failed"

    def get_log(self):
        return self._build.log()

    @property
    def result(self):
        """The CLI's JSON for the build: buildKey, backend, cached, state, path, python, image, error."""
        return self._build.result

    def wait_for_completion(self, show_output=True):
        """Waits for the build, printing its log as it arrives; returns self (azureml-core's contract)."""
        printed = 0
        if show_output:
            print("Image Build Status: Running\n", flush=True)
        while True:
            finished = self._build.wait(0.1)
            text = self._build.log()
            if show_output and len(text) > printed:
                sys.stdout.write(text[printed:])
                sys.stdout.flush()
                printed = len(text)
            if finished:
                break
        status = self.status
        if show_output:
            if status == "Failed":
                print("\n%s" % _failure(self._build), flush=True)
            print("\nImage Build Status: %s\n" % status, flush=True)
        return self

    def __repr__(self):
        return "ImageBuildDetails(environment=%r, status=%r)" % (
            "%s:%s" % (self.environment.name, self.environment.version),
            self.status,
        )


def _failure(build):
    if build.error is not None:
        return str(build.error)
    error = (build.result or {}).get("error") or {}
    return "%s%s" % (
        error.get("message") or "The build ended %s." % (build.result or {}).get("state"),
        ("\n  hint: %s" % error["hint"]) if error.get("hint") else "",
    )


def build_args(environment, docker):
    return ["env", "build", "-n", environment.name, "-v", str(environment.version)] + (
        ["--backend", "docker"] if docker else []
    )


def start(environment, workspace, docker):
    return ImageBuildDetails(environment, _BuildProcess(build_args(environment, docker), workspace))


def run_to_end(environment, workspace, docker):
    """build_local: streams the log, returns the CLI's JSON, raises when the build failed."""
    build = _BuildProcess(build_args(environment, docker), workspace)
    printed = 0
    while not build.wait(0.1):
        text = build.log()
        if len(text) > printed:
            sys.stdout.write(text[printed:])
            sys.stdout.flush()
            printed = len(text)
    text = build.log()
    sys.stdout.write(text[printed:])
    sys.stdout.flush()
    if not build.succeeded:
        raise AzureMLException("Building environment failed with exit code: 1\n%s" % _failure(build))
    return build.result
