"""Calls the Benchtop CLI from Python: the model registry lives in the app's core, not here.

Inside a run the supervisor sets BENCHTOP_NODE + BENCHTOP_CLI (the exact CLI of
the app that started the run) and BENCHTOP_WORKSPACE; elsewhere `benchtop` on
PATH is used.
"""
import json
import os
import shutil
import subprocess


class BenchtopCliError(RuntimeError):
    """A registry operation failed; the message carries the CLI's error and hint."""

    def __init__(self, message, code=None, hint=None):
        super().__init__(message if not hint else "%s\n  hint: %s" % (message, hint))
        self.code = code
        self.hint = hint


def _command():
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


def _run(args):
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
        raise BenchtopCliError("benchtop %s failed (exit %s): %s" % (" ".join(args[:2]), proc.returncode, proc.stderr.decode("utf-8", "replace").strip()[-2000:]))
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
