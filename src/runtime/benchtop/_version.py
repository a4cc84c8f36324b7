"""Versions: the azureml-core API this runtime follows, and Benchtop's own."""

# azureml.core.VERSION. Code prints it, and CondaDependencies.create(pin_sdk_version=True) pins the
# SDK's pip packages to ~=VERSION, so it is the azureml-core release whose API this follows (and a
# version that exists on the package index), not Benchtop's.
AZUREML_VERSION = "1.61.0"

# Benchtop's own version (package.json's "version"), answered by a service's GET /version;
# test/integration/mlflowServing.test.ts fails when the two differ.
BENCHTOP_VERSION = "0.1.0"
