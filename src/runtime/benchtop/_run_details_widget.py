"""azureml.widgets.RunDetails, where azureml-widgets is not installed: a run's status and its link.

Azure's widget polls the run history and draws a live table in Jupyter. Benchtop's UI is that
view for local runs, so show() prints the run's status and its page there (run.get_portal_url()),
plus its latest metric values, once.
"""


class RunDetails(object):
    """RunDetails(run).show(): the run's status and where to watch it."""

    def __init__(self, run_instance):
        if not hasattr(run_instance, "get_portal_url"):
            raise TypeError("RunDetails takes a run (an azureml.core.Run), got %s." % type(run_instance).__name__)
        self.run_instance = run_instance

    def get_widget_data(self, widget_settings=None):
        """What show() prints, as a dict: run id, experiment, status, the link, the latest metrics."""
        run = self.run_instance
        metrics = {}
        try:
            for name, value in (run.get_metrics() or {}).items():
                metrics[name] = value[-1] if isinstance(value, list) and value else value
        except Exception:
            pass
        return {
            "run_id": run.id,
            "experiment": getattr(getattr(run, "experiment", None), "name", None),
            "status": run.get_status(),
            "url": run.get_portal_url(),
            "metrics": metrics,
        }

    def show(self):
        data = self.get_widget_data()
        lines = [
            "Run %s (experiment %s): %s" % (data["run_id"], data["experiment"], data["status"]),
            "Details: %s" % data["url"],
        ]
        for name, value in sorted(data["metrics"].items()):
            lines.append("  %s: %s" % (name, value))
        print("\n".join(lines))
