"""Subpackages of azureml that Benchtop provides only when Azure's own is not installed (see azureml/__init__.py)."""
