"""`from azureml.train.sklearn import SKLearn`."""

from benchtop._estimator import SKLearn

__all__ = ["SKLearn"]
