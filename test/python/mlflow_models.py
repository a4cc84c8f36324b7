"""MLflow models saved by the real library for the serving tests and bench, and the library's own predictions.

  python mlflow_models.py save OUT                 writes OUT/<name> for each model below, prints their names
  python mlflow_models.py predict MODEL CASES.json prints the library's predict() of each case as JSON

Models: iris (LogisticRegression on a DataFrame, with its signature), iris-nosig (fitted on an ndarray, no
signature), pipeline (a ColumnTransformer reading columns by name, signature), scaled (a PythonModel with a
params schema: input times params["factor"]), noflavor (iris's MLmodel with the python_function flavor removed).
"""

import json
import sys

import mlflow.pyfunc
import mlflow.sklearn
import pandas as pd
from mlflow.models import Model, infer_signature
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

# skops is not in the test venv; cloudpickle is what mlflow-skinny brings.
FORMAT = {"serialization_format": "cloudpickle"}


class Scaled(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input * (params or {}).get("factor", 1.0)


def save(out):
    frame, target = load_iris(return_X_y=True, as_frame=True)
    iris = LogisticRegression(max_iter=1000).fit(frame, target)
    mlflow.sklearn.save_model(iris, f"{out}/iris", signature=infer_signature(frame, iris.predict(frame)), **FORMAT)
    matrix = frame.to_numpy()
    mlflow.sklearn.save_model(LogisticRegression(max_iter=1000).fit(matrix, target), f"{out}/iris-nosig", **FORMAT)
    columns = list(frame.columns)
    pipeline = Pipeline(
        [("scale", ColumnTransformer([("s", StandardScaler(), columns)])), ("fit", LogisticRegression(max_iter=1000))]
    ).fit(frame, target)
    signature = infer_signature(frame, pipeline.predict(frame))
    mlflow.sklearn.save_model(pipeline, f"{out}/pipeline", signature=signature, **FORMAT)
    sample = frame.head(3)
    signature = infer_signature(sample, sample, params={"factor": 1.0})
    mlflow.pyfunc.save_model(f"{out}/scaled", python_model=Scaled(), signature=signature)
    mlflow.sklearn.save_model(iris, f"{out}/noflavor", **FORMAT)
    meta = Model.load(f"{out}/noflavor")
    del meta.flavors["python_function"]
    meta.save(f"{out}/noflavor/MLmodel")
    print(json.dumps({"models": ["iris", "iris-nosig", "pipeline", "scaled", "noflavor"], "columns": columns}))


def predict(model_dir, cases_file):
    """Each case: {"split": {"columns", "data"}} or {"records": [...]} or {"rows": [[...]]}, optional "params"."""
    model = mlflow.pyfunc.load_model(model_dir)
    answers = []
    with open(cases_file) as f:
        for case in json.load(f):
            if "split" in case:
                # Double columns, as the signatures say (JSON writes 5.0 as 5; the server casts by the schema).
                data = pd.DataFrame(case["split"]["data"], columns=case["split"]["columns"], dtype="float64")
            elif "records" in case:
                data = pd.DataFrame(case["records"])
            else:
                import numpy as np

                data = np.array(case["rows"])
            result = model.predict(data, params=case.get("params"))
            answers.append(result.to_dict(orient="records") if hasattr(result, "to_dict") else result.tolist())
    print(json.dumps(answers))


if __name__ == "__main__":
    if sys.argv[1] == "save":
        save(sys.argv[2])
    else:
        predict(sys.argv[2], sys.argv[3])
