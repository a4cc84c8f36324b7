"""azureml.train (azureml-train-core): the deprecated estimators, as ScriptRunConfigs."""
