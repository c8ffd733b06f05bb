"""PySpark: the AQI and mappings on Spark DataFrames, computed by the Rust engine on executors.

Each executor runs the same engine on each Arrow batch, so a Spark job gets exactly the results
of :func:`pollutrack.aqi.compute`: in Arrow UDFs over the columns a function reads
(:func:`with_aqi`, :func:`apply_mapping`, and the SQL functions of
:mod:`pollutrack.spark.functions`, which :func:`register` adds to Spark SQL), ``mapInArrow``
for the reports, ``applyInArrow`` per station for the hourly functions. The output schema is
derived on the driver, where bad options and missing columns fail at once; label columns
(category, dominant pollutant, status) become plain strings, as Spark has no dictionary type.

Examples:
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> from pollutrack.spark import with_aqi  # doctest: +SKIP
    >>> spark = SparkSession.builder.master("local[2]").getOrCreate()  # doctest: +SKIP
    >>> df = spark.createDataFrame([(35.49, 20.0)], "pm25 double, pm10 double")  # doctest: +SKIP
    >>> with_aqi(df).select("aqi", "aqi_category").first()  # doctest: +SKIP
    Row(aqi=100, aqi_category='Moderate')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Unpack

import pyarrow as pa

from pollutrack._mapping_args import apply_options
from pollutrack.aqi import hourly as aqi_hourly
from pollutrack.aqi.options import AqiOptions, DailyOptions, HourlyOptions, _aqi_options
from pollutrack.exceptions import InvalidSpecError
from pollutrack.mapping import ApplyOptions, MatchOptions
from pollutrack.spark import _columns, _in_map
from pollutrack.spark._arrow import arrow_schema as _arrow_schema
from pollutrack.spark._arrow import fit_threads_to_task as _fit_threads_to_task
from pollutrack.spark._arrow import large_strings as _large_strings
from pollutrack.spark._arrow import lookup_safe as _lookup_safe
from pollutrack.spark._arrow import map_in_arrow as _map_in_arrow
from pollutrack.spark._arrow import plain as _plain
from pollutrack.spark._arrow import spark_schema as _spark_schema
from pollutrack.spark._arrow import to_arrow as _to_arrow
from pollutrack.spark.functions import register
from pollutrack.spark.sql import aqi_column
from pollutrack.spark.streaming import daily_stream, nowcast_stream, stream_counts

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from pollutrack.mapping import Mapping as ValueMapping

__all__ = [
    "apply_mapping",
    "aqi_column",
    "aqi_status_counts",
    "daily",
    "daily_stream",
    "mapping_counts",
    "nowcast",
    "nowcast_stream",
    "register",
    "stream_counts",
    "unmapped_report",
    "with_aqi",
]


def _has_arrow_udf() -> bool:
    """True on a PySpark with ``pyspark.sql.functions.arrow_udf`` (4.1 and newer)."""
    from pyspark.sql import functions as sf

    return hasattr(sf, "arrow_udf")


def with_aqi(df: DataFrame, **options: Unpack[AqiOptions]) -> DataFrame:
    """Appends the AQI columns of :func:`pollutrack.aqi.compute` to a Spark DataFrame.

    Options (:class:`~pollutrack.aqi.AqiOptions`) and output columns are those of
    :func:`pollutrack.aqi.compute`; the labels are strings. One Arrow UDF reads the pollutant
    columns alone and returns the labels as small codes that Spark turns into strings
    (on PySpark 4.0, which has no Arrow UDFs, the whole rows go through ``mapInArrow``; the
    output is the same). With ``on_invalid="raise"`` the task fails with the engine's message,
    whose row is counted within the Arrow batch.
    """
    core = _aqi_options("with_aqi", options)
    if not _has_arrow_udf():
        return _in_map.with_aqi(df, core)
    return _columns.with_aqi(df, options, core)


def _grouped(df: DataFrame, key: str, function: Any, **options: Any) -> DataFrame:
    """Runs an hourly function per station group with ``applyInArrow``."""
    if df.isStreaming:
        # Spark would run each micro-batch's groups alone: the results would depend on where
        # the batches fall, without an error. Refuse instead.
        name = function.__name__
        raise InvalidSpecError(
            f"{name} needs each station's preceding hours, which a micro-batch of a streaming "
            f"DataFrame does not hold; on a stream use pollutrack.spark.{name}_stream, which "
            f"keeps each station's hours in Spark's state store"
        )
    large = _large_strings(df)
    sample = pa.Table.from_batches([], schema=_arrow_schema(df, large))
    probe = function(sample, **options)  # the output schema, from an empty table
    spark_out = _spark_schema(_plain(probe.schema, large))
    # Spark's grouped-Arrow worker checks zoned timestamps named UTC, whatever the session's
    # zone: the same instants, cast to that name (zero-copy).
    out = _to_arrow(spark_out, "UTC", large)

    safe, names = _lookup_safe(df)

    def per_station(table: pa.Table) -> pa.Table:
        _fit_threads_to_task()
        if names is not None:
            table = table.rename_columns(names)
        return function(table, **options).cast(out)

    grouped = safe.groupBy(key if names is None else f"_{names.index(key)}")
    return grouped.applyInArrow(per_station, spark_out)


def nowcast(
    df: DataFrame, *, station: str, time: str, **options: Unpack[HourlyOptions]
) -> DataFrame:
    """:func:`pollutrack.aqi.nowcast` per station, through ``groupBy(station).applyInArrow``."""
    return _grouped(df, station, aqi_hourly.nowcast, station=station, time=time, **options)


def daily(df: DataFrame, *, station: str, time: str, **options: Unpack[DailyOptions]) -> DataFrame:
    """:func:`pollutrack.aqi.daily` per station, through ``groupBy(station).applyInArrow``."""
    return _grouped(df, station, aqi_hourly.daily, station=station, time=time, **options)


def aqi_status_counts(df: DataFrame, **options: Unpack[AqiOptions]) -> DataFrame:
    """Rows per ``aqi_status`` (counted on the executors), to fail or alert a job cheaply."""
    return with_aqi(df, **options).groupBy("aqi_status").count()


def apply_mapping(
    df: DataFrame, mapping: ValueMapping, **options: Unpack[ApplyOptions]
) -> DataFrame:
    """:meth:`pollutrack.Mapping.apply` on a Spark DataFrame.

    Options: :class:`~pollutrack.mapping.ApplyOptions`. One Arrow UDF reads the mapped fields'
    columns alone (on PySpark 4.0 the whole rows go through ``mapInArrow``; the output is the
    same); the mapping pickles compactly and travels to the executors with it. With
    ``on_unmapped="error"`` the task fails with the engine's message (its row counts within
    the Arrow batch). Use :func:`unmapped_report` for the report.
    """
    if not _has_arrow_udf():
        return _in_map.apply_mapping(df, mapping, options)
    return _columns.apply_mapping(df, mapping, options)


def unmapped_report(
    df: DataFrame, mapping: ValueMapping, **options: Unpack[MatchOptions]
) -> DataFrame:
    """Every distinct unmapped value with its count and suggestion, aggregated on the executors.

    Options: :class:`~pollutrack.mapping.MatchOptions`. Columns: ``field``, ``value``,
    ``count``, ``suggestion``. Nothing is collected to the driver.
    """
    from pyspark.sql import functions as sf

    apply_options("unmapped_report", options, MatchOptions)  # here, not first on an executor

    schema = pa.schema(
        [
            ("field", pa.string()),
            ("value", pa.string()),
            ("count", pa.int64()),
            ("suggestion", pa.string()),
        ]
    )

    def report(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        _fit_threads_to_task()
        for batch in batches:
            rep = mapping.apply(batch, **options).report
            rep = rep.select(["field", "value", "count", "suggestion"])
            yield from rep.cast(schema).to_batches()

    partial = _map_in_arrow(df, report, schema)
    return partial.groupBy("field", "value").agg(
        sf.sum("count").alias("count"), sf.first("suggestion", ignorenulls=True).alias("suggestion")
    )


_COUNT_LABELS = ["field", "target_field", "column"]
_COUNT_SUMS = ["rows", "mapped", "unmapped", "null_inputs"]


def mapping_counts(
    df: DataFrame, mapping: ValueMapping, **options: Unpack[MatchOptions]
) -> DataFrame:
    """Rows mapped, unmapped and null per field, counted on the executors.

    The ``counts`` of :meth:`pollutrack.Mapping.apply`, with its columns (``field``,
    ``target_field``, ``column``, ``rows``, ``mapped``, ``unmapped``, ``null_inputs``,
    ``distinct_unmapped``): one row per mapped field in the sheet's order, zeros when the
    DataFrame is empty. Options: :class:`~pollutrack.mapping.MatchOptions`. Nothing is
    collected to the driver. Not on a streaming DataFrame (Spark has no distinct count
    there): use :func:`unmapped_report`.
    """
    from pyspark.sql import functions as sf

    if df.isStreaming:
        raise InvalidSpecError(
            "mapping_counts counts distinct unmapped values, which Spark cannot do on a "
            "streaming DataFrame; use unmapped_report on the stream, or mapping_counts in "
            "foreachBatch"
        )
    schema = pa.schema(
        [(name, pa.string()) for name in _COUNT_LABELS]
        + [(name, pa.int64()) for name in _COUNT_SUMS]
        + [("value", pa.string()), ("order", pa.int32())]
    )

    def partial(batch: pa.RecordBatch | pa.Table) -> pa.Table:
        """One batch's counts, plus one row per distinct unmapped value (to count them)."""
        result = mapping.apply(batch, **options)
        counts = result.counts.select(_COUNT_LABELS + _COUNT_SUMS)
        counts = counts.append_column("value", pa.nulls(counts.num_rows, pa.string()))
        counts = counts.append_column("order", pa.array(range(counts.num_rows), pa.int32()))
        values = result.report.column("value")
        misses = {name: pa.nulls(len(values), schema.field(name).type) for name in schema.names}
        misses.update(field=result.report.column("field"), value=values)
        return pa.concat_tables([counts.cast(schema), pa.table(misses, schema=schema)])

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        _fit_threads_to_task()
        for batch in batches:
            yield from partial(batch).to_batches()

    # Every field gets a row, in the sheet's order, even from an empty DataFrame.
    zeros = partial(pa.Table.from_batches([], schema=_arrow_schema(df, _large_strings(df))))
    spark_schema = _spark_schema(schema)
    parts = _map_in_arrow(df, run, schema).unionByName(
        df.sparkSession.createDataFrame(zeros, schema=spark_schema)
    )
    first = [sf.first(name, ignorenulls=True).alias(name) for name in ("order", *_COUNT_LABELS[1:])]
    sums = [sf.sum(name).alias(name) for name in _COUNT_SUMS]
    distinct = sf.count_distinct("value").alias("distinct_unmapped")
    counted = parts.groupBy("field").agg(*first, *sums, distinct)
    return counted.orderBy("order").select(*_COUNT_LABELS, *_COUNT_SUMS, "distinct_unmapped")
