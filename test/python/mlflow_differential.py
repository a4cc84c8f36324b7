"""Differential test of Benchtop's MLflow scorer (benchtop/serving/mlflow_scorer.py, with its numeric shortcut in
mlflow_fastpath.py) against mlflow's own scoring server code (mlflow.pyfunc.scoring_server.invocations).

Generated /invocations requests, valid and near-valid (ints, floats of every size, booleans, strings, nulls,
NaN and Infinity, nested values, short and long rows, permuted, missing, extra and duplicate columns, index,
params, records, the tensor shapes, content-type parameters), go to both; the status and the body bytes must
be equal. Usage (the model's environment, with benchtop on PYTHONPATH):

  python mlflow_differential.py MODEL_DIR [--count 3000] [--seed 1]

Prints one JSON line: counts, how many the shortcut answered, the scorer's shortcut verdict, and the first
disagreements; exits 1 on any disagreement.
"""

import argparse
import json
import os
import random
import sys

JSON = "application/json"


def _value(rng):
    kind = rng.random()
    if kind < 0.55:
        return rng.choice([rng.uniform(-10, 10), rng.uniform(-1e300, 1e300), rng.gauss(0, 1e-300), 0.0, -0.0])
    if kind < 0.8:
        return rng.choice([rng.randint(-100, 100), rng.randint(-(2**53), 2**53), 2**53 + 1, -(2**63), 2**64])
    return rng.choice([True, False, None, "1.5", "x", [1.0], {"a": 1}, float("nan"), float("inf"), -float("inf")])


def _row(rng, width, plain):
    row = [rng.uniform(-10, 10) if plain else _value(rng) for _ in range(width)]
    if not plain and rng.random() < 0.1:
        row = row[:-1] if rng.random() < 0.5 else row + [1.0]
    return row


def _columns(rng, names):
    columns = list(names)
    roll = rng.random()
    if roll < 0.15:
        rng.shuffle(columns)
    elif roll < 0.2:
        columns = columns[:-1]
    elif roll < 0.25:
        columns = columns + ["extra"]
    elif roll < 0.28:
        columns = [columns[0]] + columns[:-1]
    elif roll < 0.3:
        columns = [1, 2, 3, 4][: len(columns)]
    return columns


def request(rng, names):
    """(body bytes, content type) of one generated request."""
    plain = rng.random() < 0.5
    rows = [_row(rng, len(names), plain) for _ in range(rng.choice([1, 1, 2, 3, 10]))]
    shape = rng.random()
    if shape < 0.45:
        columns = _columns(rng, names)
        split = {"columns": columns, "data": [r[: len(columns)] if len(r) >= len(columns) else r for r in rows]}
        if rng.random() < 0.1:
            split["index"] = list(range(len(rows)))
        if rng.random() < 0.05:
            split = {"data": split["data"]}
        payload = {"dataframe_split": split}
    elif shape < 0.75:
        columns = _columns(rng, names)
        payload = {"dataframe_records": [dict(zip(columns, r)) for r in rows]}
    elif shape < 0.8:
        payload = {rng.choice(["inputs", "instances"]): [dict(zip(names, r)) for r in rows]}
    elif shape < 0.85:
        payload = {rng.choice(["inputs", "instances"]): rows}
    elif shape < 0.9:
        payload = {"inputs": {n: [r[i] for r in rows if i < len(r)] for i, n in enumerate(names)}}
    else:
        payload = {"dataframe_split": {"columns": list(names), "data": []}} if rng.random() < 0.3 else {"x": rows}
    if rng.random() < 0.08:
        payload["params"] = {"k": 1}
    if rng.random() < 0.04:
        payload["inputs"] = rows
    content_type = "application/json"
    roll = rng.random()
    if roll < 0.05:
        content_type = "application/json; charset=UTF-8"
    elif roll < 0.07:
        content_type = "application/json; charset=latin-1"
    elif roll < 0.09:
        content_type = "application/json; format=pandas-split"
    return json.dumps(payload).encode("utf-8"), content_type


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ["AZUREML_MODEL_DIR"] = os.path.abspath(args.model)
    from benchtop.serving import mlflow_scorer as scorer
    from mlflow.exceptions import MlflowException
    from mlflow.pyfunc import scoring_server

    scorer.init()
    schema = scorer.input_schema
    width = getattr(getattr(scorer.model._model_impl, "sklearn_model", None), "n_features_in_", 4)
    names = schema.input_names() if schema is not None else ["f%d" % i for i in range(width)]
    tensor_share = 0.0 if schema is not None else 0.4
    rng = random.Random(args.seed)
    counts = {"requests": 0, "shortcut": 0, "ok": 0, "errors": 0, "disagreements": 0}
    first = []
    for _ in range(args.count):
        if rng.random() < tensor_share:
            rows = [_row(rng, width, rng.random() < 0.6) for _ in range(rng.choice([1, 2, 10]))]
            body, content_type = json.dumps({rng.choice(["inputs", "instances"]): rows}).encode("utf-8"), JSON
        else:
            body, content_type = request(rng, names)
        try:
            result = scoring_server.invocations(body, content_type, scorer.model, scorer.input_schema)
            expected = (result.status, result.response.encode("utf-8"))
        except MlflowException as err:
            expected = (err.get_http_status_code(), err.serialize_as_json().encode("utf-8"))
        shortcut = scorer.fast is not None and scorer.fast.answer(json.loads(body), content_type) is not None
        ours = scorer.mlflow_invocations(body, content_type)[:2]
        counts["requests"] += 1
        counts["shortcut"] += shortcut
        counts["ok" if expected[0] == 200 else "errors"] += 1
        if ours != expected:
            counts["disagreements"] += 1
            if len(first) < 5:
                first.append(
                    {
                        "body": body.decode()[:400],
                        "type": content_type,
                        "library": str(expected)[:400],
                        "benchtop": str(ours)[:400],
                    }
                )
    print(json.dumps({**counts, "shortcutOn": scorer.fast is not None, "first": first}))
    sys.exit(1 if counts["disagreements"] else 0)


if __name__ == "__main__":
    main()
