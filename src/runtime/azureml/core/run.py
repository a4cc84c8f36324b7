"""`from azureml.core.run import Run` (and get_run, _OfflineRun)."""

from benchtop._offline_run import OfflineRun as _OfflineRun
from benchtop._run import Run, _SubmittedRun, get_context


def get_run(experiment, run_id, rehydrate=True, clean_up=True):
    """The run of `experiment` with this id (azureml.core.run.get_run)."""
    return Run(experiment, run_id)


__all__ = ["Run", "get_run", "get_context", "_OfflineRun", "_SubmittedRun"]
