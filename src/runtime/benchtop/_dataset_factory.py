"""Dataset.File / Dataset.Tabular: azureml.data.dataset_factory's FileDatasetFactory and TabularDatasetFactory.

`path` is what Azure takes (one or a list of: (datastore, "relative/path"), DataPath) and also local paths
and globs (relative to the working directory), since the data is on this machine. validate=True (Azure's
default) checks at once that every path has files, with Azure's error; validate=False defers that to the
first read, as Azure's does.
"""

import enum

from ._dataset_sources import expand_all, normalize
from ._exceptions import UserErrorException

_ENCODINGS = {"utf8": "utf8", "latin1": "latin1", "iso88591": "latin1", "ascii": "utf8"}


class PromoteHeadersBehavior(enum.Enum):
    NO_HEADERS = 0
    ONLY_FIRST_FILE_HAS_HEADERS = 1
    COMBINE_ALL_FILES_HEADERS = 2
    ALL_FILES_HAVE_SAME_HEADERS = 3


class FileEncoding(enum.Enum):
    UTF8 = 0
    ISO88591 = 1
    LATIN1 = 2
    ASCII = 3
    UTF16 = 4
    UTF32 = 5
    UTF8BOM = 6
    WINDOWS1252 = 7


def _encoding(encoding):
    name = encoding.name.lower() if isinstance(encoding, enum.Enum) else str(encoding).lower()
    if name in ("utf16", "utf32", "utf8bom", "windows1252"):
        raise UserErrorException(
            "Encoding '%s' is not read here: Benchtop's datasets are utf8 or latin1 (iso88591). Convert the "
            "files to UTF-8 (e.g. iconv -f %s -t utf-8)." % (name, name)
        )
    if name not in _ENCODINGS:
        raise UserErrorException(
            "Invalid encoding '{}'. The supported encodings are 'utf8', 'iso88591', 'latin1', 'ascii', 'utf16', "
            "'utf32', 'utf8bom' and 'windows1252'.".format(encoding)
        )
    return _ENCODINGS[name]


def _header(header):
    if (
        header is True
        or header == "ALL_FILES_HAVE_SAME_HEADERS"
        or header is PromoteHeadersBehavior.ALL_FILES_HAVE_SAME_HEADERS
    ):
        return True
    if header is False or header == "NO_HEADERS" or header is PromoteHeadersBehavior.NO_HEADERS:
        return False
    if isinstance(header, (str, PromoteHeadersBehavior)):
        # ONLY_FIRST_FILE_HAS_HEADERS / COMBINE_ALL_FILES_HEADERS: Azure's strings, not Benchtop's reading.
        raise UserErrorException(
            "header=%r is not read here: every file has the same header (header=True), or none has (header=False)."
            % (header.name if isinstance(header, PromoteHeadersBehavior) else header,)
        )
    raise UserErrorException(
        "Unsupported header provided. The allowed values are NO_HEADERSONLY_FIRST_FILE_HAS_HEADERS"
        "COMBINE_ALL_FILES_HEADERSALL_FILES_HAVE_SAME_HEADERS"
    )


_LOCAL_WAY = {
    "set_column_types": "convert after reading: df = ds.to_pandas_dataframe(); "
    "df['when'] = pandas.to_datetime(df['when']); df['n'] = df['n'].astype('int64')",
    "include_path": "get the files' paths from Dataset.File.from_files(the same path).to_path()",
    "partition_format": "select the partitions with a glob, e.g. 'data/2024/*/*.csv'",
}


def _unsupported(what, value, default):
    if value != default and value is not None:
        raise UserErrorException(
            "%s is not available in Benchtop's datasets (the registry keeps a table's read options, not column "
            "conversions); leave it out and %s." % (what, _LOCAL_WAY[what])
        )


class DataType(object):
    """azureml.data.DataType, so code that builds set_column_types imports; the conversions are refused there."""

    def __init__(self, kind=None, **options):
        self._kind = kind
        self._options = options

    def __repr__(self):
        return "DataType(%s)" % self._kind

    @staticmethod
    def to_string():
        return DataType("string")

    @staticmethod
    def to_long():
        return DataType("long")

    @staticmethod
    def to_float(decimal_mark="."):
        return DataType("float", decimal_mark=decimal_mark)

    @staticmethod
    def to_bool():
        return DataType("bool")

    @staticmethod
    def to_stream(workspace, escaped=False):
        return DataType("stream", escaped=escaped)

    @staticmethod
    def to_datetime(formats=None):
        return DataType("datetime", formats=formats)


def _create(cls, path, validate, tabular=None):
    sources = normalize(path)
    if validate:
        expand_all(sources)
    return cls._create(sources, tabular)


class TabularDatasetFactory(object):
    """Dataset.Tabular: tables from delimited, Parquet and JSON-lines files."""

    @staticmethod
    def from_delimited_files(
        path,
        validate=True,
        include_path=False,
        infer_column_types=True,
        set_column_types=None,
        separator=",",
        header=True,
        partition_format=None,
        support_multi_line=False,
        empty_as_string=False,
        encoding="utf8",
    ):
        from ._tabular_dataset import TabularDataset

        options = {
            "format": "delimited",
            "separator": separator,
            "header": _header(header),
            "encoding": _encoding(encoding),
            "inferColumnTypes": bool(infer_column_types),
        }
        _unsupported("include_path", include_path, False)
        _unsupported("set_column_types", set_column_types, None)
        _unsupported("partition_format", partition_format, None)
        return _create(TabularDataset, path, validate, options)

    @staticmethod
    def from_parquet_files(path, validate=True, include_path=False, set_column_types=None, partition_format=None):
        from ._tabular_dataset import TabularDataset

        _unsupported("include_path", include_path, False)
        _unsupported("set_column_types", set_column_types, None)
        _unsupported("partition_format", partition_format, None)
        return _create(TabularDataset, path, validate, {"format": "parquet", "header": True, "encoding": "utf8"})

    @staticmethod
    def from_json_lines_files(
        path,
        validate=True,
        include_path=False,
        set_column_types=None,
        partition_format=None,
        invalid_lines="error",
        encoding="utf8",
    ):
        from ._tabular_dataset import TabularDataset

        if invalid_lines not in ("error", "drop"):
            raise UserErrorException(
                "Expected 'error' or 'drop' as value for invalid_lines, found {}".format(str(invalid_lines))
            )
        _unsupported("include_path", include_path, False)
        _unsupported("set_column_types", set_column_types, None)
        _unsupported("partition_format", partition_format, None)
        options = {"format": "jsonl", "header": True, "encoding": _encoding(encoding)}
        return _create(TabularDataset, path, validate, options)

    @staticmethod
    def from_sql_query(query, validate=True, set_column_types=None, query_timeout=30):
        raise UserErrorException(
            "from_sql_query reads an Azure SQL datastore, which needs Azure; query the database with its own client "
            "(e.g. pandas.read_sql) and register the result's file."
        )

    @staticmethod
    def register_pandas_dataframe(
        dataframe,
        target,
        name,
        description=None,
        tags=None,
        show_progress=True,
        row_group_size=None,
        make_target_path_unique=True,
    ):
        """Writes the DataFrame as a Parquet file under target (a datastore, or (datastore, path)) and registers it."""
        from ._dataset_upload import register_pandas_dataframe

        return register_pandas_dataframe(
            dataframe, target, name, description, tags, show_progress, row_group_size, make_target_path_unique
        )


class FileDatasetFactory(object):
    """Dataset.File: files, folders and globs."""

    @staticmethod
    def from_files(path, validate=True, partition_format=None, is_file=False):
        from ._file_dataset import FileDataset

        _unsupported("partition_format", partition_format, None)
        return _create(FileDataset, path, validate and not is_file)

    @staticmethod
    def upload_directory(src_dir, target, pattern=None, overwrite=False, show_progress=True):
        """Copies src_dir's files (matching pattern) into the datastore target; a FileDataset of them."""
        from ._dataset_upload import upload_directory

        return upload_directory(src_dir, target, pattern, overwrite, show_progress)
