"""Benchtop's stand-in for the parts of azureml-core that local scripts use."""
