"""azureml.train.hyperdrive.policy: early termination policies (Bandit, median stopping, truncation, none).

Each holds Azure's definition (to_json(): {"name", "properties"}) with azureml-train-core 1.60's
defaults and checks. Benchtop's core applies them to the running trials: each log of the primary metric
is one interval, as on Azure; a stopped trial is canceled and marked early terminated.
"""

from ._hyperdrive_errors import HyperDriveConfigException, HyperDriveErrorStrings, invalid_setting, invalid_type


class EarlyTerminationPolicy(object):
    """Base class of the early termination policies."""

    def __init__(self, name, properties=None):
        self._name = name
        self._properties = properties

    def to_json(self):
        policy = {"name": self._name}
        if self._properties is not None:
            policy["properties"] = self._properties
        return policy

    def __eq__(self, other):
        return self.__dict__ == other.__dict__

    def _to_sweep(self):
        """SubmitSweep.policy."""
        raise NotImplementedError


class _IntervalPolicy(EarlyTerminationPolicy):
    """What Bandit, median stopping and truncation share: when they look (evaluation_interval, delay_evaluation)."""

    def __init__(self, name, evaluation_interval, delay_evaluation, **rule):
        if not isinstance(evaluation_interval, int):
            raise invalid_type("int", "evaluation_interval")
        if not isinstance(delay_evaluation, int):
            raise invalid_type("int", "delay_evaluation")
        # Azure's to_json() lists the intervals first, then the policy's own rule.
        config = {"evaluation_interval": evaluation_interval, "delay_evaluation": delay_evaluation}
        config.update(rule)
        super(_IntervalPolicy, self).__init__(name, config)
        self._evaluation_interval = evaluation_interval
        self._delay_evaluation = delay_evaluation

    @property
    def evaluation_interval(self):
        return self._evaluation_interval

    @property
    def delay_evaluation(self):
        return self._delay_evaluation

    def _sweep_intervals(self, kind):
        return {
            "type": kind,
            "evaluationInterval": self._evaluation_interval,
            "delayEvaluation": self._delay_evaluation,
        }


class BanditPolicy(_IntervalPolicy):
    """Cancels a trial whose primary metric falls outside the slack of the best trial's."""

    POLICY_NAME = "Bandit"

    def __init__(self, evaluation_interval=1, slack_factor=None, slack_amount=None, delay_evaluation=0):
        if (slack_factor is None and slack_amount is None) or (slack_factor and slack_amount):
            raise invalid_setting("Bandit termination policy", "exactly one of slack factor or slack amount to be set.")
        slack = {"slack_factor": slack_factor} if slack_factor else {"slack_amount": slack_amount}
        super(BanditPolicy, self).__init__(BanditPolicy.POLICY_NAME, evaluation_interval, delay_evaluation, **slack)
        self._slack_factor = slack_factor

    @property
    def slack_factor(self):
        return self._slack_factor

    def _to_sweep(self):
        sweep = self._sweep_intervals("bandit")
        sweep.update(slackFactor=self._properties.get("slack_factor"), slackAmount=self._properties.get("slack_amount"))
        return sweep


class MedianStoppingPolicy(_IntervalPolicy):
    """Cancels a trial whose best metric is worse than the median of the running averages of all trials."""

    POLICY_NAME = "MedianStopping"

    def __init__(self, evaluation_interval=1, delay_evaluation=0):
        super(MedianStoppingPolicy, self).__init__(
            MedianStoppingPolicy.POLICY_NAME, evaluation_interval, delay_evaluation
        )

    def _to_sweep(self):
        return self._sweep_intervals("median")


class TruncationSelectionPolicy(_IntervalPolicy):
    """Cancels the given percentage of lowest-ranked trials at each evaluation interval."""

    POLICY_NAME = "TruncationSelection"

    def __init__(self, truncation_percentage, evaluation_interval=1, delay_evaluation=0):
        if not isinstance(truncation_percentage, int):
            raise invalid_type("int", "truncation_percentage")
        if truncation_percentage < 1 or truncation_percentage > 99:
            raise invalid_setting("truncation_percentage", "value to be between 1 and 99.")
        super(TruncationSelectionPolicy, self).__init__(
            TruncationSelectionPolicy.POLICY_NAME,
            evaluation_interval,
            delay_evaluation,
            truncation_percentage=truncation_percentage,
            exclude_finished_jobs=False,
        )
        self._truncation_percentage = truncation_percentage

    @property
    def truncation_percentage(self):
        return self._truncation_percentage

    def _to_sweep(self):
        sweep = self._sweep_intervals("truncation")
        sweep.update(
            truncationPercentage=self._truncation_percentage,
            excludeFinishedJobs=bool(self._properties.get("exclude_finished_jobs")),
        )
        return sweep


class NoTerminationPolicy(EarlyTerminationPolicy):
    """Every trial runs to its end."""

    POLICY_NAME = "Default"

    def __init__(self):
        super(NoTerminationPolicy, self).__init__(NoTerminationPolicy.POLICY_NAME)

    def _to_sweep(self):
        return {"type": "none"}


def _policy_from_sweep(policy):
    """The policy object of a stored sweep (SweepDetail.config.policy)."""
    kind = (policy or {}).get("type", "none")
    intervals = {
        "evaluation_interval": policy.get("evaluationInterval", 1) if policy else 1,
        "delay_evaluation": policy.get("delayEvaluation", 0) if policy else 0,
    }
    if kind == "none":
        return NoTerminationPolicy()
    if kind == "bandit":
        return BanditPolicy(slack_factor=policy.get("slackFactor"), slack_amount=policy.get("slackAmount"), **intervals)
    if kind == "median":
        return MedianStoppingPolicy(**intervals)
    if kind == "truncation":
        return TruncationSelectionPolicy(policy.get("truncationPercentage"), **intervals)
    raise HyperDriveConfigException(HyperDriveErrorStrings.REHYDRATE_POLICY_NOT_FOUND.format(policy=kind))
