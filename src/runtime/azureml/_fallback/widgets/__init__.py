"""`from azureml.widgets import RunDetails` when azureml-widgets is not installed: the run's link and status.

azureml-widgets draws a live Jupyter widget from Azure's run history; here `RunDetails(run).show()`
prints the run's status and its page in Benchtop's UI (open it for the live view).
"""

from benchtop._run_details_widget import RunDetails

__all__ = ["RunDetails"]
