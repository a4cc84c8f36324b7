"""azureml.train.hyperdrive.sampling: how a sweep draws its trials (random, grid, Bayesian).

The objects hold Azure's definition (to_json() gives {"name", "parameter_space"[, "properties"]} as
azureml-train-core does) and check what Azure checks on the client; Benchtop's core samples (random:
seeded per trial number, so a restarted engine draws the same; grid: every combination; Bayesian: Optuna's
TPE). A seed, which v1 has no argument for, can be given as properties={"seed": 42}; without one the core
picks one and records it (SweepSummary.seed).
"""

from ._hyperdrive_errors import HyperDriveConfigException, HyperDriveErrorStrings, invalid_setting


class HyperParameterSampling(object):
    """Base class of the sampling methods: a parameter space and properties for the algorithm."""

    def __init__(
        self,
        sampling_method_name,
        parameter_space,
        properties=None,
        supported_distributions=None,
        distributions_validators=None,
    ):
        self._sampling_method_name = sampling_method_name
        self._parameter_space = parameter_space
        self._properties = properties
        self._supported_distributions = supported_distributions
        self._distributions_validators = distributions_validators
        self._validate_supported_distributions()

    def to_json(self):
        """Azure's definition of the sampling: name, parameter_space and properties (when given)."""
        definition = {"name": self._sampling_method_name, "parameter_space": self._parameter_space}
        if self._properties:
            definition["properties"] = self._properties
        return definition

    def _validate_supported_distributions(self):
        if not self._supported_distributions:
            return
        for distribution in self._parameter_space.values():
            if isinstance(distribution, list) and distribution[0] not in self._supported_distributions:
                supported = ", ".join(sorted(self._supported_distributions))
                raise invalid_setting("This sampling method", "only the following distributions: [%s]" % supported)
            validators = self._distributions_validators or {}
            if distribution[0] in validators:
                valid, why = validators[distribution[0]](distribution)
                if not valid:
                    raise HyperDriveConfigException(
                        HyperDriveErrorStrings.DISTRIBUTION_VALIDATION_FAILURE.format(err=why)
                    )

    def __eq__(self, other):
        return self.__dict__ == other.__dict__

    @staticmethod
    def _choice_validator(choice_definition):
        values = choice_definition[1][0]
        if not values:
            return False, "At least one 'choice' value is required."
        for value in values:
            if type(value) not in (int, str, float):
                return False, "'choice' values should be 'int', 'string' or 'float'."
        types = [type(c) for c in values]
        if types.count(str) % len(types) != 0:
            return False, "Either all or none of the 'choice' values should be 'str' type."
        return True, None

    # --- Benchtop: the core's form ----------------------------------------------------------------
    _CORE_TYPE = None

    def _to_sweep(self):
        """SubmitSweep.sampling: {type, parameterSpace, seed}."""
        seed = (self._properties or {}).get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise invalid_setting("The sampling's seed property", "an int, e.g. properties={'seed': 42}")
        for name, expression in self._parameter_space.items():
            if not isinstance(expression, list) or len(expression) != 2:
                raise invalid_setting(
                    "The parameter space",
                    "each value to be a parameter expression, e.g. choice(1, 2) or uniform(0, 1); %r is %r"
                    % (name, expression),
                )
        return {"type": self._CORE_TYPE, "parameterSpace": self._parameter_space, "seed": seed}


class RandomParameterSampling(HyperParameterSampling):
    """Random sampling over a search space of discrete and continuous distributions."""

    SAMPLING_NAME = "RANDOM"
    _CORE_TYPE = "random"

    def __init__(self, parameter_space, properties=None):
        super(RandomParameterSampling, self).__init__(
            RandomParameterSampling.SAMPLING_NAME, parameter_space, properties
        )


class GridParameterSampling(HyperParameterSampling):
    """Every combination of choice() values."""

    SAMPLING_NAME = "GRID"
    _CORE_TYPE = "grid"

    def __init__(self, parameter_space, properties=None):
        super(GridParameterSampling, self).__init__(
            GridParameterSampling.SAMPLING_NAME,
            parameter_space,
            supported_distributions={"choice"},
            distributions_validators=None,
            properties=properties,
        )


class BayesianParameterSampling(HyperParameterSampling):
    """Bayesian optimisation over choice, quniform and uniform (here: Optuna's TPE sampler in the core)."""

    SAMPLING_NAME = "BayesianOptimization"
    _CORE_TYPE = "bayesian"

    def __init__(self, parameter_space, properties=None):
        if parameter_space is None:
            raise invalid_setting("BayesianParameterSampling", "parameter_space to not be None or empty.")
        super(BayesianParameterSampling, self).__init__(
            BayesianParameterSampling.SAMPLING_NAME,
            parameter_space,
            supported_distributions={"choice", "quniform", "uniform"},
            distributions_validators={
                "choice": self._choice_validator,
                "quniform": self._bayesian_quniform_validator,
            },
            properties=properties,
        )

    @staticmethod
    def _bayesian_quniform_validator(quniform_definition):
        values = quniform_definition[1]
        for item in values:
            if type(item) is not int:
                return False, "Expected quniform arguments to be int."
        low, high, q = values[0], values[1], values[2]
        if (high - low) / q > 100000:
            return False, "Too many discrete points for quniform distribution. Use larger q or uniform instead."
        return True, None


_BY_CORE_TYPE = {
    cls._CORE_TYPE: cls for cls in (RandomParameterSampling, GridParameterSampling, BayesianParameterSampling)
}


def _sampling_from_sweep(sampling):
    """The sampling object of a stored sweep (SweepDetail.config.sampling)."""
    cls = _BY_CORE_TYPE.get(sampling.get("type"))
    if cls is None:
        raise HyperDriveConfigException(HyperDriveErrorStrings.REHYDRATE_UNKNOWN_SAMPLING)
    seed = sampling.get("seed")
    return cls(dict(sampling.get("parameterSpace") or {}), properties={"seed": seed} if seed is not None else None)
