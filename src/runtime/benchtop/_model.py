"""Model.get_model_path: where a registered model is inside a local web service."""
import os


def _pick(folder):
    """The registered file or folder inside a version folder (or the folder itself when it holds several)."""
    entries = [e for e in os.listdir(folder) if not e.startswith(".")]
    return os.path.join(folder, entries[0]) if len(entries) == 1 else folder


def get_model_path(model_name, version=None, _workspace=None):
    base = os.environ.get("AZUREML_MODEL_DIR")
    if not base:
        raise RuntimeError(
            "Model.get_model_path(%r) works inside a Benchtop service, where AZUREML_MODEL_DIR is set. "
            "Outside one, download the model with `benchtop model download %s -d DIR`." % (model_name, model_name)
        )
    parts = os.path.normpath(base).split(os.sep)
    # One model: AZUREML_MODEL_DIR is .../azureml-models/<name>/<version>.
    if len(parts) >= 2 and parts[-2] == model_name and (version is None or str(version) == parts[-1]):
        return _pick(base)
    folder = os.path.join(base, model_name)
    if not os.path.isdir(folder):
        raise RuntimeError("Model %r is not deployed with this service (AZUREML_MODEL_DIR=%s)." % (model_name, base))
    versions = sorted((v for v in os.listdir(folder) if v.isdigit()), key=int)
    chosen = str(version) if version is not None else (versions[-1] if versions else None)
    if chosen is None or not os.path.isdir(os.path.join(folder, chosen)):
        raise RuntimeError("Model %r version %s is not deployed with this service." % (model_name, version))
    return _pick(os.path.join(folder, chosen))


class Model:
    """The part of azureml.core.model.Model a scoring script uses."""

    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        return get_model_path(model_name, version, _workspace)
