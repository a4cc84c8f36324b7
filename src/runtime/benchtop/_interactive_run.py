"""Experiment.start_logging(): an interactive run, logged to from this Python (a notebook) as it goes.

run = exp.start_logging(snapshot_directory=".", outputs="./outputs")
run.log("alpha", 0.1)
run.complete()                       # or run.fail(); `with exp.start_logging() as run:` does it

The run is Running in the app from the start, its metrics live; complete() keeps the files of the
outputs folder as its outputs/. If this Python ends first, the run is marked Failed (it would stay
Running forever otherwise).
"""

import os

from ._exceptions import SnapshotException, UserErrorException

OUTPUTS_DIR = "./outputs"


def start_logging(experiment, name=None, run_id=None, outputs=None, snapshot_directory=".", **kwargs):
    from . import _cli
    from ._run import Run

    display_name = kwargs.pop("display_name", None) or name
    description = kwargs.pop("description", None)
    tags = kwargs.pop("tags", None) or {}
    properties = kwargs.pop("properties", None) or {}
    kwargs.pop("_parent_logger", None)
    if kwargs:
        raise TypeError("start_logging() got an unexpected keyword argument '%s'" % next(iter(kwargs)))
    if outputs is True:
        outputs = OUTPUTS_DIR
    elif outputs is False:
        outputs = None
    else:
        outputs = outputs if outputs else OUTPUTS_DIR

    args = ["run", "create", "-x", experiment.name, "--owner-pid", str(os.getpid())]
    if run_id:
        args += ["--run-id", str(run_id)]
    if display_name:
        args += ["--display-name", str(display_name)]
    if description:
        args += ["--description", str(description)]
    for flag, values in (("--tag", tags), ("--property", properties)):
        for key, value in dict(values).items():
            args += [flag, "%s=%s" % (key, "" if value is None else value)]
    if snapshot_directory:
        args += ["--snapshot-directory", os.path.abspath(snapshot_directory)]
    try:
        created = _cli.call(args, experiment.workspace)
    except _cli.BenchtopCliError as err:
        if snapshot_directory and "snapshot" in str(err).lower():
            raise SnapshotException(
                "Failed to take a snapshot of {}. Pass snapshot_directory=None to start_logging to skip taking a "
                "snapshot of the given directory.\n{}".format(snapshot_directory, err)
            )
        raise UserErrorException(str(err))
    return Run(experiment, created[0]["id"], outputs=outputs, _data=created[0], _owned=True)
