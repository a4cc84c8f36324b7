"""`from azureml.core.script_run import ScriptRun`."""

from benchtop._script_run import ScriptRun

__all__ = ["ScriptRun"]
