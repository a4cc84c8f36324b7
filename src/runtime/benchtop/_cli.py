"""Calls the Benchtop CLI from Python: the model registry lives in the app's core, not here.

Inside a run the supervisor sets BENCHTOP_NODE + BENCHTOP_CLI (the exact CLI of
the app that started the run) and BENCHTOP_WORKSPACE; elsewhere `benchtop` on
PATH is used. In a container (no Node there) BENCHTOP_HOST_CLI_DIR names a folder
shared with the host, where the supervisor answers CLI requests.
"""

import json
import os
import shutil
import subprocess
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
    found = shutil.which("benchtop")
    if found:
        return [found]
    raise BenchtopCliError(
        "The Benchtop CLI was not found, so the model registry cannot be reached.",
        hint="Run this script with `benchtop run submit`, or put `benchtop` on PATH (npm install -g, or npx).",
    )


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


def _run(args):
    folder = os.environ.get("BENCHTOP_HOST_CLI_DIR")
    if folder:
        return _run_on_host(folder, args)
    env = dict(os.environ)
    env["ELECTRON_RUN_AS_NODE"] = "1"
    return subprocess.run(_command() + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def call(args):
    """Runs `benchtop --json ARGS...` and returns its JSON document; raises BenchtopCliError on failure."""
    proc = _run(["--json"] + list(args))
    out = proc.stdout.decode("utf-8", "replace").strip()
    try:
        data = json.loads(out) if out else {}
    except ValueError:
        data = {}
    if proc.returncode != 0:
        error = data.get("error") if isinstance(data, dict) else None
        if error:
            raise BenchtopCliError(error.get("message", "failed"), error.get("code"), error.get("hint"))
        raise BenchtopCliError(
            "benchtop %s failed (exit %s): %s"
            % (" ".join(args[:2]), proc.returncode, proc.stderr.decode("utf-8", "replace").strip()[-2000:])
        )
    return data


def text(args):
    """Runs `benchtop ARGS...` for its plain output (a log), which has no JSON form."""
    return _run(args).stdout.decode("utf-8", "replace")


def pairs(flag, values):
    """{"k": "v"} -> ["--tag", "k=v", ...]."""
    out = []
    for key, value in dict(values or {}).items():
        out += [flag, "%s=%s" % (key, "" if value is None else value)]
    return out


class JsonBacked:
    """Objects (Model, LocalWebservice) built from the CLI's --json document; subclasses define _load(data)."""

    workspace = None

    @classmethod
    def _from_json(cls, data, workspace=None):
        obj = cls.__new__(cls)
        obj._load(data)
        obj.workspace = workspace
        return obj
