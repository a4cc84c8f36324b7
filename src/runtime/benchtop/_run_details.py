"""run.get_details(): azureml-core's dict of a run, filled in from Benchtop's record of it.

logFiles maps Azure's log names to files on this machine (Azure: download URLs), so
get_details_with_logs() and open() read them. A failed run's error is Azure's error response,
with Benchtop's reason (the exit code and the script's last lines) as its message.
"""

import os


def _environment(reference):
    if not reference or ":" not in reference:
        return None
    name, version = reference.rsplit(":", 1)
    return {"name": name, "version": version}


def _error(data):
    if data.get("status") != "Failed":
        return None
    return {
        "error": {
            "code": "UserError",
            "message": data.get("reason") or "Detailed error not set on the Run. Please check the logs for details.",
            "messageParameters": {},
            "details": [],
        },
        "time": data.get("endedAt"),
    }


def details(run, data):
    from ._run import submitted_by
    from ._run_datasets import InputDatasetsLineage

    folder = data.get("directory") or ""
    log_files = {}
    driver_log = os.path.join(folder, "output.log")
    if folder and os.path.isfile(driver_log):
        log_files["azureml-logs/70_driver_log.txt"] = driver_log
    logs_dir = os.path.join(folder, "logs")
    if folder and os.path.isdir(logs_dir):
        for root, _dirs, files in os.walk(logs_dir):
            for name in files:
                full = os.path.join(root, name)
                log_files["logs/" + os.path.relpath(full, logs_dir).replace(os.sep, "/")] = full
    target = data.get("target")
    out = {
        "runId": data["id"],
        "target": target,
        "status": data.get("status"),
        "startTimeUtc": data.get("startedAt"),
        "endTimeUtc": data.get("endedAt"),
        "services": {},
        "properties": dict(data.get("properties") or {}),
        "inputDatasets": InputDatasetsLineage(run.experiment.workspace, data.get("inputDatasets")),
        "outputDatasets": [],
        "logFiles": log_files,
        "submittedBy": submitted_by(),
    }
    if data.get("script"):
        out["runDefinition"] = {
            "script": data.get("script"),
            "command": "",
            "useAbsolutePath": False,
            "arguments": list(data.get("arguments") or []),
            "sourceDirectoryDataStore": None,
            "framework": "Python",
            "communicator": "None",
            "target": target,
            "dataReferences": {},
            "data": {},
            "outputData": {},
            "jobName": None,
            "maxRunDurationSeconds": None,
            "nodeCount": 1,
            "environment": _environment(data.get("environment")),
        }
    error = _error(data)
    if error:
        out["error"] = error
    return out
