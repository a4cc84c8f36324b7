"""Notebook-style driver for HyperDrive sweeps, as Azure ML v1's sample notebooks write them, on a real workspace.

The HyperDrive cells of MachineLearningNotebooks' train-hyperparameter-tune-deploy-with-sklearn, with only
the compute target changed ("local"): RandomParameterSampling + BanditPolicy over a script that logs a
synthetic learning curve, submit, wait_for_completion, the trials sorted by the primary metric, the best
run's hyperparameters and metrics, register its model; cancel; Azure's validation texts. Run by
test/integration/sdkHyperdrive.test.ts: `python notebook_hyperdrive.py SECTION...`, each ends `ok SECTION`.
"""

import json
import os
import time
import warnings

from _notebook_helpers import check, raises, run_sections, write
from azureml.core import Experiment, Run, ScriptRunConfig, Workspace
from azureml.train.estimator import Estimator
from azureml.train.hyperdrive import (
    BanditPolicy,
    BayesianParameterSampling,
    GridParameterSampling,
    HyperDriveConfig,
    HyperDriveRun,
    MedianStoppingPolicy,
    RandomParameterSampling,
    TruncationSelectionPolicy,
    choice,
    loguniform,
    normal,
    quniform,
    randint,
    uniform,
)
from azureml.train.hyperdrive.exceptions import HyperDriveConfigException
from azureml.train.hyperdrive.run import PrimaryMetricGoal

# A curve that peaks at lr=0.3: accuracy rises with the epoch towards 1 - (lr - 0.3)^2.
TRAIN = """
import argparse, os, time
from azureml.core import Run

parser = argparse.ArgumentParser()
parser.add_argument("--kernel", default="linear")
parser.add_argument("--penalty", type=float, default=1.0)
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--sleep", type=float, default=0.0)
args = parser.parse_args()

run = Run.get_context()
run.log("Kernel type", args.kernel)
run.log("Penalty", args.penalty)
ceiling = 1.0 - (args.lr - 0.3) ** 2
for epoch in range(1, 6):
    run.log("Accuracy", ceiling * (1.0 - 0.5 / epoch))
    time.sleep(args.sleep)
os.makedirs("outputs", exist_ok=True)
with open("outputs/model.joblib", "w") as f:
    f.write("lr=%s kernel=%s" % (args.lr, args.kernel))
"""

ws = Workspace.from_config()


def _source(name, script=TRAIN):
    folder = os.path.abspath(name)
    write(os.path.join(folder, "train_iris.py"), script)
    return folder


def _message(fn):
    return raises(HyperDriveConfigException, fn).message


def section_validation():
    """What azureml-train-core checks on the client, with its texts."""
    check(choice(1, 2) == ["choice", [[1, 2]]], choice(1, 2))
    check(choice([1, 2]) == ["choice", [[1, 2]]], choice([1, 2]))
    check(choice(range(3)) == ["choice", [[0, 1, 2]]], choice(range(3)))
    check(uniform(0.1, 1) == ["uniform", [0.1, 1]], "uniform")
    check(quniform(0, 10, 2) == ["quniform", [0, 10, 2]], "quniform")
    check(randint(5) == ["randint", [5]], "randint")
    check(_message(lambda: choice()) == "Please specify an input for choice.", "empty choice")
    check(_message(lambda: uniform(1, 0)) == "uniform expects min_value < max_value", "reversed uniform")
    check(_message(lambda: loguniform(2, 1)) == "loguniform expects min_value <= max_value", "loguniform")
    check(_message(lambda: normal(0, -1)) == "normal expects sigma to be non negative", "normal sigma")
    check(_message(lambda: randint(0)) == "randint expects a positive number as input", "randint")
    check(_message(lambda: quniform(0, 1, 0.5)) == "quniform expects q to be an int", "quniform q")
    check(
        _message(lambda: BanditPolicy(slack_factor=0.1, slack_amount=0.2))
        == "Bandit termination policy expects exactly one of slack factor or slack amount to be set.",
        "bandit both",
    )
    check(_message(lambda: BanditPolicy()).startswith("Bandit termination policy expects exactly one"), "bandit none")
    check(
        _message(lambda: TruncationSelectionPolicy(0)) == "truncation_percentage expects value to be between 1 and 99.",
        "truncation",
    )
    check(
        _message(lambda: MedianStoppingPolicy(evaluation_interval=1.5))
        == "Expected type int for evaluation_interval but got [Scrubbed]",
        "median interval",
    )
    check(
        _message(lambda: GridParameterSampling({"--lr": uniform(0, 1)}))
        == "This sampling method expects only the following distributions: [choice]",
        "grid over uniform",
    )
    check(
        _message(lambda: BayesianParameterSampling({"--lr": normal(0, 1)}))
        == "This sampling method expects only the following distributions: [choice, quniform, uniform]",
        "bayesian over normal",
    )
    check(
        _message(lambda: BayesianParameterSampling({"--n": quniform(0.5, 10, 1)}))
        == "Failed to validate a parameter distribution due to Expected quniform arguments to be int.",
        "bayesian quniform",
    )
    sampling = RandomParameterSampling({"--lr": uniform(0, 1)})
    src = ScriptRunConfig(source_directory=".", script="train_iris.py")
    check(
        _message(lambda: HyperDriveConfig(sampling, "Accuracy", PrimaryMetricGoal.MAXIMIZE, 4))
        == "HyperDriveConfig expects at least one of estimator, run_config, pipeline to be set",
        "no run config",
    )
    check(
        _message(
            lambda: HyperDriveConfig(
                hyperparameter_sampling=None,
                run_config=src,
                primary_metric_name="Accuracy",
                primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
                max_total_runs=4,
            )
        )
        == "HyperDriveConfig expects hyperparameter_sampling to be set",
        "no sampling",
    )
    # max_total_runs has no default in 1.60.
    missing = raises(
        TypeError, lambda: HyperDriveConfig(sampling, "Accuracy", PrimaryMetricGoal.MAXIMIZE, run_config=src)
    )
    check("max_total_runs" in str(missing), missing)
    config = HyperDriveConfig(
        run_config=src,
        hyperparameter_sampling=sampling,
        primary_metric_name="Accuracy",
        primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
        max_total_runs=6,
    )
    check(config._max_concurrent_runs == 6, "max_concurrent_runs defaults to max_total_runs")
    # The service's 1..1000 limit, refused before submit with the argument's name (not a schema library's text).
    check(
        _message(lambda: HyperDriveConfig(sampling, "Accuracy", PrimaryMetricGoal.MAXIMIZE, 1001, run_config=src))
        == "HyperDriveConfig expects max_total_runs to be an integer between 1 and 1000.",
        "max_total_runs over 1000",
    )
    check(
        _message(
            lambda: HyperDriveConfig(
                sampling, "Accuracy", PrimaryMetricGoal.MAXIMIZE, 4, max_concurrent_runs=0, run_config=src
            )
        )
        == "HyperDriveConfig expects max_concurrent_runs to be an integer between 1 and 1000.",
        "max_concurrent_runs 0",
    )
    check(config._policy_config == {"name": "Default"}, config._policy_config)
    check(config._primary_metric_config == {"name": "Accuracy", "goal": "maximize"}, config._primary_metric_config)
    check(
        BanditPolicy(slack_factor=0.1).to_json()
        == {"name": "Bandit", "properties": {"evaluation_interval": 1, "delay_evaluation": 0, "slack_factor": 0.1}},
        "bandit json",
    )
    # What only Azure's service does is refused with the local way.
    for name in ("resume_from", "resume_child_runs"):
        err = raises(
            Exception,
            lambda name=name: HyperDriveConfig(
                sampling, "Accuracy", PrimaryMetricGoal.MAXIMIZE, 4, run_config=src, **{name: [object()]}
            ),
        )
        check("submit a new sweep" in str(err), err)
    # Bayesian sampling with an early termination policy: refused when submitted (the core's check).
    bayes = HyperDriveConfig(
        run_config=ScriptRunConfig(source_directory=_source("bayes-src"), script="train_iris.py"),
        hyperparameter_sampling=BayesianParameterSampling({"--lr": uniform(0, 1)}),
        policy=BanditPolicy(slack_factor=0.1),
        primary_metric_name="Accuracy",
        primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
        max_total_runs=20,
    )
    err = raises(HyperDriveConfigException, lambda: Experiment(ws, "hd-bad").submit(bayes))
    print("bayesian+policy refused: %s" % err.message)


def section_sweep():
    """The sample notebook's cells: sweep, wait, the trials sorted, the best run, its model."""
    experiment = Experiment(ws, name="train_iris")
    src = ScriptRunConfig(
        source_directory=_source("iris-src"),
        script="train_iris.py",
        arguments=["--kernel", "linear", "--penalty", 1.0],
        compute_target="local",
    )
    param_sampling = RandomParameterSampling(
        {
            "--kernel": choice("linear", "rbf", "poly", "sigmoid"),
            "--lr": choice(0.1, 0.3, 0.5, 0.9),
        }
    )
    hyperdrive_config = HyperDriveConfig(
        run_config=src,
        hyperparameter_sampling=param_sampling,
        policy=BanditPolicy(evaluation_interval=1, slack_factor=0.5, delay_evaluation=2),
        primary_metric_name="Accuracy",
        primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
        max_total_runs=4,
        max_concurrent_runs=2,
    )
    started = time.time()
    hyperdrive_run = experiment.submit(hyperdrive_config, tags={"sample": "sklearn"})
    print("submit returned in %.1f s" % (time.time() - started))
    check(isinstance(hyperdrive_run, HyperDriveRun), type(hyperdrive_run))
    check(hyperdrive_run.id.startswith("HD_"), hyperdrive_run.id)
    details = hyperdrive_run.wait_for_completion(show_output=True)
    check(hyperdrive_run.get_status() == "Completed", hyperdrive_run.get_status())
    check(details["status"] == "Completed", details["status"])
    check(hyperdrive_run.get_tags().get("sample") == "sklearn", hyperdrive_run.get_tags())

    children = list(hyperdrive_run.get_children())
    check(len(children) == 4, [c.id for c in children])
    check(all(c.id.startswith(hyperdrive_run.id + "_") for c in children), [c.id for c in children])

    ordered = hyperdrive_run.get_children_sorted_by_primary_metric()
    check(len(ordered) == 4, ordered)
    check(set(ordered[0]) == {"run_id", "hyperparameters", "best_primary_metric", "status"}, ordered[0])
    values = [c["best_primary_metric"] for c in ordered]
    check(values == sorted(values, reverse=True), values)
    check(hyperdrive_run.get_children_sorted_by_primary_metric(top=2) == ordered[:2], "top=2")
    reverse = hyperdrive_run.get_children_sorted_by_primary_metric(reverse=True)
    check([c["best_primary_metric"] for c in reverse] == sorted(values), "reverse")

    hyperparameters = hyperdrive_run.get_hyperparameters()
    check(set(hyperparameters) == {c.id for c in children}, hyperparameters)
    for child in ordered:
        sampled = json.loads(child["hyperparameters"])
        check(set(sampled) == {"--kernel", "--lr"}, sampled)

    best_run = hyperdrive_run.get_best_run_by_primary_metric()
    check(best_run.id == ordered[0]["run_id"], best_run.id)
    best_params = json.loads(hyperparameters[best_run.id])
    arguments = best_run.get_details()["runDefinition"]["arguments"]
    print("best run %s arguments %s" % (best_run.id, arguments))
    # The sampled values come last, so argparse uses them (as on Azure).
    check(arguments[-4:] == ["--kernel", str(best_params["--kernel"]), "--lr", str(best_params["--lr"])], arguments)
    best_metrics = best_run.get_metrics()
    check(max(best_metrics["Accuracy"]) == ordered[0]["best_primary_metric"], best_metrics)
    check(best_metrics["Kernel type"] == best_params["--kernel"], best_metrics)

    all_metrics = hyperdrive_run.get_metrics()
    check(set(all_metrics) == {c.id for c in children}, all_metrics.keys())
    check("outputs/model.joblib" in best_run.get_file_names(), best_run.get_file_names())
    model = best_run.register_model(model_name="sklearn-iris", model_path="outputs/model.joblib")
    check(model.run_id == best_run.id, model.run_id)
    print("registered %s:%s from %s" % (model.name, model.version, best_run.id))

    # Fetched again, the run is a HyperDriveRun with its config, as Azure rebuilds it.
    again = Run.get(ws, hyperdrive_run.id)
    check(isinstance(again, HyperDriveRun), type(again))
    check(again.hyperdrive_config._primary_metric_config == {"name": "Accuracy", "goal": "maximize"}, "config")
    check(again.hyperdrive_config._max_total_runs == 4, again.hyperdrive_config._max_total_runs)
    listed = [r for r in experiment.get_runs() if r.id == hyperdrive_run.id]
    check(listed and isinstance(listed[0], HyperDriveRun), listed)
    check(again.get_best_run_by_primary_metric().id == best_run.id, "best again")
    print("sweep %s best %s %s" % (hyperdrive_run.id, best_run.id, ordered[0]["best_primary_metric"]))


def section_estimator():
    """The deprecated Estimator: script_params the space also sweeps are dropped, with Azure's warning."""
    estimator = Estimator(
        source_directory=_source("est-src"),
        entry_script="train_iris.py",
        script_params={"--lr": 0.9, "--kernel": "rbf"},
        compute_target="local",
    )
    config = HyperDriveConfig(
        estimator=estimator,
        hyperparameter_sampling=GridParameterSampling({"--lr": choice(0.2, 0.3)}),
        primary_metric_name="Accuracy",
        primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
        max_total_runs=2,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = Experiment(ws, "hd-estimator").submit(config)
    told = [str(w.message) for w in caught if "HyperDrive parameter space" in str(w.message)]
    check(len(told) == 1, [str(w.message) for w in caught])
    print("warned: %s" % told[0])
    run.wait_for_completion()
    for child in run.get_children():
        arguments = child.get_details()["runDefinition"]["arguments"]
        check(arguments.count("--lr") == 1 and "--kernel" in arguments, arguments)
    best = run.get_best_run_by_primary_metric()
    check(json.loads(run.get_hyperparameters()[best.id]) == {"--lr": 0.3}, run.get_hyperparameters())


def section_cancel():
    """cancel() stops the sweep: running trials are canceled, queued ones never start."""
    config = HyperDriveConfig(
        run_config=ScriptRunConfig(
            source_directory=_source("slow-src"), script="train_iris.py", arguments=["--sleep", 20]
        ),
        hyperparameter_sampling=RandomParameterSampling({"--lr": uniform(0.0, 1.0)}),
        primary_metric_name="Accuracy",
        primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
        max_total_runs=6,
        max_concurrent_runs=2,
    )
    run = Experiment(ws, "hd-cancel").submit(config)
    deadline = time.time() + 60
    while time.time() < deadline and not any(c.get_status() == "Running" for c in run.get_children()):
        time.sleep(0.5)
    check(any(c.get_status() == "Running" for c in run.get_children()), "no trial started")
    run.cancel()
    run.wait_for_completion(raise_on_error=False)
    check(run.get_status() == "Canceled", run.get_status())
    statuses = [c.get_status() for c in run.get_children()]
    check(statuses and all(s == "Canceled" for s in statuses), statuses)
    check(len(statuses) < 6, statuses)
    print("canceled %s: %d trials, all Canceled" % (run.id, len(statuses)))


def section_pool():
    """compute_target="pool": a container run for any engine of the Docker pool (none is set up here)."""
    from azureml.exceptions import UserErrorException

    src = ScriptRunConfig(source_directory=_source("pool-src"), script="train_iris.py", compute_target="pool")
    err = raises(UserErrorException, lambda: Experiment(ws, "hd-pool").submit(src))
    check("no pool is set up" in err.message, err.message)
    config = HyperDriveConfig(
        run_config=src,
        hyperparameter_sampling=GridParameterSampling({"--lr": choice(0.1, 0.2)}),
        primary_metric_name="Accuracy",
        primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
        max_total_runs=2,
    )
    run = Experiment(ws, "hd-pool").submit(config)
    template = run._sweep_detail()["config"]["run"]
    check(template["target"] == "docker" and template["pool"] is True, template)
    run.wait_for_completion(raise_on_error=False)
    message = run._sweep_detail()["message"] or ""
    check(run.get_status() == "Failed" and "no pool is set up" in message, (run.get_status(), message))
    print("pool sweep %s: %s" % (run.get_status(), message))


run_sections(globals())
