"""What the Spark functions share: Arrow schemas, threads on executors, ``mapInArrow``.

Arrow schemas as Spark sends them, one engine thread per task CPU on executors, and
``mapInArrow`` for any column name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pollutrack import _core

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def fit_threads_to_task() -> None:
    """On an executor: one engine thread per CPU Spark gave the task (``spark.task.cpus``).

    Spark already runs one task per core, each in its own Python worker; a pool of every core
    in each worker would oversubscribe the executor. ``POLLUTRACK_NUM_THREADS`` overrides.
    """
    from pyspark import TaskContext

    task = TaskContext.get()
    if task is None or os.environ.get("POLLUTRACK_NUM_THREADS"):
        return
    cpus = max(1, task.cpus())
    if _core.get_num_threads() != cpus:
        _core.set_num_threads(cpus)


def to_arrow(schema: Any, timezone: str | None, large: bool) -> pa.Schema:
    """Spark's own Arrow schema for a Spark schema: zoned timestamps named `timezone`."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema, timezone=timezone, prefers_large_types=large)


def arrow_schema(df: DataFrame, large: bool) -> pa.Schema:
    """The batches' schema as Spark sends them: zoned timestamps in the session's zone."""
    return to_arrow(df.schema, df.sparkSession.conf.get("spark.sql.session.timeZone"), large)


def large_strings(df: DataFrame) -> bool:
    """True when the session sends (large) strings with 64-bit offsets."""
    conf = df.sparkSession.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false")
    return str(conf).lower() == "true"


def plain(schema: pa.Schema, large: bool) -> pa.Schema:
    """The schema Spark sees: dictionary labels as (large) strings, no metadata.

    The engine's rule, the same one it writes ``with_aqi``'s batches by.
    """
    return _core.plain_schema(schema, large=large)


def spark_schema(schema: pa.Schema) -> Any:
    """The Spark schema of Arrow batches.

    A timestamp without a zone is ``timestamp_ntz``, as Spark sends one, so a passed-through
    column keeps its type.
    """
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema, prefer_timestamp_ntz=True)


def lookup_safe(df: DataFrame) -> tuple[DataFrame, list[str] | None]:
    """`df`, renamed by position when PySpark could not look its columns up, and the names.

    PySpark's ``mapInArrow`` and ``applyInArrow`` look up every input column by its unquoted
    name, which fails for a name with a dot (``pm2.5``, as in the bundled Beijing file) or a
    backtick. Such a DataFrame goes in as ``_0``, ``_1``, ...; the Arrow function puts the real
    names back on each batch (zero-copy) with the names returned here (``None``: no renaming).
    """
    names = df.columns
    if not any("." in name or "`" in name for name in names):
        return df, None
    return df.toDF(*[f"_{i}" for i in range(len(names))]), names


def map_in_arrow(df: DataFrame, function: Any, schema: pa.Schema) -> DataFrame:
    """``df.mapInArrow(function, schema)`` for any column names (see :func:`lookup_safe`)."""
    safe, names = lookup_safe(df)
    if names is None:
        return df.mapInArrow(function, spark_schema(schema))

    def renamed(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        named: Iterator[pa.RecordBatch] = (batch.rename_columns(names) for batch in batches)
        yield from function(named)

    return safe.mapInArrow(renamed, spark_schema(schema))
