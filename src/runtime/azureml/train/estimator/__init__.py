"""`from azureml.train.estimator import Estimator, Mpi`."""

from benchtop._estimator import Estimator, Mpi

__all__ = ["Estimator", "Mpi"]
