"""Loaded by Python at start-up in Benchtop runs (src/runtime is on PYTHONPATH).

On a terminal Python writes stdout a line at a time: a script printing 200,000
lines makes 200,000 writes through the kernel's tty layer, about twice the time
of the same script redirected to a file. In a Benchtop run, stdout is instead
buffered in blocks and flushed every 50 ms, so output stays live while costing
about what a file does. It is still a terminal (isatty() is True: colours and
progress bars work), input() flushes before it prompts, and anything written to
stderr (a traceback, a progress bar) first flushes stdout, so the order on screen
stays the order the script wrote in.
Set BENCHTOP_STDOUT_BUFFERING=0 to keep Python's line buffering.
"""

import os
import sys


class _StderrAfterStdout:
    """sys.stderr that flushes stdout before each write; everything else is the real stderr."""

    def __init__(self, err, out):
        self._err = err
        self._out = out

    def write(self, text):
        try:
            self._out.flush()
        except Exception:
            pass
        return self._err.write(text)

    def __getattr__(self, name):
        return getattr(self._err, name)


def _block_buffer_stdout():
    stream = sys.stdout
    if stream is None or not hasattr(stream, "reconfigure") or not stream.isatty():
        return
    try:
        stream.reconfigure(line_buffering=False, write_through=False)
    except Exception:
        return
    # _thread rather than threading: it is built in, so runs pay no import time for it.
    import _thread
    import time

    def flush_periodically():
        while True:
            time.sleep(0.05)
            try:
                stream.flush()
            except Exception:
                return

    _thread.start_new_thread(flush_periodically, ())
    if sys.stderr is not None:
        sys.stderr = _StderrAfterStdout(sys.stderr, stream)


if os.environ.get("BENCHTOP_RUN_ID") and os.environ.get("BENCHTOP_STDOUT_BUFFERING", "1") != "0":
    _block_buffer_stdout()
