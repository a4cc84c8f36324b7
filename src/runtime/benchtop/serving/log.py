"""Log lines in the inference server's format, buffered and written in batches (one write per batch, not per request).

The log is the service's stdout (a file the app opened). Under load the access lines add up
(5,000 req/s is ~300 KB/s), so when BENCHTOP_SERVICE_LOG names the file, it is rotated at
BENCHTOP_SERVICE_LOG_MAX_MB (default 20): the main process renames it to `.1` (one old file kept)
and every process moves its stdout/stderr to the new file when it sees the change.
"""

import os
import sys
import time

_pending = []
_last_flush = [0.0]
_LOG_PATH = os.environ.get("BENCHTOP_SERVICE_LOG", "")
_LOG_MAX = int(float(os.environ.get("BENCHTOP_SERVICE_LOG_MAX_MB", "20")) * 1024 * 1024)
_rotator = [False]


def rotate_as_main_process():
    """Called in the main process: it is the one that renames the file."""
    _rotator[0] = True


def log(level, message, flush=False):
    """`2026-11-22 01:02:03,456 I [pid] benchtop - message`; level None only flushes."""
    if level is not None:
        now = time.time()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now)) + ",%03d" % int((now % 1) * 1000)
        _pending.append("%s %s [%d] benchtop - %s\n" % (stamp, level, os.getpid(), message))
    now = time.monotonic()
    if not (flush or now - _last_flush[0] > 0.1):
        return
    _last_flush[0] = now
    _follow_rotation()
    if not _pending:
        return
    text = "".join(_pending)
    del _pending[:]
    try:
        sys.stdout.flush()
        os.write(1, text.encode("utf-8", "replace"))
    except OSError:
        pass


def _follow_rotation():
    if not _LOG_PATH:
        return
    try:
        current = os.stat(_LOG_PATH)
        if _rotator[0] and current.st_size > _LOG_MAX:
            os.replace(_LOG_PATH, _LOG_PATH + ".1")
            current = None
        if current is not None and os.fstat(1).st_ino == current.st_ino:
            return
        fd = os.open(_LOG_PATH, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    except OSError:
        pass
