"""hyperdrive_run.wait_for_completion(show_output=True): follows a sweep to its end, as Azure prints it.

RunId: HD_<id>
Web View: <the sweep's page in the local UI>

Streaming azureml-logs/hyperdrive.txt
=====================================

[time][INFO] HD_<id>_0: Running  {"--C": 0.5}          <- one line per trial state change, from the core
...

Execution Summary
=================
RunId: HD_<id>
Web View: <link>

The sweep is the core's (the queue owner runs it), so waiting is polling `benchtop sweep show`; stopping
the wait (Ctrl-C) never stops the sweep.
"""

import datetime
import json
import sys
import time

from ._exceptions import ActivityFailedException
from ._run_details import details as run_details

HYPERDRIVE_LOG = "azureml-logs/hyperdrive.txt"
FINAL = ("Completed", "Failed", "Canceled")
POLL_SECONDS = 1.0


def _line(out, text):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    out.write("[%s][INFO] %s\n" % (stamp, text))
    out.flush()


def _report_trials(out, detail, seen):
    for trial in detail.get("trials") or []:
        state = trial["status"] + (" (early terminated)" if trial.get("earlyTerminated") else "")
        if seen.get(trial["runId"]) == state:
            continue
        seen[trial["runId"]] = state
        value = trial.get("primaryValue")
        metric = "" if value is None else "  best %s=%s" % (detail["config"]["primaryMetric"]["name"], value)
        _line(out, "%s: %s  %s%s" % (trial["runId"], state, json.dumps(trial.get("params") or {}), metric))


def wait(run, show_output, raise_on_error):
    out = sys.stdout
    url = run.get_portal_url() if show_output else None
    if show_output:
        out.write("RunId: {}\nWeb View: {}\n".format(run.id, url))
        out.write("\nStreaming {}\n{}\n\n".format(HYPERDRIVE_LOG, "=" * (len(HYPERDRIVE_LOG) + 10)))
        out.flush()
    seen, reported_message = {}, None
    while True:
        detail = run._sweep_detail()
        if show_output:
            _report_trials(out, detail, seen)
            if detail.get("message") and detail["message"] != reported_message:
                reported_message = detail["message"]
                _line(out, reported_message)
        if detail["status"] in FINAL:
            break
        time.sleep(POLL_SECONDS)
    data = run._refresh()
    details = run_details(run, data)
    if show_output:
        if detail.get("bestRunId"):
            _line(
                out,
                "Best run: %s (%s=%s)"
                % (detail["bestRunId"], detail["config"]["primaryMetric"]["name"], detail.get("bestValue")),
            )
        out.write("\nExecution Summary\n=================\nRunId: {}\nWeb View: {}\n\n".format(run.id, url))
        out.flush()
    if details["status"] == "Failed" and raise_on_error:
        error = details.get("error") or detail.get("message") or "Every trial of the sweep failed: see their logs."
        raise ActivityFailedException(error_details=json.dumps(error, indent=4))
    return details
