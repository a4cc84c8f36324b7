"""Log lines in the inference server's format, buffered and written in batches (one write per batch, not per request)."""
import os
import sys
import time

_pending = []
_last_flush = [0.0]


def log(level, message, flush=False):
    """`2026-11-22 01:02:03,456 I [pid] benchtop - message`; level None only flushes."""
    if level is not None:
        now = time.time()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now)) + ",%03d" % int((now % 1) * 1000)
        _pending.append("%s %s [%d] benchtop - %s\n" % (stamp, level, os.getpid(), message))
    now = time.monotonic()
    if _pending and (flush or now - _last_flush[0] > 0.1):
        _last_flush[0] = now
        text = "".join(_pending)
        del _pending[:]
        try:
            sys.stdout.flush()
            os.write(1, text.encode("utf-8", "replace"))
        except OSError:
            pass
