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


def _bounded(function, min_value, max_value, q=None, equal_bounds=False):
    """The uniform family: [function, [min, max(, q)]], min below max (loguniform's may equal it, as Azure's)."""
    _check_number(function, "min_value", min_value)
    _check_number(function, "max_value", max_value)
    if q is not None:
        _check_q(function, q)
    if min_value > max_value or (min_value == max_value and not equal_bounds):
        raise invalid_setting(function, "min_value <= max_value" if equal_bounds else "min_value < max_value")
    return [function, [min_value, max_value] + ([] if q is None else [q])]


def _gaussian(function, mu, sigma, q=None):
    """The normal family: [function, [mu, sigma(, q)]], sigma non negative."""
    _check_number(function, "mu", mu)
    _check_number(function, "sigma", sigma)
    if q is not None:
        _check_q(function, q)
    _check_sigma(function, sigma)
    return [function, [mu, sigma] + ([] if q is None else [q])]


def uniform(min_value, max_value):
    """A value uniformly distributed between min_value and max_value (inclusive)."""
    return _bounded("uniform", min_value, max_value)


def quniform(min_value, max_value, q):
    """round(uniform(min_value, max_value) / q) * q."""
    return _bounded("quniform", min_value, max_value, q)


def loguniform(min_value, max_value):
    """exp(uniform(min_value, max_value)): the logarithm is uniformly distributed."""
    return _bounded("loguniform", min_value, max_value, equal_bounds=True)


def qloguniform(min_value, max_value, q):
    """round(exp(uniform(min_value, max_value)) / q) * q."""
    return _bounded("qloguniform", min_value, max_value, q, equal_bounds=True)


def normal(mu, sigma):
    """A value normally distributed with mean mu and standard deviation sigma."""
    return _gaussian("normal", mu, sigma)


def qnormal(mu, sigma, q):
    """round(normal(mu, sigma) / q) * q."""
    return _gaussian("qnormal", mu, sigma, q)


def lognormal(mu, sigma):
    """exp(normal(mu, sigma)): the logarithm is normally distributed."""
    return _gaussian("lognormal", mu, sigma)


def qlognormal(mu, sigma, q):
    """round(exp(normal(mu, sigma)) / q) * q."""
    return _gaussian("qlognormal", mu, sigma, q)
