"""`from azureml.core.run import Run` (and get_run, _OfflineRun)."""

from benchtop._offline_run import OfflineRun as _OfflineRun
from benchtop._run import Run, _SubmittedRun, get_context, get_run

__all__ = ["Run", "get_run", "get_context", "_OfflineRun", "_SubmittedRun"]
