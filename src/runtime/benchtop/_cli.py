"""Calls the Benchtop CLI from Python: the model registry lives in the app's core, not here.

Inside a run the supervisor sets BENCHTOP_NODE + BENCHTOP_CLI (the exact CLI of
the app that started the run) and BENCHTOP_WORKSPACE. In the user's own Python the
package was installed by `benchtop sdk install`, which records the node and CLI it
was run with in _install.json next to this file (a wheel cannot carry Node);
failing both, `benchtop` on PATH is used. In a container (no Node there)
BENCHTOP_HOST_CLI_DIR names a folder shared with the host, where the supervisor
answers CLI requests.

Calls go to the workspace of the Workspace object they are made for, else to the
one the last Workspace named (use_workspace), else to BENCHTOP_WORKSPACE / the
OS default as the CLI resolves it.
"""

import json
import os
import shutil
import sys
import time
import uuid


class BenchtopCliError(RuntimeError):
    """A registry operation failed; the message carries the CLI's error and hint."""

    def __init__(self, message, code=None, hint=None):
        super().__init__(message if not hint else "%s\n  hint: %s" % (message, hint))
        self.code = code
        self.hint = hint


def _command():
    if os.environ.get("BENCHTOP_HOST_CLI") == "remote":
        raise BenchtopCliError(
            "This run is in a container on a remote Docker engine, so the model registry cannot be reached from the script.",
            hint="Register after the run: benchtop model register -n NAME --run RUN_ID -p outputs/... (or run on the local engine).",
        )
    node, cli = os.environ.get("BENCHTOP_NODE"), os.environ.get("BENCHTOP_CLI")
    if node and cli:
        return [node, cli]
    installed = installed_cli()
    if installed:
        return installed
    found = shutil.which("benchtop")
    if found:
        return [found]
    raise BenchtopCliError(
        "The Benchtop CLI was not found, so the Benchtop workspace cannot be reached.",
        hint="Install this package with `benchtop sdk install --python %s` (it records where the CLI is), "
        "set BENCHTOP_NODE and BENCHTOP_CLI, or put `benchtop` on PATH." % sys.executable,
    )


INSTALL_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_install.json")


def installed_cli():
    """[node, bin/benchtop.js] as `benchtop sdk install` recorded them, while both still exist."""
    try:
        with open(INSTALL_FILE) as f:
            recorded = json.load(f)
    except (OSError, ValueError):
        return None
    node, cli = recorded.get("node"), recorded.get("cli")
    if node and cli and os.path.isfile(node) and os.path.isfile(cli):
        return [node, cli]
    return None


_active_workspace = None


def use_workspace(path):
    """Makes `path` the workspace of calls that name none (Model.register(ws, ...) and the like)."""
    global _active_workspace
    _active_workspace = os.path.abspath(path) if path else None


def _workspace_args(workspace):
    """--workspace DIR for the workspace a call is for, unless it is the one the CLI would pick anyway."""
    if workspace is not None and not isinstance(workspace, str) and not hasattr(workspace, "_path"):
        # An Experiment or a Run passed where a Workspace goes (scripts written before Benchtop did): its workspace.
        workspace = getattr(workspace, "workspace", None)
    path = getattr(workspace, "_path", workspace) or _active_workspace
    if not path or os.path.abspath(path) == os.path.abspath(os.environ.get("BENCHTOP_WORKSPACE") or os.sep + "-"):
        return []
    return ["--workspace", path]


class _Reply:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _run_on_host(folder, args, timeout=3600.0):
    """In a container: the supervisor runs the CLI on the host and writes the reply next to the request."""
    request_id = uuid.uuid4().hex
    request = os.path.join(folder, request_id + ".json")
    with open(request + ".tmp", "w") as f:
        json.dump({"args": list(args)}, f)
    os.replace(request + ".tmp", request)
    reply = os.path.join(folder, request_id + ".reply.json")
    deadline = time.monotonic() + timeout
    while not os.path.exists(reply):
        if time.monotonic() > deadline:
            raise BenchtopCliError(
                "The Benchtop app did not answer in time.",
                hint="Is the run's supervisor still running? See the run's log.",
            )
        time.sleep(0.02)
    with open(reply) as f:
        data = json.load(f)
    for path in (request, reply):
        try:
            os.remove(path)
        except OSError:
            pass
    return _Reply(data["code"], data["stdout"].encode("utf-8"), data["stderr"].encode("utf-8"))


def _env():
    env = dict(os.environ)
    env["ELECTRON_RUN_AS_NODE"] = "1"
    return env


def _run(args, workspace=None, stdin=None):
    folder = os.environ.get("BENCHTOP_HOST_CLI_DIR")
    if folder:
        if stdin is not None:
            # The host's request folder carries arguments only.
            raise BenchtopCliError(
                "benchtop %s cannot be called from a container run." % " ".join(args[1:3]),
                hint="Call it from the notebook, or run this script with compute_target='local'.",
            )
        return _run_on_host(folder, args)
    command = _command() + _workspace_args(workspace) + list(args)
    # Imported here, not at the top: every run's `from azureml.core import Run` loads this module, and most
    # scripts never call the CLI (subprocess and what it loads are ~4 ms of each run's start).
    import subprocess

    return subprocess.run(
        command,
        input=stdin.encode("utf-8") if stdin is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )


def popen(args, workspace=None, own_session=False):
    """`benchtop --json ARGS...` started, not waited for: its live log on stderr, its JSON on stdout.

    own_session: the CLI does not get this process's Ctrl-C (a notebook that stops following a run
    must not cancel it). None in a container, where requests go through the host's folder and
    cannot stream."""
    if os.environ.get("BENCHTOP_HOST_CLI_DIR"):
        return None
    command = _command() + _workspace_args(workspace) + ["--json"] + list(args)
    import subprocess

    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), start_new_session=own_session
    )


def parse_reply(args, returncode, stdout, stderr):
    """The JSON document of a finished `benchtop --json` call; raises BenchtopCliError on failure."""
    documents = _documents(stdout.decode("utf-8", "replace"))
    # A command that printed its result and then failed (docker status) prints two: the error is last.
    data = documents[-1] if documents else {}
    if returncode != 0:
        error = data.get("error") if isinstance(data, dict) else None
        if error:
            raise BenchtopCliError(error.get("message", "failed"), error.get("code"), error.get("hint"))
        raise BenchtopCliError(
            "benchtop %s failed (exit %s): %s"
            % (" ".join(args[:2]), returncode, stderr.decode("utf-8", "replace").strip()[-2000:])
        )
    return data


def _documents(text):
    decoder, out, at = json.JSONDecoder(), [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return out
        try:
            value, at = decoder.raw_decode(text, at)
        except ValueError:
            return out
        out.append(value)


def call(args, workspace=None, stdin=None):
    """Runs `benchtop --json ARGS...` (STDIN: text for its standard input, e.g. `--config-json -`) and returns
    its JSON document; raises BenchtopCliError on failure."""
    proc = _run(["--json"] + list(args), workspace, stdin)
    return parse_reply(args, proc.returncode, proc.stdout, proc.stderr)


def text(args, workspace=None):
    """Runs `benchtop ARGS...` for its plain output (a log), which has no JSON form."""
    return _run(args, workspace).stdout.decode("utf-8", "replace")


def pairs(flag, values):
    """{"k": "v"} -> ["--tag", "k=v", ...]."""
    out = []
    for key, value in dict(values or {}).items():
        out += [flag, "%s=%s" % (key, "" if value is None else value)]
    return out


def timestamp(text):
    """A time in a CLI record ("2024-05-01T10:00:00.123Z") as an aware datetime; None when absent or not that shape."""
    import datetime

    if not text:
        return None
    try:
        return datetime.datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return None


class JsonBacked:
    """Objects (Model, LocalWebservice) built from the CLI's --json document; subclasses define _load(data)."""

    workspace = None

    @classmethod
    def _from_json(cls, data, workspace=None):
        obj = cls.__new__(cls)
        obj._load(data)
        obj.workspace = workspace
        return obj
