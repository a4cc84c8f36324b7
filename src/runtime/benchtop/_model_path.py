"""Model.get_model_path: where a model's files are, for the code that loads them.

As azureml-core: inside a submitted run the version is downloaded to ./azureml-models/<name>/<version>
(the latest, or `version` unless that is already there); elsewhere the cache
azureml-models/<name>/<version>/ (under AML_APP_ROOT) is probed, then ./<name>. In a Benchtop
service AZUREML_MODEL_DIR is the version folder of its one model (or the azureml-models root of
several), so the path is found there first. Stdlib only: every scoring script imports this.
"""

import os

from ._exceptions import ModelNotFoundException, RunEnvironmentException
from ._webservice_exception import WebserviceException


def _models_dir():
    return os.path.join(os.environ.get("AML_APP_ROOT", ""), "azureml-models")


def _single_entry(folder):
    """The one file or folder a version folder holds (azureml-core's rule)."""
    entries = os.listdir(folder)
    if len(entries) != 1:
        raise WebserviceException("Dir {} can contain only 1 file or folder. Found {}".format(folder, entries))
    return os.path.join(folder, entries[0])


def _latest(versions):
    numbers = [int(v) for v in versions if v.isdigit()]
    return max(numbers) if numbers else None


def _in_service(model_name, version):
    """Inside a Benchtop service: the path under AZUREML_MODEL_DIR, or None when it is not there."""
    base = os.environ.get("AZUREML_MODEL_DIR")
    if not base or not os.path.isdir(base):
        return None
    parts = os.path.normpath(base).split(os.sep)
    # One model: AZUREML_MODEL_DIR is .../azureml-models/<name>/<version>.
    if len(parts) >= 2 and parts[-2] == model_name and (version is None or str(version) == parts[-1]):
        return _single_entry(base)
    folder = os.path.join(base, model_name)
    if not os.path.isdir(folder):
        return None
    chosen = version if version is not None else _latest(os.listdir(folder))
    path = os.path.join(folder, str(chosen))
    return _single_entry(path) if chosen is not None and os.path.isdir(path) else None


def _local(model_name, version=None):
    """azureml-core's _get_model_path_local: the cache, then the working directory."""
    if model_name is None:
        raise WebserviceException("model_name is None")
    found = _in_service(model_name, version)
    if found:
        return found
    models_dir = _models_dir()
    candidate = os.path.join(models_dir, model_name)
    if os.path.exists(candidate):
        chosen = version if version is not None else _latest(os.listdir(candidate))
        candidate = os.path.join(candidate, str(chosen))
        if chosen is not None and os.path.exists(candidate):
            return _single_entry(candidate)
    if os.path.exists(model_name):
        return model_name
    where = " or in this service's AZUREML_MODEL_DIR" if os.environ.get("AZUREML_MODEL_DIR") else ""
    raise ModelNotFoundException(
        "Model {} not found in cache at {}{} or in current working directory {}. For more info, set logging level "
        "to DEBUG.".format(model_name, models_dir, where, os.getcwd())
    )


def _remote(model_name, version, workspace):
    """Downloads the version (the latest when None) into azureml-models/<name>/<version> and returns its path."""
    from ._model import Model

    try:
        model = Model(workspace, name=model_name, version=version)
    except WebserviceException as err:
        if "ModelNotFound" not in err.message:
            raise
        infos = sorted("{}/{}".format(m.name, m.version) for m in Model.list(workspace))
        raise ModelNotFoundException(
            "Model/Version {}/{} not found in workspace. {}".format(model_name, version, infos)
        )
    target = os.path.join(_models_dir(), model_name, str(model.version))
    path = model.download(target, exist_ok=True)
    if not os.path.exists(path):
        raise ModelNotFoundException(
            "Expected model path does not exist: {}. Found items in dir: {}".format(path, os.listdir(target))
        )
    return path


def _run_workspace():
    """The workspace of the submitted run this process is, else None (a service or a plain Python)."""
    if "SERVICE_NAME" in os.environ or not os.environ.get("BENCHTOP_RUN_ID"):
        return None
    try:
        from ._run import get_context

        run = get_context(allow_offline=False)
    except (RunEnvironmentException, ImportError):
        return None
    experiment = getattr(run, "experiment", None)
    return getattr(experiment, "workspace", None) or os.environ.get("BENCHTOP_WORKSPACE")


def get_model_path(model_name, version=None, _workspace=None):
    if version is not None and not isinstance(version, int):
        raise WebserviceException("version should be an int")
    workspace = _workspace or _run_workspace()
    if version is not None:
        try:
            return _local(model_name, version)
        except ModelNotFoundException as err:
            if workspace is not None:
                return _remote(model_name, version, workspace)
            raise WebserviceException(err.message)
    if workspace is not None and not os.environ.get("AZUREML_MODEL_DIR"):
        return _remote(model_name, version, workspace)
    return _local(model_name, version)
