"""Notebook-style driver code for runs, as Azure ML v1 how-to pages write it, against a real Benchtop workspace.

Run by test/integration/sdkRuns.test.ts in a plain venv with the package installed the documented
way (`benchtop sdk install --python VENV/bin/python`), in a folder whose config.json names the
workspace (`benchtop workspace config -d .`). One section per call: `python notebook_runs.py SECTION`.
Each section asserts the values it gets and prints `ok SECTION` at the end; what it prints on the
way (the streamed log, notices) is checked by the test too.

Imports use azureml-core's module paths (azureml.core.experiment, .script_run_config, ...).
"""

import os
import sys
import time

from _notebook_helpers import check, raises, run_sections, write
from azureml.core.compute import AmlCompute, ComputeTarget
from azureml.core.compute_target import ComputeTargetException
from azureml.core.experiment import Experiment
from azureml.core.run import Run
from azureml.core.runconfig import DockerConfiguration, MpiConfiguration, RunConfiguration
from azureml.core.script_run import ScriptRun
from azureml.core.script_run_config import ScriptRunConfig
from azureml.core.workspace import Workspace
from azureml.exceptions import ActivityFailedException, ServiceException, UserErrorException

TRAIN = """
import argparse, os
from azureml.core import Run

parser = argparse.ArgumentParser()
parser.add_argument("--alpha", type=float, default=0.1)
parser.add_argument("--name", default="none")
args = parser.parse_args()

run = Run.get_context()
print("training with alpha", args.alpha, "name", args.name, flush=True)
for epoch in range(5):
    run.log("loss", 1.0 / (epoch + 1), step=epoch)
run.log("alpha", args.alpha)
run.log_list("lr", [0.1, 0.01])
run.log_row("per_class", cls="a", f1=0.5)
run.log_row("per_class", cls="b", f1=0.7)
run.tag("stage", "dev")
run.add_properties({"seed": "7"})
os.makedirs("outputs", exist_ok=True)
with open("outputs/model.pkl", "w") as f:
    f.write("weights alpha=%s" % args.alpha)
os.makedirs("logs", exist_ok=True)
with open("logs/extra.log", "w") as f:
    f.write("a log line")
print("done training", flush=True)
"""

CHILDREN = """
from azureml.core import Run

run = Run.get_context()
for i in range(3):
    child = run.child_run(name="fold-%d" % i)
    child.log("fold_accuracy", 0.8 + i / 100)
    child.tag("fold", str(i))
    child.complete()
with run.child_run(name="ctx") as child:
    child.log("inside_with", 1)
batch = run.create_children(count=2)
for child in batch:
    child.start()
    child.log("batch_metric", 5)
    child.complete()
left_open = run.child_run(name="left-open")
left_open.log("x", 1)
run.log("parent_metric", 42)
print("children made", flush=True)
"""

FAIL = """
print("about to fail", flush=True)
raise ValueError("the model diverged")
"""

SLEEP = """
import time
print("sleeping", flush=True)
time.sleep(120)
"""


ws = Workspace.from_config()


def section_submit():
    write("src/train.py", TRAIN)
    exp = Experiment(workspace=ws, name="nb-train")
    src = ScriptRunConfig(source_directory="src", script="train.py", arguments=["--alpha", 0.5, "--name", "a b"])
    started = time.time()
    run = exp.submit(src, tags={"team": "ml"})
    print("submit returned in %.3f s" % (time.time() - started))
    check(isinstance(run, ScriptRun), "submit returns a ScriptRun: %r" % type(run))
    check(run.get_status() in ("Queued", "Preparing", "Running", "Finalizing", "Completed"), run.get_status())
    details = run.wait_for_completion(show_output=True)
    check(details["status"] == "Completed", details)
    check(details["runId"] == run.id, details)
    check(details["runDefinition"]["arguments"] == ["--alpha", "0.5", "--name", "a b"], details["runDefinition"])
    check(details["runDefinition"]["environment"]["name"] == "Benchtop-Minimal", details["runDefinition"])
    check("azureml-logs/70_driver_log.txt" in details["logFiles"], details["logFiles"])
    check(run.get_status() == "Completed", run.get_status())

    metrics = run.get_metrics()
    check(metrics["loss"] == [1.0, 0.5, 1.0 / 3, 0.25, 0.2], metrics)
    check(metrics["alpha"] == 0.5, metrics)
    check(metrics["lr"] == [0.1, 0.01], metrics)
    check(metrics["per_class"] == {"cls": ["a", "b"], "f1": [0.5, 0.7]}, metrics)
    check(run.get_metrics(name="alpha") == {"alpha": 0.5}, run.get_metrics(name="alpha"))

    names = run.get_file_names()
    for name in ("outputs/model.pkl", "logs/extra.log", "azureml-logs/70_driver_log.txt"):
        check(name in names, names)
    run.download_file("outputs/model.pkl", output_file_path="downloaded.pkl")
    check(open("downloaded.pkl").read() == "weights alpha=0.5", open("downloaded.pkl").read())
    run.download_files(prefix="outputs", output_directory="all-outputs")
    check(os.path.isfile("all-outputs/outputs/model.pkl"), os.listdir("all-outputs"))
    with open("uploaded.txt", "w") as f:
        f.write("notes")
    run.upload_file("notes/uploaded.txt", "uploaded.txt")
    check("notes/uploaded.txt" in run.get_file_names(), run.get_file_names())
    driver_log = run.get_details_with_logs()["logFiles"]["azureml-logs/70_driver_log.txt"]
    check("training with alpha 0.5 name a b" in driver_log, driver_log)

    check(run.get_tags() == {"team": "ml", "stage": "dev"}, run.get_tags())
    run.tag("reviewed", "yes")
    run.set_tags({"score": 0.93})
    check(run.get_tags()["score"] == "0.93", run.get_tags())
    run.add_properties({"approved_by": "me"})
    check(run.get_properties() == {"seed": "7", "approved_by": "me"}, run.get_properties())
    raises(UserErrorException, run.add_properties, {"seed": "8"})
    run.display_name = "first try"
    check(run.display_name == "first try", run.display_name)

    model = run.register_model(model_name="nb-model", model_path="outputs/model.pkl", tags={"from": "notebook"})
    check(model.name == "nb-model" and model.version == 1, (model.name, model.version))
    check(model.run_id == run.id, model.run_id)

    again = Run(exp, run.id)
    check(again.get_status() == "Completed" and again.display_name == "first try", again)
    fetched = Run.get(ws, run.id)
    check(fetched.experiment.name == "nb-train" and isinstance(fetched, ScriptRun), fetched)
    env = run.get_environment()
    check(env.name == "Benchtop-Minimal", env.name)

    second = exp.submit(
        ScriptRunConfig(source_directory="src", script="train.py", arguments=["--alpha", "0.9"]), tags={"team": "cv"}
    )
    second.wait_for_completion()
    runs = list(exp.get_runs())
    check([r.id for r in runs] == [second.id, run.id], [r.id for r in runs])
    check([r.id for r in exp.get_runs(tags={"team": "ml"})] == [run.id], "tag filter")
    check([r.id for r in exp.get_runs(tags="reviewed")] == [run.id], "tag key filter")
    check([r.id for r in exp.get_runs(properties={"approved_by": "me"})] == [run.id], "property filter")
    check(second.get_metrics()["alpha"] == 0.9, second.get_metrics())
    check("nb-train" in [e.name for e in Experiment.list(ws)], Experiment.list(ws))
    check(run.get_portal_url(), run.get_portal_url())
    print(run.get_portal_url())


def section_children():
    write("kids/train.py", CHILDREN)
    exp = Experiment(ws, "nb-children")
    run = exp.submit(ScriptRunConfig(source_directory="kids", script="train.py"))
    run.wait_for_completion(show_output=False)
    check(run.get_status() == "Completed", run.get_details())
    children = list(run.get_children())
    names = [c.display_name for c in children]
    check(names[:3] == ["fold-0", "fold-1", "fold-2"] and names[3] == "ctx", names)
    check(len(children) == 7, names)
    statuses = {c.display_name: c.get_status() for c in children}
    check(all(s == "Completed" for s in statuses.values()), statuses)
    check(children[0].get_metrics() == {"fold_accuracy": 0.8}, children[0].get_metrics())
    check(children[0].get_tags() == {"fold": "0"}, children[0].get_tags())
    check(children[0].parent.id == run.id, children[0].parent)
    batch = [c for c in children if "azureml.batch_child_number" in c.get_tags()]
    check([c.get_tags()["azureml.batch_child_number"] for c in batch] == ["0", "1"], [c.get_tags() for c in batch])
    check(all(c.get_metrics() == {"batch_metric": 5} for c in batch), [c.get_metrics() for c in batch])
    recursive = run.get_metrics(recursive=True)
    check(recursive[run.id] == {"parent_metric": 42}, recursive)
    check(recursive[children[1].id] == {"fold_accuracy": 0.81}, recursive)
    check([r.id for r in exp.get_runs()] == [run.id], "children are not top-level runs")
    check(len(list(exp.get_runs(include_children=True))) == 8, "include_children")
    # Child runs from the notebook, of a finished run, and nested.
    late = run.child_run(name="from-notebook")
    late.log("late", 3)
    grandchild = late.child_run()
    grandchild.log("deep", 1)
    grandchild.complete()
    late.complete()
    check(late.get_status() == "Completed" and grandchild.parent.id == late.id, late)
    everything = list(run.get_children(recursive=True))
    check(grandchild.id in [c.id for c in everything], [c.id for c in everything])
    check(len(list(run.get_children())) == 8, "one more direct child")
    # A script submitted as a child run (submit_child), with its own supervisor.
    write("src/train.py", TRAIN)
    submitted = run.submit_child(ScriptRunConfig(source_directory="src", script="train.py"), tags={"kind": "submitted"})
    submitted.wait_for_completion()
    check(isinstance(submitted, ScriptRun) and submitted.parent.id == run.id, submitted)
    check(submitted.id == "%s_8" % run.id and submitted.get_tags()["kind"] == "submitted", submitted.get_tags())
    check(submitted.get_metrics()["alpha"] == 0.1, submitted.get_metrics())


def section_interactive():
    exp = Experiment(ws, "nb-interactive")
    write("snap/notes.txt", "snapshot me")
    run = exp.start_logging(snapshot_directory="snap", outputs="./outputs")
    check(run.get_status() == "Running", run.get_status())
    run.log("alpha", 0.1)
    for i in range(3):
        run.log("curve", i * 2)
    run.tag("kind", "interactive")
    seen = Run(exp, run.id)
    check(seen.get_status() == "Running" and seen.get_metrics()["curve"] == [0, 2, 4], seen.get_metrics())
    write("outputs/result.txt", "interactive output")
    run.complete()
    check(run.get_status() == "Completed", run.get_status())
    check("outputs/result.txt" in run.get_file_names(), run.get_file_names())
    check(run.get_tags() == {"kind": "interactive"}, run.get_tags())

    with exp.start_logging(snapshot_directory=None) as ctx_run:
        ctx_run.log("inside", 1)
    check(ctx_run.get_status() == "Completed", ctx_run.get_status())

    try:
        with exp.start_logging(snapshot_directory=None) as failing:
            failing.log("before", 1)
            raise RuntimeError("notebook cell failed")
    except RuntimeError:
        pass
    check(failing.get_status() == "Failed", failing.get_status())
    error = failing.get_details()["error"]["error"]["message"]
    check("RuntimeError: notebook cell failed" in error, error)

    marked = exp.start_logging(snapshot_directory=None)
    marked.fail(error_details="bad data")
    check(marked.get_status() == "Failed", marked.get_status())
    canceled = exp.start_logging(snapshot_directory=None)
    canceled.cancel()
    check(canceled.get_status() == "Canceled", canceled.get_status())
    # Left open: the test checks it is marked Failed once this Python has exited.
    print("left open:", exp.start_logging(snapshot_directory=None).id)


def section_failure():
    write("bad/train.py", FAIL)
    exp = Experiment(ws, "nb-failure")
    run = exp.submit(ScriptRunConfig(source_directory="bad", script="train.py"))
    err = raises(ActivityFailedException, run.wait_for_completion, show_output=True)
    check("the model diverged" in str(err), str(err))
    check(run.get_status() == "Failed", run.get_status())
    details = run.wait_for_completion(show_output=True, raise_on_error=False)
    check(details["status"] == "Failed" and "exited with code 1" in details["error"]["error"]["message"], details)


def section_cancel():
    write("slow/train.py", SLEEP)
    exp = Experiment(ws, "nb-cancel")
    run = exp.submit(ScriptRunConfig(source_directory="slow", script="train.py"))
    deadline = time.time() + 60
    while run.get_status() != "Running" and time.time() < deadline:
        time.sleep(0.2)
    run.cancel()
    details = run.wait_for_completion()
    check(details["status"] == "Canceled", details["status"])


def section_environment():
    from azureml.core.environment import Environment

    write("envsrc/train.py", "import os, sys\nprint('NB_FLAG', os.environ.get('NB_FLAG'), 'python', sys.executable)\n")
    exp = Experiment(ws, "nb-env")
    env = Environment("nb-env")
    env.python.user_managed_dependencies = True
    env.python.interpreter_path = sys.executable
    env.environment_variables = {"NB_FLAG": "from-the-environment"}
    first = exp.submit(ScriptRunConfig(source_directory="envsrc", script="train.py", environment=env))
    first.wait_for_completion(show_output=True)
    used = first.get_environment()
    check((used.name, used.version) == ("nb-env", "1"), (used.name, used.version))
    second = exp.submit(ScriptRunConfig(source_directory="envsrc", script="train.py", environment=env))
    second.wait_for_completion()
    check(second.get_environment().version == "1", "identical content reuses the version")
    registered = Environment.get(ws, "nb-env")
    third = exp.submit(ScriptRunConfig(source_directory="envsrc", script="train.py", environment=registered))
    third.wait_for_completion()
    check(
        third.get_details()["runDefinition"]["environment"] == {"name": "nb-env", "version": "1"}, third.get_details()
    )


def section_estimator():
    from azureml.train.estimator import Estimator

    write("src/train.py", TRAIN)
    exp = Experiment(ws, "nb-estimator")
    est = Estimator(
        source_directory="src", entry_script="train.py", script_params={"--alpha": 0.25}, compute_target="local"
    )
    run = exp.submit(est)
    run.wait_for_completion(show_output=True)
    check(run.get_metrics()["alpha"] == 0.25, run.get_metrics())
    raises(TypeError, Estimator, "src", entry_script="train.py", script_param={"--alpha": 1})
    raises(TypeError, Estimator, "src", "train.py")  # keyword-only, as in azureml-train-core

    from azureml.train.sklearn import SKLearn

    sk = SKLearn("src", entry_script="train.py", script_params={"--alpha": 2, "--name": "sk"}, pip_packages=["joblib"])
    check(sk.arguments == ["--alpha", 2, "--name", "sk"], sk.arguments)
    pip = list(sk.run_config.environment.python.conda_dependencies.pip_packages)
    check("scikit-learn" in pip and "joblib" in pip and "azureml-defaults" in pip, pip)
    check(sk.run_config.docker.use_docker is True and sk.run_config.target == "local", sk.run_config.target)


def section_compute():
    exp = Experiment(ws, "nb-compute")
    write("src/train.py", TRAIN)
    err = raises(ComputeTargetException, ComputeTarget, workspace=ws, name="cpu-cluster")
    check("cpu-cluster" in str(err) and "local" in str(err), str(err))
    try:
        cluster = ComputeTarget(workspace=ws, name="cpu-cluster")
        print("Found existing cluster, use it.")
    except ComputeTargetException:
        config = AmlCompute.provisioning_configuration(vm_size="STANDARD_D2_V2", max_nodes=4)
        cluster = ComputeTarget.create(ws, "cpu-cluster", config)
    cluster.wait_for_completion(show_output=True)
    check(isinstance(cluster, AmlCompute) and cluster.vm_size == "STANDARD_D2_V2", cluster)
    again = ComputeTarget(workspace=ws, name="cpu-cluster")
    check(isinstance(again, AmlCompute) and again.scale_settings.maximum_node_count == 4, again)
    check("cpu-cluster" in ws.compute_targets, list(ws.compute_targets))
    for alpha in ("0.3", "0.4"):
        run = exp.submit(
            ScriptRunConfig(
                source_directory="src", script="train.py", arguments=["--alpha", alpha], compute_target=cluster
            )
        )
        run.wait_for_completion()
        check(run.get_status() == "Completed" and run.get_details()["target"] == "local", run.get_details())
    rc = RunConfiguration()
    rc.target = "cpu-cluster"
    rc.docker = DockerConfiguration(use_docker=False)
    run = exp.submit(ScriptRunConfig(source_directory="src", script="train.py", run_config=rc))
    run.wait_for_completion()
    check(run.get_status() == "Completed", run.get_status())
    mpi = ScriptRunConfig(
        source_directory="src",
        script="train.py",
        compute_target="local",
        distributed_job_config=MpiConfiguration(node_count=2),
    )
    exp.submit(mpi).wait_for_completion()
    raises(UserErrorException, AmlCompute.supported_vmsizes, ws)
    raises(ComputeTargetException, AmlCompute.provisioning_configuration, vm_size="STANDARD_D2_V2")
    err = raises(
        ComputeTargetException,
        exp.submit,
        ScriptRunConfig(source_directory="src", script="train.py", compute_target="gpu-cluster"),
    )
    check("gpu-cluster" in str(err) and "cpu-cluster" in str(err), str(err))


def section_errors():
    exp = Experiment(ws, "nb-train")
    err = raises(ServiceException, Run, exp, "no-such-run")
    check("no-such-run" in str(err) and "nb-train_" in str(err), str(err))
    raises(ServiceException, Run.get, ws, "no-such-run")
    raises(TypeError, ScriptRunConfig, source_directory="src", scrpt="train.py")
    raises(TypeError, Experiment, ws, "x", bogus=1)
    raises(TypeError, exp.submit, ScriptRunConfig(source_directory="src", script="train.py"), bogus=1)
    raises(UserErrorException, Experiment, ws, "bad name!")
    raises(AttributeError, setattr, RunConfiguration(), "targt", "local")
    missing = raises(UserErrorException, exp.submit, ScriptRunConfig(source_directory="src", script="missing.py"))
    check("missing.py" in str(missing), str(missing))
    offline = Run.get_context()
    check(offline.id.startswith("OfflineRun"), offline.id)


if __name__ == "__main__":
    run_sections(globals())
