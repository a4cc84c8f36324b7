"""Appends a run's records (metrics, tags, files, requests) to its events file.

One JSON object per line, written with buffering and flushed at least every
0.1 s and at exit, so 100,000 `run.log` calls stay cheap while the app still
sees metrics during the run. Stdlib only: any environment can run it.
"""

import atexit
import json
import math
import os
import sys
import threading
import time

MAX_NAME = 255
MAX_STRING = 4096
FLUSH_SECONDS = 0.1


def warn(message):
    sys.stderr.write("benchtop: %s\n" % message)


def check_name(name):
    """A metric name is 1-255 characters; anything else is dropped with a warning (never a crash)."""
    if not isinstance(name, str) or not name.strip():
        warn("metric name %r is not a non-empty string; not logged" % (name,))
        return False
    if len(name) > MAX_NAME:
        warn("metric name %r... is %d characters (at most %d); not logged" % (name[:40], len(name), MAX_NAME))
        return False
    return True


def encode_value(value):
    """JSON-safe value: NaN and infinities are kept as the strings JSON lacks; long strings are cut."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int,)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$float": "NaN"}
        if math.isinf(value):
            return {"$float": "Infinity" if value > 0 else "-Infinity"}
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING else value[:MAX_STRING]
    try:  # numpy scalars and the like
        return encode_value(value.item())
    except Exception:
        pass
    text = repr(value)
    return text if len(text) <= MAX_STRING else text[:MAX_STRING]


def decode_value(value):
    if isinstance(value, dict) and "$float" in value:
        return float(value["$float"].replace("Infinity", "inf"))
    return value


class EventWriter:
    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8", buffering=1 << 16)
        self._last_flush = time.monotonic()
        # What is written is flushed within FLUSH_SECONDS even when nothing follows it (a run that
        # logs once, then trains for an hour, shows the value in the app at once).
        self._timer = None
        atexit.register(self.close)

    def write(self, record):
        record.setdefault("t", time.time())
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        with self._lock:
            if self._file.closed:
                return
            self._file.write(line + "\n")
            now = time.monotonic()
            if now - self._last_flush >= FLUSH_SECONDS:
                self._file.flush()
                self._last_flush = now
            elif self._timer is None:
                self._timer = threading.Timer(FLUSH_SECONDS, self._timed_flush)
                self._timer.daemon = True
                self._timer.start()

    def _timed_flush(self):
        with self._lock:
            self._timer = None
            if not self._file.closed:
                self._file.flush()
                self._last_flush = time.monotonic()

    def flush(self):
        with self._lock:
            if not self._file.closed:
                self._file.flush()

    def close(self):
        with self._lock:
            if not self._file.closed:
                self._file.flush()
                self._file.close()


def read_events(path):
    """Every record written so far (a torn last line is skipped: it is still being written)."""
    records = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    break
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
    except FileNotFoundError:
        pass
    return records


def env_path(name):
    value = os.environ.get(name)
    return value if value else None
