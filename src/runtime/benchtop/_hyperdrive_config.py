"""azureml.train.hyperdrive.runconfig: HyperDriveConfig, HyperDriveRunConfig and PrimaryMetricGoal.

hd = HyperDriveConfig(run_config=src, hyperparameter_sampling=RandomParameterSampling({...}),
                      policy=BanditPolicy(evaluation_interval=1, slack_factor=0.1),
                      primary_metric_name="Accuracy", primary_metric_goal=PrimaryMetricGoal.MAXIMIZE,
                      max_total_runs=12, max_concurrent_runs=4)
run = experiment.submit(hd)          # a HyperDriveRun (benchtop._hyperdrive_run)

The signature, defaults, checks, warnings and texts are azureml-train-core 1.60's. What needs Azure's
service (warm start from earlier sweeps, pipelines, a run id of one's own) is refused with the local way.
"""

import enum
import numbers
import warnings

from ._exceptions import UserErrorException
from ._hyperdrive_errors import invalid_setting, invalid_type
from ._hyperdrive_policy import NoTerminationPolicy, _policy_from_sweep
from ._hyperdrive_sampling import BayesianParameterSampling, _sampling_from_sweep

MAX_DURATION_MINUTES = 10080  # Azure cancels a HyperDrive run after this long; so does Benchtop's core.
RECOMMENDED_MIN_RUNS_PER_PARAMETER_BAYESIAN = 20
RECOMMENDED_MAX_CONCURRENT_RUNS_BAYESIAN = 20


def _simple_warning(message, category, filename, lineno, file=None, line=None):
    """azureml-train-core prints its warnings as the bare message (it sets warnings.formatwarning so)."""
    return str(message) + "\n"


def _warn(text):
    warnings.formatwarning = _simple_warning
    warnings.warn(text, stacklevel=3)


class PrimaryMetricGoal(enum.Enum):
    """Whether the primary metric is maximized or minimized."""

    MAXIMIZE = "MAXIMIZE"
    MINIMIZE = "MINIMIZE"

    @staticmethod
    def from_str(goal):
        if goal.lower() == PrimaryMetricGoal.MAXIMIZE.name.lower():
            return PrimaryMetricGoal.MAXIMIZE
        if goal.lower() == PrimaryMetricGoal.MINIMIZE.name.lower():
            return PrimaryMetricGoal.MINIMIZE
        raise invalid_setting("The primary metric goal", "either 'maximize' or 'minimize'.")


MAX_RUNS_PER_SWEEP = 1000  # HyperDrive's service refuses more trials (or more at once) per sweep.


def _check_run_count(name, value):
    """The service's 1..1000 range, checked before submit so the error names the argument (as the core's does)."""
    if value is None:
        return
    # Only the range: the type is left to the core's check, as 1.60 leaves it to the service.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise invalid_type("int", name)
    if not 1 <= value <= MAX_RUNS_PER_SWEEP:
        raise invalid_setting("HyperDriveConfig", "%s to be an integer between 1 and %d." % (name, MAX_RUNS_PER_SWEEP))


def _refuse_warm_start(name):
    return UserErrorException(
        "HyperDriveConfig(%s=...) warm-starts from earlier sweeps, which Benchtop's sweep engine does not do: "
        "submit a new sweep (narrow its parameter space from the earlier one's "
        "get_children_sorted_by_primary_metric()); the earlier sweep's runs stay in the workspace." % name
    )


class HyperDriveConfig(object):
    """A sweep: a ScriptRunConfig (or an estimator), how to sample its arguments, and when to stop."""

    _PLATFORM = "AML"

    def __init__(
        self,
        hyperparameter_sampling,
        primary_metric_name,
        primary_metric_goal,
        max_total_runs,
        max_concurrent_runs=None,
        max_duration_minutes=MAX_DURATION_MINUTES,
        policy=None,
        estimator=None,
        run_config=None,
        resume_from=None,
        resume_child_runs=None,
        pipeline=None,
        debug_flag=None,
        custom_run_id=None,
    ):
        from ._script_run_config import ScriptRunConfig

        self._estimator = estimator
        self._run_config = run_config
        self._pipeline = pipeline
        self._debug_flag = debug_flag
        self._custom_run_id = custom_run_id
        given = [value for value in (estimator, run_config, pipeline) if value is not None]
        if not given:
            raise invalid_setting("HyperDriveConfig", "at least one of estimator, run_config, pipeline to be set")
        if len(given) != 1:
            raise invalid_setting("HyperDriveConfig", "only one of estimator, run_config, pipeline to be set")
        if run_config is not None and not isinstance(run_config, ScriptRunConfig):
            raise invalid_type("ScriptRunConfig", "run_config")
        if hyperparameter_sampling is None:
            raise invalid_setting("HyperDriveConfig", "hyperparameter_sampling to be set")
        if pipeline is not None:
            raise UserErrorException(
                "HyperDriveConfig(pipeline=...) sweeps an Azure ML pipeline, which Benchtop does not run: give "
                "run_config=ScriptRunConfig(source_directory=..., script=...) for the step's script."
            )
        if custom_run_id is not None:
            raise UserErrorException(
                "Benchtop names HyperDrive runs itself (HD_<uuid>, trials HD_<uuid>_<n>); leave custom_run_id out "
                "and tag the run instead (experiment.submit(config, tags={...}))."
            )
        if resume_from:
            raise _refuse_warm_start("resume_from")
        if resume_child_runs:
            raise _refuse_warm_start("resume_child_runs")
        if policy is None:
            policy = NoTerminationPolicy()
        if isinstance(primary_metric_goal, str):
            primary_metric_goal = PrimaryMetricGoal.from_str(primary_metric_goal)
        if not isinstance(primary_metric_goal, PrimaryMetricGoal):
            raise invalid_type("PrimaryMetricGoal", "primary_metric_goal")
        _check_run_count("max_total_runs", max_total_runs)
        _check_run_count("max_concurrent_runs", max_concurrent_runs)
        self._sampling = hyperparameter_sampling
        self._policy = policy
        self._policy_config = policy.to_json()
        self._generator_config = hyperparameter_sampling.to_json()
        self._primary_metric_config = {"name": primary_metric_name, "goal": primary_metric_goal.name.lower()}
        self._max_total_runs = max_total_runs
        self._max_concurrent_runs = max_concurrent_runs or max_total_runs
        self._max_duration_minutes = max_duration_minutes
        self._platform = self._PLATFORM
        self._platform_config = None
        self._resume_from = None
        self._resume_child_runs = None
        self._is_cloud_hydrate = False
        if self._max_duration_minutes > MAX_DURATION_MINUTES:
            _warn(
                "The experiment maximum duration provided exceeds the service limit of {} minutes. The maximum "
                "duration will be overridden with {} minutes.".format(MAX_DURATION_MINUTES, MAX_DURATION_MINUTES)
            )
        if isinstance(hyperparameter_sampling, BayesianParameterSampling):
            recommended = RECOMMENDED_MIN_RUNS_PER_PARAMETER_BAYESIAN * len(hyperparameter_sampling._parameter_space)
            if self._max_total_runs is not None and self._max_total_runs < recommended:
                _warn(
                    "For best results with Bayesian Sampling we recommend using a maximum number of runs greater "
                    "than or equal to {} times the number of hyperparameters being tuned. Recommendend value:{}.".format(
                        RECOMMENDED_MIN_RUNS_PER_PARAMETER_BAYESIAN, recommended
                    )
                )
            if (
                self._max_concurrent_runs is not None
                and self._max_concurrent_runs > RECOMMENDED_MAX_CONCURRENT_RUNS_BAYESIAN
            ):
                _warn(
                    "We recommend using {} max concurrent runs or fewer when using Bayesian sampling since a higher "
                    "number might not provide the best result.".format(RECOMMENDED_MAX_CONCURRENT_RUNS_BAYESIAN)
                )

    @property
    def estimator(self):
        return self._estimator

    @property
    def run_config(self):
        return self._run_config

    @property
    def pipeline(self):
        return self._pipeline

    @property
    def source_directory(self):
        if self._is_cloud_hydrate:
            return None
        if self.estimator is not None:
            return self.estimator.source_directory
        if self.run_config is not None:
            return self.run_config.source_directory
        return None

    def _benchtop_submit(self, experiment, tags=None, **kwargs):
        from ._hyperdrive_submit import search

        return search(self, experiment, tags=tags, **kwargs)

    def _to_sweep(self, run):
        """SubmitSweep for Benchtop's core: RUN (the trial template) and this config's sampling and limits."""
        return {
            "run": run,
            "sampling": self._sampling._to_sweep(),
            "policy": self._policy._to_sweep(),
            "primaryMetric": dict(self._primary_metric_config),
            "maxTotalRuns": self._max_total_runs,
            "maxConcurrentRuns": self._max_concurrent_runs,
            "maxDurationMinutes": min(self._max_duration_minutes, MAX_DURATION_MINUTES),
        }

    @staticmethod
    def _from_sweep(config):
        """The HyperDriveConfig of a stored sweep (SweepDetail.config), as Azure rebuilds it from the run's tags."""
        from ._script_run_config import ScriptRunConfig

        template = config.get("run") or {}
        metric = config.get("primaryMetric") or {}
        rebuilt = HyperDriveConfig(
            hyperparameter_sampling=_sampling_from_sweep(config.get("sampling") or {}),
            primary_metric_name=metric.get("name"),
            primary_metric_goal=PrimaryMetricGoal.from_str(metric.get("goal", "maximize")),
            max_total_runs=config.get("maxTotalRuns"),
            max_concurrent_runs=config.get("maxConcurrentRuns"),
            max_duration_minutes=config.get("maxDurationMinutes") or MAX_DURATION_MINUTES,
            policy=_policy_from_sweep(config.get("policy")),
            run_config=ScriptRunConfig(
                template.get("sourceDirectory") or ".",
                script=template.get("script"),
                arguments=list(template.get("arguments") or []),
            ),
        )
        rebuilt._is_cloud_hydrate = True
        return rebuilt


class HyperDriveRunConfig(HyperDriveConfig):
    """Deprecated: HyperDriveConfig with an estimator."""

    def __new__(
        cls,
        estimator,
        hyperparameter_sampling,
        primary_metric_name,
        primary_metric_goal,
        max_total_runs,
        max_concurrent_runs=None,
        max_duration_minutes=MAX_DURATION_MINUTES,
        policy=None,
    ):
        _warn("HyperDriveRunConfig is deprecated. Please use the new HyperDriveConfig class.")
        return HyperDriveConfig(
            hyperparameter_sampling=hyperparameter_sampling,
            primary_metric_name=primary_metric_name,
            primary_metric_goal=primary_metric_goal,
            max_total_runs=max_total_runs,
            max_concurrent_runs=max_concurrent_runs,
            max_duration_minutes=max_duration_minutes,
            policy=policy,
            estimator=estimator,
        )
