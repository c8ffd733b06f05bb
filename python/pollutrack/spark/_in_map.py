"""``with_aqi`` and ``apply_mapping`` in ``mapInArrow``: every column goes through Python.

The path of PySpark releases before Arrow UDFs (4.0), and the benchmark's reference: its
output is exactly what the Arrow UDF path returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pollutrack import _core
from pollutrack.spark._arrow import (
    arrow_schema,
    fit_threads_to_task,
    large_strings,
    map_in_arrow,
    plain,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from pollutrack.mapping import Mapping


def with_aqi(df: DataFrame, core: dict[str, object]) -> DataFrame:
    """The AQI columns appended in ``mapInArrow``; ``core``: the options for ``_core.aqi``."""
    large = large_strings(df)
    arrow_in = arrow_schema(df, large)
    # Built on the driver too, so bad options and missing columns fail before the job starts.
    out = plain(_core.aqi.Plan(arrow_in, core).schema(), large)

    labels = "large_string" if large else "string"

    def compute(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        fit_threads_to_task()
        plan = None
        for batch in batches:
            if plan is None:  # the engine's plan is not picklable; its options are
                plan = _core.aqi.Plan(batch.schema, core)
            # Labels come out as plain strings in `out`'s types, written by the engine.
            yield plan.compute_batch(batch, labels=labels)

    return map_in_arrow(df, compute, out)


def apply_mapping(df: DataFrame, mapping: Mapping, options: Any) -> DataFrame:
    """``Mapping.apply`` in ``mapInArrow``; ``options``: :class:`ApplyOptions`."""
    large = large_strings(df)
    empty = pa.Table.from_batches([], schema=arrow_schema(df, large))
    # output="arrow": a Table for each Arrow batch, to cast and split.
    out = plain(mapping.apply(empty, output="arrow", **options).table.schema, large)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        fit_threads_to_task()
        for batch in batches:
            applied = mapping.apply(batch, output="arrow", **options)
            yield from applied.table.cast(out).to_batches()

    return map_in_arrow(df, run, out)
