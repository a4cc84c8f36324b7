"""`from azureml.train.hyperdrive.sampling import RandomParameterSampling, ...`."""

from benchtop._hyperdrive_sampling import (
    BayesianParameterSampling,
    GridParameterSampling,
    HyperParameterSampling,
    RandomParameterSampling,
)

__all__ = ["BayesianParameterSampling", "GridParameterSampling", "HyperParameterSampling", "RandomParameterSampling"]
