"""What the notebook-style drivers (test/python/notebook_*.py) share: assertions, files, and the sections loop.

A driver is run as `python notebook_X.py SECTION...` (its folder is then first on sys.path, so it
imports this module by name); each section is a function `section_NAME` that asserts what it gets,
and the test looks for `ok NAME` after each. With no sections it prints their names as JSON.
"""

import contextlib
import io
import json
import os
import sys


def check(condition, detail):
    if not condition:
        raise AssertionError(detail)


def raises(kind, fn, *args, **kwargs):
    """The exception of type KIND that fn(*args, **kwargs) raises; an AssertionError when it raises none."""
    try:
        fn(*args, **kwargs)
    except kind as err:
        return err
    raise AssertionError("%s did not raise %s" % (getattr(fn, "__name__", fn), kind.__name__))


def printed(fn, *args, **kwargs):
    """fn(*args, **kwargs) with what it prints captured: (its value, that output)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        value = fn(*args, **kwargs)
    return value, out.getvalue()


def write(path, text):
    """Writes TEXT to PATH, making its folder first."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def run_sections(namespace):
    """Runs the sections named on the command line, from a driver's globals(), in that order."""
    sections = {name[len("section_") :]: fn for name, fn in namespace.items() if name.startswith("section_")}
    for name in sys.argv[1:]:
        sections[name]()
        print("ok %s" % name, flush=True)
    if not sys.argv[1:]:
        print(json.dumps(sorted(sections)))
