"""azureml.train.hyperdrive.parameter_expressions: the search-space functions, in Azure's wire form.

choice(1, 2) -> ["choice", [[1, 2]]], uniform(0.1, 1) -> ["uniform", [0.1, 1]], quniform(0, 10, 2) ->
["quniform", [0, 10, 2]]: lists exactly as azureml-train-core 1.60 returns them (Benchtop's core samples
from that form), with its checks and its error texts.
"""

from ._hyperdrive_errors import HyperDriveConfigException, HyperDriveErrorStrings, invalid_setting


def _number(value):
    return isinstance(value, (int, float))


def _check_number(function, name, value):
    if not _number(value):
        raise invalid_setting(function, "%s to be a float" % name)


def _check_q(function, q):
    if not isinstance(q, int) and not (isinstance(q, float) and q.is_integer()):
        raise invalid_setting(function, "q to be an int")


def _check_sigma(function, sigma):
    if sigma < 0:
        raise invalid_setting(function, "sigma to be non negative")


_CHOICE_FORMS = (
    "non-empty single list, non-empty single range() or a positive number of arbitrary comma separated inputs."
)


def choice(*options):
    """A discrete set of options: choice(1, 2, 3), choice([1, 2, 3]) or choice(range(1, 4))."""
    if len(options) == 0:
        raise HyperDriveConfigException(HyperDriveErrorStrings.MISSING_CHOICE_VALUES)
    for item in options:
        if isinstance(item, (range, list)):
            if len(options) > 1 or not item:
                raise invalid_setting("choice", _CHOICE_FORMS)
            return ["choice", [list(item)]]
    return ["choice", [list(options)]]


def randint(upper):
    """A random integer in [0, upper)."""
    if not isinstance(upper, int) or upper <= 0:
        raise invalid_setting("randint", "a positive number as input")
    return ["randint", [upper]]


def uniform(min_value, max_value):
    """A value uniformly distributed between min_value and max_value (inclusive)."""
    _check_number("uniform", "min_value", min_value)
    _check_number("uniform", "max_value", max_value)
    if min_value >= max_value:
        raise invalid_setting("uniform", "min_value < max_value")
    return ["uniform", [min_value, max_value]]


def quniform(min_value, max_value, q):
    """round(uniform(min_value, max_value) / q) * q."""
    _check_number("quniform", "min_value", min_value)
    _check_number("quniform", "max_value", max_value)
    _check_q("quniform", q)
    if min_value >= max_value:
        raise invalid_setting("quniform", "min_value < max_value")
    return ["quniform", [min_value, max_value, q]]


def loguniform(min_value, max_value):
    """exp(uniform(min_value, max_value)): the logarithm is uniformly distributed."""
    _check_number("loguniform", "min_value", min_value)
    _check_number("loguniform", "max_value", max_value)
    if min_value > max_value:
        raise invalid_setting("loguniform", "min_value <= max_value")
    return ["loguniform", [min_value, max_value]]


def qloguniform(min_value, max_value, q):
    """round(exp(uniform(min_value, max_value)) / q) * q."""
    _check_number("qloguniform", "min_value", min_value)
    _check_number("qloguniform", "max_value", max_value)
    _check_q("qloguniform", q)
    if min_value > max_value:
        raise invalid_setting("qloguniform", "min_value <= max_value")
    return ["qloguniform", [min_value, max_value, q]]


def normal(mu, sigma):
    """A value normally distributed with mean mu and standard deviation sigma."""
    _check_number("normal", "mu", mu)
    _check_number("normal", "sigma", sigma)
    _check_sigma("normal", sigma)
    return ["normal", [mu, sigma]]


def qnormal(mu, sigma, q):
    """round(normal(mu, sigma) / q) * q."""
    _check_number("qnormal", "mu", mu)
    _check_number("qnormal", "sigma", sigma)
    _check_q("qnormal", q)
    _check_sigma("qnormal", sigma)
    return ["qnormal", [mu, sigma, q]]


def lognormal(mu, sigma):
    """exp(normal(mu, sigma)): the logarithm is normally distributed."""
    _check_number("lognormal", "mu", mu)
    _check_number("lognormal", "sigma", sigma)
    _check_sigma("lognormal", sigma)
    return ["lognormal", [mu, sigma]]


def qlognormal(mu, sigma, q):
    """round(exp(normal(mu, sigma)) / q) * q."""
    _check_number("qlognormal", "mu", mu)
    _check_number("qlognormal", "sigma", sigma)
    _check_q("qlognormal", q)
    _check_sigma("qlognormal", sigma)
    return ["qlognormal", [mu, sigma, q]]
