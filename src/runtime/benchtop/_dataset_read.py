"""Reading a dataset's files: a TabularDataset's rows into pandas, a FileDataset's files copied out.

pandas (and pyarrow for Parquet) are the user's, imported only here, when a DataFrame is asked for: the
runtime itself stays stdlib-only. The parsers are pandas' (read_csv / read_parquet / read_json), not ours.
"""

import os
import sys
import tempfile

from ._atomic_copy import atomic_copy
from ._exceptions import UserErrorException


def _install_hint(package):
    """How to get PACKAGE: in a run, into its environment (a pip install into a built, shared environment is
    not what the next run gets); elsewhere, into this Python."""
    if os.environ.get("BENCHTOP_RUN_ID"):
        return (
            "add %s to the run's environment and submit again (env.python.conda_dependencies = "
            "CondaDependencies.create(pip_packages=['%s']), or %s in its conda or requirements file)"
            % (package, package, package)
        )
    return "`%s -m pip install %s`" % (sys.executable, package)


def _pandas():
    try:
        import pandas
    except ImportError:
        raise UserErrorException(
            "to_pandas_dataframe() needs pandas, which this Python (%s) does not have: %s."
            % (sys.executable, _install_hint("pandas"))
        )
    return pandas


def _parquet_engine_missing(err):
    return UserErrorException(
        "Reading a Parquet dataset needs pyarrow, which this Python (%s) does not have: %s. (%s)"
        % (sys.executable, _install_hint("pyarrow"), err)
    )


def _encoding(options):
    return {"utf8": "utf-8", "latin1": "latin-1"}.get(options.get("encoding") or "utf8", options.get("encoding"))


def _read_one(pandas, path, options, nrows):
    fmt = options.get("format") or "delimited"
    if fmt == "parquet":
        try:
            frame = pandas.read_parquet(path)
        except ImportError as err:
            raise _parquet_engine_missing(err)
        return frame if nrows is None else frame.iloc[:nrows]
    if fmt == "jsonl":
        return pandas.read_json(path, lines=True, encoding=_encoding(options), nrows=nrows)
    header = options.get("header", True)
    frame = pandas.read_csv(
        path,
        sep=options.get("separator") or ",",
        header=0 if header else None,
        encoding=_encoding(options),
        nrows=nrows,
        dtype=None if options.get("inferColumnTypes", True) else str,
    )
    if not header:
        # Azure names the columns of a file without headers Column1, Column2, ...
        frame.columns = ["Column%d" % (i + 1) for i in range(len(frame.columns))]
    return frame


def read_frame(files, options, nrows=None, describe="the dataset"):
    """One DataFrame of FILES ([(relative path, file to read)]) in order; at most NROWS rows read when given."""
    pandas = _pandas()
    frames = []
    for relative, path in files:
        remaining = None if nrows is None else nrows - sum(len(f) for f in frames)
        if remaining is not None and remaining <= 0:
            break
        try:
            frames.append(_read_one(pandas, path, options, remaining))
        except UserErrorException:
            raise
        except (ValueError, UnicodeDecodeError, OSError) as err:
            # pandas' ParserError (a row that does not fit the header) names the line; say which file it is.
            raise UserErrorException(
                "Could not read %s of %s as %s: %s" % (relative, describe, _describe_format(options), err)
            )
    if not frames:
        return pandas.DataFrame()
    if len(frames) == 1:
        return frames[0]
    return pandas.concat(frames, ignore_index=True)


def _describe_format(options):
    fmt = options.get("format") or "delimited"
    if fmt == "delimited":
        return "delimited text (separator %r, header %s)" % (
            options.get("separator") or ",",
            options.get("header", True),
        )
    return {"parquet": "Parquet", "jsonl": "JSON lines"}.get(fmt, fmt)


def _is_empty(folder):
    for _root, dirs, files in os.walk(folder):
        if files or dirs:
            return False
    return True


def ensure_target(path):
    """azureml-core's _ensure_path: a new temp folder when none is given; (absolute folder, is empty)."""
    if not path or str(path).isspace():
        return tempfile.mkdtemp(), True
    path = os.fspath(path)
    os.makedirs(path, exist_ok=True)
    return os.path.abspath(path), _is_empty(path)


def copy_files(files, target_path, overwrite):
    """FileDataset.download: FILES into TARGET_PATH/<relative path>; the absolute paths written."""
    target, is_empty = ensure_target(target_path)
    destinations = [(os.path.abspath(os.path.join(target, "." + "/" + relative)), source) for relative, source in files]
    if not is_empty and not overwrite:
        for destination, _source in destinations:
            if os.path.exists(destination):
                # azureml-core's text, its line continuation's spaces included.
                raise UserErrorException(
                    'File "{}" already exists. Set overwrite=True to overwrite it,                             or '
                    "choose an empty target path.".format(destination)
                )
    for destination, source in destinations:
        atomic_copy(source, destination)
    return [destination for destination, _source in destinations]
