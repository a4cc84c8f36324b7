"""Appends a run's records (metrics, tags, files, requests) to its events file.

One JSON object per line, written in whole-line batches and flushed at least every
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
# Lines are written in batches of about this many characters (64 KB), always whole lines.
BUFFER_CHARS = 1 << 16


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
    """Buffers whole lines and writes them with one os.write on an O_APPEND descriptor per flush.

    Other writers append to the same file at the same time (Benchtop's MLflow endpoint, a child
    run's process): with O_APPEND each write lands at the end as one piece, and because a write
    holds only complete lines, no line is ever torn or mixed with another writer's.
    """

    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
        self._fd = os.open(path, flags, 0o644)
        self._pending = []
        self._pending_size = 0
        self._closed = False
        self._last_flush = time.monotonic()
        # What is written is flushed within FLUSH_SECONDS even when nothing follows it (a run that
        # logs once, then trains for an hour, shows the value in the app at once).
        self._timer = None
        atexit.register(self.close)

    def write(self, record):
        record.setdefault("t", time.time())
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        with self._lock:
            if self._closed:
                return
            self._pending.append(line + "\n")
            self._pending_size += len(line) + 1
            now = time.monotonic()
            if self._pending_size >= BUFFER_CHARS or now - self._last_flush >= FLUSH_SECONDS:
                self._flush_locked()
                self._last_flush = now
            elif self._timer is None:
                self._timer = threading.Timer(FLUSH_SECONDS, self._timed_flush)
                self._timer.daemon = True
                self._timer.start()

    def _flush_locked(self):
        if not self._pending:
            return
        data = memoryview("".join(self._pending).encode("utf-8"))
        self._pending = []
        self._pending_size = 0
        # A regular file takes the whole buffer in one write; the loop only covers a short write
        # (a signal, a full disk), where the rest follows at once.
        while data:
            data = data[os.write(self._fd, data) :]

    def _timed_flush(self):
        with self._lock:
            self._timer = None
            if not self._closed:
                self._flush_locked()
                self._last_flush = time.monotonic()

    def flush(self):
        with self._lock:
            if not self._closed:
                self._flush_locked()

    def close(self):
        with self._lock:
            if not self._closed:
                self._flush_locked()
                self._closed = True
                os.close(self._fd)


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
