"""azureml.train (azureml-train-core): the deprecated estimators, as ScriptRunConfigs.

Beside Azure's azureml-train-* packages (azureml-train-core brings azureml.train.hyperdrive,
.automl, .dnn, ...), __path__ lists their folders after this one (as azureml/__init__.py does), so
their modules import while azureml.train.estimator and azureml.train.sklearn stay Benchtop's.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)
