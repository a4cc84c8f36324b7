"""azureml.train.hyperdrive (azureml-train-core): hyperparameter sweeps, run by Benchtop on this machine.

from azureml.train.hyperdrive import HyperDriveConfig, RandomParameterSampling, BanditPolicy, PrimaryMetricGoal, choice
hyperdrive_run = experiment.submit(HyperDriveConfig(run_config=src, ...))

The classes and functions are azureml-train-core 1.60's (signatures, defaults, checks, texts); the sweep
runs in Benchtop's core (benchtop._hyperdrive_*): trials go through the run queue, as child runs.
"""

from benchtop._hyperdrive_config import HyperDriveConfig, HyperDriveRunConfig, PrimaryMetricGoal
from benchtop._hyperdrive_expressions import (
    choice,
    lognormal,
    loguniform,
    normal,
    qlognormal,
    qloguniform,
    qnormal,
    quniform,
    randint,
    uniform,
)
from benchtop._hyperdrive_policy import (
    BanditPolicy,
    EarlyTerminationPolicy,
    MedianStoppingPolicy,
    NoTerminationPolicy,
    TruncationSelectionPolicy,
)
from benchtop._hyperdrive_run import HyperDriveRun
from benchtop._hyperdrive_sampling import (
    BayesianParameterSampling,
    GridParameterSampling,
    HyperParameterSampling,
    RandomParameterSampling,
)

__all__ = [
    "BanditPolicy",
    "BayesianParameterSampling",
    "EarlyTerminationPolicy",
    "GridParameterSampling",
    "HyperDriveConfig",
    "HyperDriveRun",
    "HyperDriveRunConfig",
    "HyperParameterSampling",
    "MedianStoppingPolicy",
    "NoTerminationPolicy",
    "PrimaryMetricGoal",
    "RandomParameterSampling",
    "TruncationSelectionPolicy",
    "choice",
    "lognormal",
    "loguniform",
    "normal",
    "randint",
    "qlognormal",
    "qloguniform",
    "qnormal",
    "quniform",
    "uniform",
]
