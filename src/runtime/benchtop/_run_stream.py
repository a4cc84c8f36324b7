"""run.wait_for_completion(): follows a run to its end, streaming its log the way azureml-core prints it.

RunId: <id>
Web View: <the run's page in the local UI>

Streaming azureml-logs/70_driver_log.txt
========================================

<the run's output, live: environment preparation, then the script's stdout and stderr>

Execution Summary
=================
RunId: <id>
Web View: <link>

One `benchtop run logs RUN_ID --follow` process does the following (it reads the run's output.log
every 50 ms and its status every 100 ms); it runs in its own session, so interrupting the notebook
stops the streaming and never the run.
"""

import codecs
import json
import os
import sys
import time

from . import _cli
from ._exceptions import ActivityFailedException, UserErrorException
from ._run_details import details as run_details

DRIVER_LOG = "azureml-logs/70_driver_log.txt"


class _Relay(object):
    """Terminal bytes -> text lines for a notebook: UTF-8 across chunk edges, CRLF as LF."""

    def __init__(self, out):
        self._out = out
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._held_cr = False

    def write(self, data, final=False):
        text = self._decoder.decode(data, final)
        if self._held_cr:
            text = "\r" + text
            self._held_cr = False
        if text.endswith("\r") and not final:
            text, self._held_cr = text[:-1], True
        if text:
            self._out.write(text.replace("\r\n", "\n"))
            self._out.flush()


def _follow(run, show_output):
    """Blocks until the run ends; returns its final record."""
    workspace = run.experiment.workspace
    proc = _cli.popen(["run", "logs", run.id, "--follow"], workspace, own_session=True)
    if proc is None:  # in a container: no streaming through the host's folder, so poll
        while run.get_status() not in ("Completed", "Failed", "Canceled"):
            time.sleep(1)
        return run._data
    relay = _Relay(sys.stdout) if show_output else None
    try:
        fd = proc.stderr.fileno()
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            if relay:
                relay.write(chunk)
        if relay:
            relay.write(b"", final=True)
        stdout = proc.stdout.read()
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        proc.stdout.close()
        proc.stderr.close()
    try:
        return _cli.parse_reply(["run", "logs"], proc.returncode, stdout, b"")
    except _cli.BenchtopCliError as err:
        raise UserErrorException(str(err))


def wait(run, show_output, raise_on_error):
    out = sys.stdout
    url = run.get_portal_url() if show_output else None
    if show_output:
        out.write("RunId: {}\n".format(run.id))
        out.write("Web View: {}\n".format(url))
        out.write("\nStreaming {}\n{}\n\n".format(DRIVER_LOG, "=" * (len(DRIVER_LOG) + 10)))
        out.flush()
    data = _follow(run, show_output)
    run._data = data
    details = run_details(run, data)
    error = details.get("error") or "Detailed error not set on the Run. Please check the logs for details."
    if show_output:
        out.write("\nExecution Summary\n=================\n")
        out.write("RunId: {}\n".format(run.id))
        out.write("Web View: {}\n".format(url))
        if details["status"] == "Failed" and not raise_on_error:
            out.write("\nError:\n")
            out.write(json.dumps(error, indent=4))
            out.write("\n")
        out.write("\n")
        out.flush()
    if details["status"] == "Failed" and raise_on_error:
        raise ActivityFailedException(error_details=json.dumps(error, indent=4))
    return details
