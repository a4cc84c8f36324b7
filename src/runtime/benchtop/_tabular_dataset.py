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

    def skip(self, count):
        return self._derived(_dataset_plan.skip(self._plan, count))

    def take(self, count):
        return self._derived(_dataset_plan.take(self._plan, count))

    def take_sample(self, probability, seed=None):
        return self.random_split(probability, seed)[0]

    def random_split(self, percentage, seed=None):
        first, second = _dataset_plan.random_split(self._plan, percentage, seed)
        return self._derived(first), self._derived(second)

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
