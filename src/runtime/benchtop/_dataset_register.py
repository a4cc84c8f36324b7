"""dataset.register(ws, name, ...): one `benchtop data register` of the dataset's sources.

The registry stores files, so a dataset with transformations (take, skip, random_split, keep_columns,
drop_columns) is refused rather than registered as something it is not: write the result out and register
that. A registered dataset registered under another name is its files again (copied out of the store into
a temp folder, which the registry reads as a folder: the same relative paths, the same content digest).
"""

import os
import shutil
import tempfile

from . import _cli
from ._exceptions import UserErrorException


def _tabular_flags(options):
    if not options:
        return []
    fmt = options.get("format") or "delimited"
    if fmt == "parquet":
        return ["--tabular", "--format", fmt]
    flags = ["--tabular", "--format", "jsonl"]
    if fmt == "delimited":
        separator = options.get("separator") or ","
        flags = ["--tabular", "--format", "tsv" if separator == "\t" else "csv", "--separator", separator]
        if not options.get("header", True):
            flags.append("--no-header")
        if not options.get("inferColumnTypes", True):
            flags.append("--no-infer-column-types")
    if options.get("encoding", "utf8") != "utf8":
        flags += ["--encoding", options["encoding"]]
    return flags


def _refuse_plan(dataset):
    steps = ", ".join(sorted({step[0] for step in dataset._plan}))
    raise UserErrorException(
        "This dataset has transformations (%s), and Benchtop's registry stores a dataset's files, not steps "
        "applied to them. Write the result out and register that: df = dataset.to_pandas_dataframe(); "
        "df.to_csv('part.csv', index=False); Dataset.Tabular.from_delimited_files('part.csv').register(ws, name) "
        "(a FileDataset: dataset.download(folder), then Dataset.File.from_files(folder))." % steps
    )


def _already_exists(name):
    # azureml-core's text (AbstractDataset._register, HTTP 409).
    return UserErrorException(
        'There is already a dataset registered under name "{}". Specify `create_new_version=True` to register the '
        "dataset as a new version. Use `update`, `add_tags`, or `remove_tags` to change only the description or "
        "tags.".format(name)
    )


# The registry's hints name the CLI's flags; from Python, the arguments that set the same thing.
_PYTHON_WORDS = (
    ("the wrong --separator or --format", "the wrong separator= or Dataset.Tabular.from_* method"),
    ("the --separator and --format", "separator= and the Dataset.Tabular.from_* method for the files' format"),
    ("(without --tabular)", "(Dataset.File.from_files)"),
)


def _in_python_words(err):
    text = str(err)
    for cli, python in _PYTHON_WORDS:
        text = text.replace(cli, python)
    return UserErrorException(text)


def register(dataset, workspace, name, description=None, tags=None, create_new_version=False, anonymous=False):
    from ._dataset import _from_record
    from ._dataset_sources import expand_all

    if dataset._plan:
        _refuse_plan(dataset)
    if not anonymous and (not isinstance(name, str) or not name):
        raise UserErrorException("A dataset needs a name to be registered: dataset.register(ws, name='...').")
    staging = None
    origin = dataset._registration or dataset._derived_from
    try:
        if origin is not None:
            from ._dataset_read import copy_files

            staging = tempfile.mkdtemp(prefix="benchtop-dataset-")
            copy_files(origin.files(), staging, overwrite=True)
            sources = [staging]
        else:
            expand_all(dataset._sources)  # Azure's error for a path that is not there, before the CLI's
            sources = list(dataset._sources)
        args = ["data", "register"]
        for source in sources:
            args += ["-p", source]
        args += ["--anonymous"] if anonymous else ["-n", name]
        # As Azure's register, no profile now (a big table's would take long): the Data screen or
        # `benchtop data profile` computes it when asked.
        args += _tabular_flags(dataset._tabular) + (["--no-profile"] if dataset._tabular else [])
        if description:
            args += ["--description", description]
        args += _cli.pairs("--tag", tags)
        if not create_new_version and not anonymous:
            args.append("--no-new-version")
        if os.environ.get("BENCHTOP_RUN_ID"):
            args += ["--run", os.environ["BENCHTOP_RUN_ID"]]
        try:
            record = _cli.call(args, workspace)
        except _cli.BenchtopCliError as err:
            if err.code == "ALREADY_EXISTS":
                raise _already_exists(name)
            raise _in_python_words(err)
    finally:
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
    return _from_record(workspace, record)
