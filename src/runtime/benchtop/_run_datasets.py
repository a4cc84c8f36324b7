"""run.input_datasets and run.get_details()["inputDatasets"]: the dataset versions a run used.

Inside the run (Run.get_context()), from BENCHTOP_INPUT_DATASETS, which the supervisor sets: a mounted or
downloaded input is its path (a string, as Azure gives it), a direct one the dataset itself (its files are
looked up when first read). From a notebook, the run's record (`run show`'s inputDatasets): name -> dataset
for the submitted inputs, and get_details()'s list in Azure's shape, API reads included ("Reference").
"""

import collections
import json
import os

_MECHANISMS = {"mount": "Mount", "download": "Download", "direct": "Direct"}


def _dataset_from_input(workspace, info):
    from ._dataset import _from_record

    record = {
        "name": info["name"],
        "version": info["version"],
        "id": info.get("id"),
        "kind": info.get("kind") or "file",
        "tabular": info.get("tabular"),
        "source": [],
        "tags": {},
        "description": None,
    }
    return _from_record(workspace, record)


class InputDatasets(dict):
    """azureml.core.run.InputDatasets: input name -> path (mount, download) or dataset (direct)."""

    def __init__(self, workspace):
        super().__init__()
        try:
            inputs = json.loads(os.environ.get("BENCHTOP_INPUT_DATASETS") or "{}")
        except ValueError:
            inputs = {}
        for name, info in inputs.items():
            if info.get("mode") == "direct":
                self[name] = _dataset_from_input(workspace, info)
            else:
                self[name] = info.get("path")


def _use_dataset(workspace, use):
    from ._dataset import _get_by_name

    return _get_by_name(workspace, use["name"], use["version"])


def submitted_inputs(workspace, data):
    """A notebook's run.input_datasets: input name -> the dataset version it was given."""
    return {
        use["inputName"]: _use_dataset(workspace, use)
        for use in data.get("inputDatasets") or []
        if use.get("via") == "input"
    }


class InputDatasetsLineage(collections.abc.Sequence):
    """get_details()["inputDatasets"] as Azure's: [{"dataset": ..., "consumptionDetails": {...}}], datasets got on
    first access (str() shows their ids only, as Azure's does)."""

    def __init__(self, workspace, uses):
        self._workspace = workspace
        self._uses = list(uses or [])
        self._resolved = None

    def _details(self, use):
        if use.get("via") == "input":
            details = {"type": "RunInput", "inputName": use["inputName"], "mechanism": _MECHANISMS[use["mode"]]}
            if use.get("path"):
                details["pathOnCompute"] = use["path"]
            return details
        return {"type": "Reference"}

    def _resolve(self):
        if self._resolved is None:
            self._resolved = [
                {"dataset": _use_dataset(self._workspace, use), "consumptionDetails": self._details(use)}
                for use in self._uses
            ]
        return self._resolved

    def __getitem__(self, index):
        return self._resolve()[index]

    def __len__(self):
        return len(self._uses)

    def __eq__(self, other):
        return isinstance(other, InputDatasetsLineage) and str(self) == str(other)

    def __ne__(self, other):
        return not self == other

    def __str__(self):
        return str(
            [
                {"dataset": {"name": u["name"], "version": u["version"]}, "consumptionDetails": self._details(u)}
                for u in self._uses
            ]
        )

    __repr__ = __str__
