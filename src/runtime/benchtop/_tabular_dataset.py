"""azureml.data.TabularDataset: rows of delimited, Parquet or JSON-lines files, read into pandas."""

from . import _dataset_plan
from ._dataset import AbstractDataset
from ._exceptions import UserErrorException


class TabularDataset(AbstractDataset):
    """A table parsed from files; the transformations apply to its rows (and columns) when it is read."""

    _kind = "tabular"

    def __init__(self):
        super().__init__()

    @property
    def timestamp_columns(self):
        return (None, None)

    def with_timestamp_columns(self, timestamp=None, partition_timestamp=None, validate=False, **kwargs):
        raise UserErrorException(
            "Time-series traits are not available here: filter the DataFrame by its time column "
            "(df[df['time'] >= start]) after to_pandas_dataframe()."
        )

    def to_pandas_dataframe(self, on_error="null", out_of_range_datetime="null"):
        """The rows as a pandas DataFrame (pandas is needed in this Python; pyarrow too for Parquet)."""
        from ._dataset_read import read_frame

        frame = read_frame(
            self._all_files(), self._tabular or {}, _dataset_plan.leading_take(self._plan), self._describe()
        )
        return _dataset_plan.apply_to_frame(self._plan, frame)

    def to_dask_dataframe(self, sample_size=10000, dtypes=None, on_error="null", out_of_range_datetime="null"):
        raise UserErrorException("to_dask_dataframe is not available here: use to_pandas_dataframe().")

    def to_spark_dataframe(self):
        raise UserErrorException(
            "to_spark_dataframe needs a Spark cluster: use to_pandas_dataframe(), or "
            "spark.read.csv(path) on the files (ds.download())."
        )

    def keep_columns(self, columns, validate=False):
        dataset = self._derived(_dataset_plan.columns(self._plan, "keep_columns", columns))
        if validate and dataset.take(1).to_pandas_dataframe().columns.empty:
            from ._dataset_sources import DatasetValidationError

            raise DatasetValidationError(
                "Cannot load any data from the dataset with only columns {} kept. Make sure the specified columns "
                "exist in the current dataset.".format(columns if isinstance(columns, list) else [columns])
            )
        return dataset

    def drop_columns(self, columns):
        return self._derived(_dataset_plan.columns(self._plan, "drop_columns", columns))

    def filter(self, expression):
        raise UserErrorException(
            "filter takes azureml-dataprep expressions, which Benchtop does not have: filter the DataFrame "
            "(df[df['col'] > 0]) after to_pandas_dataframe()."
        )

    # --- azureml-core's calls that need Azure's dataprep engine: refused, saying the local way -------------
    def _time_filter(self):
        raise UserErrorException(
            "Time-series filters need timestamp columns (with_timestamp_columns), which are not available here: "
            "filter the DataFrame by its time column after to_pandas_dataframe(), e.g. "
            "df[df['time'] < pandas.Timestamp(end_time)]."
        )

    def time_before(self, end_time, include_boundary=True, validate=True):
        self._time_filter()

    def time_after(self, start_time, include_boundary=True, validate=True):
        self._time_filter()

    def time_recent(self, time_delta, include_boundary=True, validate=True):
        self._time_filter()

    def time_between(self, start_time, end_time, include_boundary=True, validate=True):
        self._time_filter()

    def _files_needed(self, what, fmt, write):
        raise UserErrorException(
            "%s is not available here: write the rows out and make a dataset of the file: "
            "df = dataset.to_pandas_dataframe(); df.%s; Dataset.Tabular.%s" % (what, write, fmt)
        )

    def to_csv_files(self, separator=","):
        self._files_needed(
            "to_csv_files",
            "from_delimited_files('part.csv', separator=%r)" % (separator,),
            "to_csv('part.csv', sep=%r, index=False)" % (separator,),
        )

    def to_parquet_files(self):
        self._files_needed("to_parquet_files", "from_parquet_files('part.parquet')", "to_parquet('part.parquet')")

    def partition_by(self, partition_keys, target, name=None, show_progress=True, partition_as_file_dataset=False):
        raise UserErrorException(
            "partition_by is not available here: write one file per partition yourself (for each group of "
            "df.groupby(%r): part.to_csv('out/<key>.csv', index=False)), then register the folder "
            "(Dataset.Tabular.from_delimited_files('out/*.csv'))." % (partition_keys,)
        )

    def _profile_needed(self, what):
        ref = "%s:%s" % (self.name, self.version) if self.name else "NAME[:VERSION] (register it first)"
        raise UserErrorException(
            "%s needs Azure's profile runs; here a tabular dataset's profile (rows; per column type, missing, min, "
            "max, mean) is `benchtop data profile %s`, or the Data screen." % (what, ref)
        )

    def get_profile(self, workspace=None):
        self._profile_needed("get_profile")

    def get_profile_runs(self, workspace=None):
        self._profile_needed("get_profile_runs")

    def submit_profile_run(self, compute_target, experiment, cache_datastore_name=None):
        self._profile_needed("submit_profile_run")

    def _stream_column_needed(self, what):
        raise UserErrorException(
            "TabularDataset.%s needs a stream column (include_path / DataType.to_stream), which is not available "
            "here: make a FileDataset of the same files (Dataset.File.from_files(the same path)) and %s that."
            % (what, what)
        )

    def download(self, stream_column, target_path=None, overwrite=False, ignore_not_found=True):
        self._stream_column_needed("download")

    def mount(self, stream_column, mount_point=None):
        self._stream_column_needed("mount")
