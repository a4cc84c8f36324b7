"""A run's metrics, tags and properties, read from its events file (what run.log and the rest append).

run.get_metrics() has Azure's shape: a scalar logged once is its value, logged again a list of the
values in order; log_list a list; log_row and log_table a dict of column -> list; an image its
path. Tags and properties fold the same way the app folds them (src/shared/api/runEvents.ts):
tags last-write-wins (and removable), properties first-write-wins.
"""

import os

from ._writer import decode_value, read_events

SYSTEM_PREFIX = "system/"


def events_path(run_dir):
    return os.path.join(run_dir, "events.jsonl")


def metrics_from_events(path, name=None):
    metrics = {}
    scalar_counts = {}
    for record in read_events(path):
        kind = record.get("type")
        key = record.get("name")
        if key is None or (name is not None and key != name):
            continue
        # The supervisor's samples (system/cpu_utilization_percentage, ...): Azure logs no such names, so
        # get_metrics() keeps to what the script logged unless one is asked for by name.
        if name is None and key.startswith(SYSTEM_PREFIX):
            continue
        if kind == "scalar":
            metrics.setdefault(key, []).append(decode_value(record["value"]))
            scalar_counts[key] = scalar_counts.get(key, 0) + 1
        elif kind == "list":
            metrics[key] = [decode_value(v) for v in record["value"]]
        elif kind == "row":
            row = metrics.setdefault(key, {})
            for column, value in record["value"].items():
                row.setdefault(column, []).append(decode_value(value))
        elif kind == "table":
            metrics[key] = {c: [decode_value(v) for v in values] for c, values in record["value"].items()}
        elif kind == "image":
            metrics[key] = record["path"]
    return {k: (v[0] if scalar_counts.get(k) == 1 else v) for k, v in metrics.items()}


def tags_and_properties(path):
    """(tags, properties) as the events file has them now."""
    tags, properties = {}, {}
    for record in read_events(path):
        kind = record.get("type")
        if kind == "tags":
            tags.update(record.get("tags") or {})
            for key in record.get("removed") or []:
                tags.pop(key, None)
        elif kind == "properties":
            for key, value in (record.get("properties") or {}).items():
                properties.setdefault(key, value)
    return tags, properties
