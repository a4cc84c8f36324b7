"""A shortcut for the common /invocations request to a scikit-learn MLflow model, answering byte for byte what
mlflow's own scoring server answers (test/python/mlflow_differential.py compares the two on generated requests).

For `{"dataframe_split": {"columns": [...], "data": [[...], ...]}}` (or `dataframe_records`) to an sklearn
model whose signature is double columns, mlflow builds a DataFrame and casts it (~390 us), enforces the
schema (~400 us) and hands the DataFrame to sklearn, whose DataFrame checks cost ~330 us more than an
ndarray's: ~1.4 ms a request where the prediction is ~100 us. When every value is a plain finite number and
the columns are exactly the signature's, all those steps amount to a float64 matrix in the signature's
column order: np.array builds it, the estimator's predict gets it, and the library's predictions_to_json
writes the answer. Anything else (params, other keys or shapes, strings, nulls, booleans, missing or extra
columns, non-finite numbers, an estimator that could read column names) is answered by the library.
"""

import json
import warnings
from io import StringIO

JSON_MIME = "application/json"
# Whole numbers up to this convert to float64 exactly, as pandas' int64 column cast does.
EXACT_INT = 2**53
# Estimators that may read columns by name or return DataFrames: an ndarray could change what they do.
NAME_READERS = frozenset(("ColumnTransformer", "FunctionTransformer", "make_column_selector"))


def for_model(model, scoring_server):
    """(FastPath or None, why not) for a loaded PyFuncModel."""
    try:
        from mlflow.sklearn import _SklearnModelWrapper
        from mlflow.types.schema import DataType
    except ImportError:
        return None, "mlflow.sklearn is not importable"
    impl = model._model_impl
    if not isinstance(impl, _SklearnModelWrapper) or getattr(model, "_predict_fn", None) != impl.predict:
        return None, "not a scikit-learn model served with predict"
    meta = model.metadata
    if meta._is_signature_from_type_hint() or meta._is_type_hint_from_example():
        return None, "the signature comes from type hints"
    if meta.get_params_schema() is not None or (meta.metadata or {}).get("dependencies_schemas"):
        return None, "the signature has params"
    schema = meta.get_input_schema()
    estimator = impl.sklearn_model
    problem = _estimator_problem(estimator)
    if problem:
        return None, problem
    if schema is None:
        # No signature: mlflow hands np.array(rows) of {"inputs"|"instances": rows} to predict, as this does.
        width = getattr(estimator, "n_features_in_", None)
        if not isinstance(width, int):
            return None, "the estimator does not say how many features it takes"
        path = FastPath(None, width, estimator, scoring_server.predictions_to_json)
        probe = {"inputs": [[0.0] * width, [1.0] * width]}
    else:
        if not schema.has_input_names():
            return None, "the signature does not name its input columns"
        if not all(spec.type == DataType.double and spec.required for spec in schema.inputs):
            return None, "not every input column is a required double"
        names = schema.input_names()
        fitted = getattr(estimator, "feature_names_in_", None)
        if fitted is not None and [str(n) for n in fitted] != names:
            return None, "the estimator was fitted on other column names than the signature's"
        path = FastPath(names, len(names), estimator, scoring_server.predictions_to_json)
        if fitted is not None:
            # The shortcut hands the estimator fitted on named columns an ndarray of those columns, on which sklearn
            # warns on every request; the library's own requests here carry DataFrames, so nothing real is hidden.
            warnings.filterwarnings("ignore", message="X does not have valid feature names", category=UserWarning)
        probe = {"dataframe_split": {"columns": names, "data": [[0.0] * len(names), [1.0] * len(names)]}}
    # The same answer as the library's on a probe request, or no shortcut.
    body = json.dumps(probe).encode("utf-8")
    try:
        expected = scoring_server.invocations(body, JSON_MIME, model, schema)
        ours = path.answer(probe, JSON_MIME)
    except Exception as err:
        return None, "the probe request failed: %s" % err
    if ours is None or (expected.status, expected.response.encode("utf-8")) != ours[:2]:
        return None, "the probe request's answer differed from the library's"
    return path, None


def _estimator_problem(estimator):
    """Why an ndarray might not do what the DataFrame does for this estimator (or a step in it), or None."""
    seen = [estimator]
    for value in estimator.get_params(deep=True).values():
        if hasattr(value, "get_params") and hasattr(value, "fit"):
            seen.append(value)
    for part in seen:
        kind = type(part)
        if not kind.__module__.startswith("sklearn.") or kind.__name__ in NAME_READERS:
            return "%s.%s may read columns by name" % (kind.__module__, kind.__name__)
        output = getattr(part, "_sklearn_output_config", None) or {}
        if output.get("transform") not in (None, "default"):
            return "%s returns DataFrames (set_output)" % kind.__name__
    return None


class FastPath:
    def __init__(self, names, width, estimator, predictions_to_json):
        """names: the signature's columns, or None (no signature: the tensor shapes, rows of `width`)."""
        import numpy
        import sklearn

        self.finite_input = sklearn.config_context
        self.numpy = numpy
        self.names = names
        self.width = width
        self.estimator = estimator
        self.predictions_to_json = predictions_to_json

    def answer(self, payload, content_type):
        """(200, body, mime) for a request it can answer exactly, else None (the library answers)."""
        if content_type != JSON_MIME and not _plain_json(content_type):
            return None
        if type(payload) is not dict or len(payload) != 1:
            return None
        if self.names is None:
            rows = payload.get("inputs", payload.get("instances"))
            if type(rows) is not list or not rows or not _plain_rows(rows, self.width):
                return None
            matrix = self.numpy.array(rows)  # the library's own conversion (convert_data_type without a spec)
        else:
            if "dataframe_split" in payload:
                rows = self._split_rows(payload["dataframe_split"])
            elif "dataframe_records" in payload:
                rows = self._record_rows(payload["dataframe_records"])
            else:
                return None
            if rows is None:
                return None
            # pandas' frame of these rows cast to the signature's float64 columns: the same numbers.
            matrix = self.numpy.array(rows, dtype=self.numpy.float64)
        if matrix.ndim != 2 or not self.numpy.isfinite(matrix).all():
            return None
        out = StringIO()
        # Every value was checked finite above, so sklearn's own finiteness scan (~15% of a small predict) is
        # skipped: for finite input assume_finite changes nothing else.
        with self.finite_input(assume_finite=True):
            prediction = self.estimator.predict(matrix)
        self.predictions_to_json(prediction, out)
        return 200, out.getvalue().encode("utf-8"), JSON_MIME

    def _split_rows(self, split):
        if type(split) is not dict or len(split) != 2 or "columns" not in split or "data" not in split:
            return None
        columns, rows = split["columns"], split["data"]
        if type(rows) is not list or not rows or not _plain_rows(rows, self.width):
            return None
        if columns == self.names:
            return rows
        if type(columns) is not list or len(columns) != self.width:
            return None
        if not all(type(name) is str for name in columns) or set(columns) != set(self.names):
            return None
        order = [columns.index(name) for name in self.names]  # names are distinct: a permutation
        return [[row[i] for i in order] for row in rows]

    def _record_rows(self, records):
        if type(records) is not list or not records:
            return None
        names = self.names
        rows = []
        for record in records:
            if type(record) is not dict or len(record) != self.width:
                return None
            try:
                row = [record[name] for name in names]
            except (KeyError, TypeError):
                return None
            rows.append(row)
        return rows if _plain_rows(rows, self.width) else None


def _plain_json(content_type):
    """application/json with at most charset=utf-8, as mlflow's invocations() accepts it."""
    parts = [part.strip() for part in content_type.split(";")]
    if parts[0] != JSON_MIME:
        return False
    for parameter in parts[1:]:
        key, _, value = parameter.partition("=")
        if key != "charset" or value.lower() != "utf-8":
            return False
    return True


def _plain_rows(rows, width):
    """Every row a list of `width` floats or exact ints (no bools, strings, nulls or nested values)."""
    for row in rows:
        if type(row) is not list or len(row) != width:
            return False
        for value in row:
            kind = type(value)
            if kind is float:
                continue
            if kind is not int or not -EXACT_INT <= value <= EXACT_INT:
                return False
    return True
