"""azureml.train.hyperdrive.HyperDriveRun: a sweep's parent run (HD_<id>) and its trials (HD_<id>_<n>).

hyperdrive_run = experiment.submit(hyperdrive_config)
hyperdrive_run.wait_for_completion(show_output=True)
best_run = hyperdrive_run.get_best_run_by_primary_metric()
best_run.register_model(model_name="sklearn-iris", model_path="outputs/model.joblib")

A Run (benchtop._run) whose type is "hyperdrive". Its trials are its child runs; each trial's primary
metric is read from its own events file, as the rest of Run reads metrics. The sweep itself (what is
sampled, the policy, the best trial so far) is the core's: `benchtop sweep show` / `sweep cancel`.
"""

import json

from . import _cli
from ._exceptions import TrainingException, UserErrorException
from ._hyperdrive_config import HyperDriveConfig, PrimaryMetricGoal
from ._hyperdrive_errors import HyperDriveErrorStrings, invalid_type, not_implemented
from ._run import Run

_AML_PREFIX = "_aml_system_"


class HyperDriveRun(Run):
    """The parent run of a hyperparameter sweep: its trials, the best one, cancel and wait."""

    RUN_TYPE = "hyperdrive"
    HYPER_DRIVE_RUN_USER_AGENT = "sdk_run_hyper_drive"

    def __init__(self, experiment, run_id, hyperdrive_config=None, **kwargs):
        if not isinstance(run_id, str):
            raise invalid_type("str", "run_id")
        self._sweep = kwargs.pop("_sweep", None)
        super(HyperDriveRun, self).__init__(experiment, run_id, **kwargs)
        self._hyperdrive_config = hyperdrive_config
        self._output_logs_pattern = "azureml-logs/hyperdrive.txt"

    # --- the sweep --------------------------------------------------------------------------
    def _sweep_detail(self):
        try:
            self._sweep = _cli.call(["sweep", "show", self._run_id], self._experiment.workspace)
        except _cli.BenchtopCliError as err:
            raise UserErrorException(str(err))
        return self._sweep

    @property
    def hyperdrive_config(self):
        """The HyperDriveConfig the sweep was submitted with (rebuilt from the workspace when fetched)."""
        if self._hyperdrive_config is None:
            sweep = self._sweep if self._sweep and "config" in self._sweep else self._sweep_detail()
            self._hyperdrive_config = HyperDriveConfig._from_sweep(sweep["config"])
        return self._hyperdrive_config

    def cancel(self):
        """Cancels the sweep: queued trials never start, running ones are canceled, then the parent."""
        try:
            result = _cli.call(["sweep", "cancel", self._run_id], self._experiment.workspace)
        except _cli.BenchtopCliError as err:
            raise TrainingException(
                "%s (%s)" % (HyperDriveErrorStrings.HYPERDRIVE_RUN_CANCELLATION_FAILED, err), inner_exception=err
            )
        self._refresh()
        return result

    def wait_for_completion(self, show_output=False, wait_post_processing=False, raise_on_error=True):
        """Waits for the sweep to end (every trial final); with show_output, prints each trial's progress."""
        from ._hyperdrive_wait import wait

        return self._wait_until_interrupted(
            wait, show_output, raise_on_error, "hyperdrive_run.cancel(), or benchtop sweep cancel %s" % self._run_id
        )

    # --- trials and the best one ------------------------------------------------------------------
    def get_hyperparameters(self):
        """{trial run id: its hyperparameters as a JSON string}, e.g. {"HD_x_0": '{"--C": 0.5}'}."""
        result = {}
        prefix = self._run_id + "_"
        # Azure keeps them as tags of the parent named after each trial (the core sets them as trials start).
        tags = dict(self._refresh().get("tags") or {})
        tags.update(self.get_tags())
        for name, value in tags.items():
            bare = name[len(_AML_PREFIX) :] if name.startswith(_AML_PREFIX) else name
            if bare.startswith(prefix) and bare[len(prefix) :].isdigit() and bare not in result:
                result[bare] = value
        missing = False
        for child in self._trials():
            tagged = (child._data.get("tags") or {}).get("hyperparameters")
            if child.id not in result and tagged is not None:
                result[child.id] = tagged
            missing = missing or child.id not in result
        if missing:
            # The core's record of what each trial was given.
            for trial in self._sweep_detail().get("trials") or []:
                result.setdefault(trial["runId"], json.dumps(trial.get("params") or {}))
        return result

    def _trials(self):
        return list(self.get_children())

    def get_children_sorted_by_primary_metric(self, top=0, reverse=False, discard_no_metric=False):
        """The trials, best primary metric first: [{run_id, hyperparameters, best_primary_metric, status}]."""
        assert isinstance(top, int) and top >= 0, "Value of parameter top should be 0 or a positive integer"
        assert isinstance(reverse, bool), "Type of parameter reverse should be bool"
        assert isinstance(discard_no_metric, bool), "Type of parameter discard_no_metric should be bool"
        hyperparameters = self.get_hyperparameters()
        metric_name = self.hyperdrive_config._primary_metric_config["name"]
        is_maximize = self.hyperdrive_config._primary_metric_config["goal"] == PrimaryMetricGoal.MAXIMIZE.value.lower()
        best_of = max if is_maximize else min
        with_metric, without_metric = [], []
        for run in self._trials():
            logged = run.get_metrics(metric_name).get(metric_name)
            numbers = [v for v in (logged if isinstance(logged, list) else [logged]) if _is_number(v)]
            best = best_of(numbers) if numbers else None
            child = {
                "run_id": run.id,
                "hyperparameters": hyperparameters.get(run.id),
                "best_primary_metric": best,
                "status": run.status,
            }
            if best is not None:
                with_metric.append(child)
            elif not discard_no_metric:
                without_metric.append(child)
        ordered = sorted(with_metric, key=lambda c: c["best_primary_metric"], reverse=(is_maximize != reverse))
        ordered += without_metric
        return ordered if top == 0 else ordered[:top]

    def get_best_run_by_primary_metric(self, include_failed=True, include_canceled=True, include_resume_from_runs=True):
        """The trial with the best primary metric (a Run), or None when no trial has logged it."""
        for child in self.get_children_sorted_by_primary_metric(discard_no_metric=True):
            if (
                (include_failed and child["status"] == "Failed")
                or (include_canceled and child["status"] == "Canceled")
                or child["status"] not in ("Failed", "Canceled")
            ):
                return Run.get(self._experiment.workspace, child["run_id"])
        return None

    def get_metrics(self):
        """{trial run id: {metric name: value or list of values}}."""
        return {run.id: run.get_metrics() for run in self._trials()}

    def get_diagnostics(self):
        raise not_implemented("Get diagnostics")

    def fail(self):
        raise not_implemented("Fail")

    @staticmethod
    def _from_run_dto(experiment, run_dto, **kwargs):
        return HyperDriveRun(experiment, run_dto["id"], _data=run_dto, **kwargs)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
