"""azureml.core.script_run.ScriptRun: the run Experiment.submit(ScriptRunConfig) returns.

A Run (see benchtop._run) that ran a script: wait_for_completion(show_output=True) streams it,
cancel() stops it (SIGINT, then SIGTERM, then SIGKILL to its processes), get_details() has its
runDefinition.
"""

from ._run import Run


class ScriptRun(Run):
    """A run of a script submitted with a ScriptRunConfig (or an estimator)."""

    RUN_TYPE = "azureml.scriptrun"

    def __init__(self, experiment, run_id, directory=None, _run_config=None, **kwargs):
        super(ScriptRun, self).__init__(experiment, run_id, **kwargs)
        self._directory = directory
        self.__run_config = _run_config

    @property
    def _run_config(self):
        return self.__run_config

    @staticmethod
    def _from_run_dto(experiment, run_dto, **kwargs):
        return ScriptRun(experiment, run_dto["id"], _data=run_dto, **kwargs)
