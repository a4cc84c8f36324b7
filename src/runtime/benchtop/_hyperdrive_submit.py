"""experiment.submit(HyperDriveConfig): one `benchtop --json sweep submit --config-json -`.

The trial template is the run the ScriptRunConfig (or estimator) would submit on its own
(benchtop._script_run_config.prepare: snapshot folder, script, arguments, environment, target, dataset
inputs), as SubmitRun JSON; the core appends each trial's sampled `--name value` arguments to it, so the
script's argparse sees the sampled value last, as on Azure. An estimator's script_params that the parameter
space also names are dropped first, with Azure's warning (Azure does that for estimators only).
"""

import json
import shutil
import tempfile

from . import _cli
from ._exceptions import TrainingException
from ._hyperdrive_errors import HyperDriveConfigException, HyperDriveErrorStrings

# Errors that are the config's fault: the core's validation text is the message.
_CONFIG_ERRORS = ("BAD_INPUT", "PARSE_ERROR", "INVALID_NAME", "NOT_FOUND", "UNSUPPORTED")


def _without_swept(arguments, names):
    """ARGUMENTS less each `--flag value` (or bare `--flag`) whose flag the parameter space sweeps."""
    swept = {name.lstrip("-") for name in names}
    kept, dropped, at = [], [], 0
    while at < len(arguments):
        word = arguments[at]
        if word.startswith("-") and word.lstrip("-") in swept:
            dropped.append(word)
            has_value = at + 1 < len(arguments) and not arguments[at + 1].startswith("--")
            at += 2 if has_value else 1
            continue
        kept.append(word)
        at += 1
    return kept, dropped


def _environment(flags, workspace):
    """The template's environment as NAME:VERSION (a definition is registered first, as run submit does)."""
    if not flags:
        return None
    if flags[0] == "-e":
        return flags[1]
    registered = _cli.call(["env", "register", "-d", flags[1]], workspace)
    return "%s:%s" % (registered["name"], registered["version"])


def _inputs(inputs, workspace):
    """SubmitRun.inputs for the run's DatasetConsumptionConfigs (registered first when they are not)."""
    from ._script_run_inputs import submit_flags

    # submit_flags refuses what a run cannot carry and saves anonymous datasets; its checks are reused.
    submit_flags(inputs, workspace)
    out = []
    for name, config in inputs.items():
        entry = {"name": name, "dataset": config.dataset.name, "version": int(config.dataset.version)}
        entry["mode"] = "direct" if config.mode == "direct" else config.mode
        if config.path_on_compute:
            entry["pathOnCompute"] = config.path_on_compute
        out.append(entry)
    return out


def _trial_template(hyperdrive_config, experiment, folder):
    from ._hyperdrive_config import _warn
    from ._script_run_config import prepare

    source = hyperdrive_config.estimator or hyperdrive_config.run_config
    request = prepare(source, experiment, folder)
    workspace = experiment.workspace
    arguments = request["arguments"]
    if hyperdrive_config.estimator is not None:
        arguments, dropped = _without_swept(arguments, hyperdrive_config._sampling._parameter_space)
        if dropped:
            _warn(
                "The same input parameter(s) are specified in estimator/run_config script params and HyperDrive "
                "parameter space. HyperDrive parameter space definition will override these duplicate entries. "
                "{} is the list of overridden parameter(s).".format(dropped)
            )
    run = {
        "sourceDirectory": request["source"],
        "script": request["script"],
        "arguments": arguments,
        "experiment": experiment.name,
        "target": request["target"],
    }
    environment = _environment(request["environment"], workspace)
    if environment:
        run["environment"] = environment
    if request["pool"]:
        run["pool"] = True
    if request["max_duration"]:
        run["maxDurationSeconds"] = request["max_duration"]
    if request["inputs"]:
        run["inputs"] = _inputs(request["inputs"], workspace)
    return run


def search(hyperdrive_config, experiment, tags=None, **kwargs):
    """Submits the sweep; returns its HyperDriveRun (Running: the core starts trials through the run queue)."""
    from ._hyperdrive_run import HyperDriveRun

    unexpected = set(kwargs) - {"_parent_run_id", "continue_on_step_failure", "regenerate_outputs", "pipeline_params"}
    if unexpected:
        raise TypeError("submit() got an unexpected keyword argument '%s'" % sorted(unexpected)[0])
    if kwargs.get("_parent_run_id"):
        raise HyperDriveConfigException(
            "Benchtop's sweeps are top-level runs: submit the HyperDriveConfig with experiment.submit(), not as a "
            "child of another run."
        )
    workspace = experiment.workspace
    folder = tempfile.mkdtemp(prefix="benchtop-sweep-")
    try:
        request = hyperdrive_config._to_sweep(_trial_template(hyperdrive_config, experiment, folder))
        try:
            summary = _cli.call(["sweep", "submit", "--config-json", "-"], workspace, stdin=json.dumps(request))
        except _cli.BenchtopCliError as err:
            if err.code in _CONFIG_ERRORS:
                raise HyperDriveConfigException(str(err))
            raise TrainingException(HyperDriveErrorStrings.HYPERDRIVE_RUN_CREATION_FAILED.format(err=str(err)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for warning in summary.get("warnings") or []:
        print("Benchtop: %s" % warning)
    run = HyperDriveRun(experiment, summary["id"], hyperdrive_config=hyperdrive_config, _sweep=summary)
    if tags is not None:
        # As azureml-core's Experiment.submit: the submit's tags go on the HyperDrive run itself.
        run.set_tags(tags)
    return run
