"""Suggests the next trial of a Bayesian sweep with Optuna's TPE sampler.

Runs in Benchtop's optuna tool environment. Reads one JSON object on stdin:
  space   [[name, {"type": "choice", "values": [...]} | {"type": "uniform", "min", "max"}
                 | {"type": "quniform", "min", "max", "q"}], ...]  (BayesianParameterSampling's three)
  goal    "maximize" | "minimize"
  seed    the sampler's seed for this suggestion (the sweep's seed and the trial number)
  trials  [{"params": {name: value}, "value": number | null}]  every finished trial; null: it failed
           or never logged the primary metric (told as failed, so TPE does not learn from it)
and writes {"params": {name: value}} on stdout. The study is rebuilt from the told trials each time,
so a restarted queue owner suggests what the first would have.
"""

import json
import math
import sys

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState, create_trial


def _distribution(spec):
    kind = spec["type"]
    if kind == "choice":
        return CategoricalDistribution(spec["values"])
    if kind == "uniform":
        return FloatDistribution(spec["min"], spec["max"])
    if kind == "quniform":
        # round(uniform(min, max) / q) * q: the multiples k * q that rounding can give, as an integer k.
        q = spec["q"]
        return IntDistribution(math.floor(spec["min"] / q + 0.5), math.floor(spec["max"] / q + 0.5))
    raise ValueError(f"Bayesian sampling supports choice, quniform and uniform, not {kind}")


def main():
    request = json.load(sys.stdin)
    space = request["space"]
    distributions = {name: _distribution(spec) for name, spec in space}
    quantum = {name: spec["q"] for name, spec in space if spec["type"] == "quniform"}

    def internal(name, value):
        return round(value / quantum[name]) if name in quantum else value

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    sampler = optuna.samplers.TPESampler(seed=request["seed"])
    study = optuna.create_study(direction=request["goal"], sampler=sampler)
    for told in request["trials"]:
        params = {name: internal(name, told["params"][name]) for name in distributions if name in told["params"]}
        if len(params) != len(distributions):
            continue  # a trial of another space (never in one sweep): not told
        value = told["value"]
        finite = isinstance(value, (int, float)) and math.isfinite(value)
        study.add_trial(
            create_trial(
                params=params,
                distributions=distributions,
                value=value if finite else None,
                state=TrialState.COMPLETE if finite else TrialState.FAIL,
            )
        )
    trial = study.ask(distributions)
    params = {}
    for name, _ in space:
        value = trial.params[name]
        params[name] = value * quantum[name] if name in quantum else value
    sys.stdout.write(json.dumps({"params": params}) + "\n")


if __name__ == "__main__":
    main()
