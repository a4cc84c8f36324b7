"""A model's datasets: Model.register(..., datasets=[("training", ds)]), model.datasets, add_dataset_references.

Each pair becomes `--dataset PURPOSE=NAME:VERSION` on `benchtop model register` (an unregistered dataset is
registered anonymously first, as Azure "saves" it). model.datasets is Azure's {purpose: [dataset, ...]},
built from `model show`'s links when first read (a model list does not look up every model's datasets).
"""

from . import _cli
from ._webservice_exception import WebserviceException


def dataset_flags(workspace, datasets):
    from ._dataset import AbstractDataset

    flags = []
    for pair in datasets or []:
        try:
            purpose, dataset = pair
        except (TypeError, ValueError):
            raise WebserviceException(
                "datasets takes (purpose, dataset) pairs, e.g. datasets=[('training', train_ds)]; got %r." % (pair,)
            )
        if not isinstance(dataset, AbstractDataset):
            raise WebserviceException(
                "Invalid dataset of type {} passed, must be of type Dataset or DatasetSnapshot".format(type(dataset))
            )
        if dataset.id is None and dataset._plan:
            raise WebserviceException(
                'Unable to add Dataset wih ID "None" to model. This likely means that the Dataset is unregistered. '
                "Please register the Dataset and try again. (It has transformations, so it cannot be saved as is.)"
            )
        dataset._ensure_saved(workspace)
        flags += ["--dataset", "%s=%s:%s" % (purpose, dataset.name, dataset.version)]
    return flags


def resolve(workspace, links):
    """{purpose: [dataset, ...]} of a model's links (ModelDatasetLink), in the registry's order."""
    from ._dataset import _get_by_name

    out = {}
    for link in links or []:
        try:
            dataset = _get_by_name(workspace, link["name"], link["version"])
        except Exception:
            # As azureml-core's Model: a dataset that cannot be found is left out (it logs a warning).
            continue
        out.setdefault(link["purpose"], []).append(dataset)
    return out


def links_of(model):
    """The model's dataset links: from the record it was built from, else from `model show`."""
    data = model._data or {}
    if "datasets" in data:
        return data["datasets"]
    try:
        return _cli.call(["model", "show", model.id], model.workspace).get("datasets") or []
    except _cli.BenchtopCliError:
        return []


def add_references(model, datasets):
    flags = dataset_flags(model.workspace, datasets)
    try:
        data = _cli.call(["model", "update", model.id] + flags, model.workspace)
    except _cli.BenchtopCliError as err:
        raise WebserviceException(str(err))
    # The links are read again (`model show`) when model.datasets is next asked for.
    model._data = {k: v for k, v in dict(model._data or {}, **data).items() if k != "datasets"}
    model._datasets = None
