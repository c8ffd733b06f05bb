"""``with_aqi`` and ``apply_mapping`` as Arrow UDF columns: only the columns they read travel.

The output is planned on the driver from the DataFrame's Arrow schema, exactly as the
``mapInArrow`` path plans it (the same columns, types and order); one Arrow UDF given the
columns read returns every output, labels as codes that Spark turns into strings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pollutrack import _core
from pollutrack._udf import AqiKernel
from pollutrack.spark._arrow import arrow_schema, fit_threads_to_task, large_strings, plain
from pollutrack.spark.functions import arrow_udf, code_udf, label, quoted, readings_call

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from pollutrack.aqi.options import AqiOptions
    from pollutrack.mapping import Mapping


def _spare(df: DataFrame, stem: str) -> str:
    """A column name `df` does not have, for the UDF's struct before it is spread."""
    name = stem
    while name in df.columns:
        name += "_"
    return name


def with_aqi(df: DataFrame, options: AqiOptions, core: dict[str, object]) -> DataFrame:
    """The AQI columns appended from one Arrow UDF; ``core``: the options for ``_core.aqi``."""
    from pyspark.sql import functions as sf

    arrow_in = arrow_schema(df, large_strings(df))
    # Planned on the driver: bad options and missing columns fail before the job starts.
    planned = _core.aqi.Plan(arrow_in, core).schema()
    read: dict[str, str] = json.loads(planned.metadata[b"pollutrack"])["columns"]
    # The executors plan the struct of the columns read with the same measure -> column.
    kernel = AqiKernel("with_aqi", {**options, "columns": read})
    labels, code_types = kernel.labels(), kernel.code_types()
    outputs = list(planned)[len(arrow_in) :]
    fields = [(f.name, code_types.get(f.name, f.type)) for f in outputs]
    tmp = _spare(df, "__pollutrack_aqi")
    # The columns read, one argument each: no struct for Spark to build per row.
    columns = list(dict.fromkeys(read.values()))
    udf = code_udf(kernel, fields, "with_aqi", columns)
    computed = df.withColumn(tmp, readings_call(udf, None, columns))
    extra = []
    for f in outputs:
        part = sf.col(tmp).getField(f.name)
        if f.name in labels:
            part = label(part, labels[f.name], nullable=f.nullable)
        extra.append(part.alias(f.name))
    return computed.select(*[sf.col(quoted(c)) for c in df.columns], *extra)


def apply_mapping(df: DataFrame, mapping: Mapping, options: Any) -> DataFrame:
    """The mapped columns from one Arrow UDF over the mapped fields' columns."""
    from pyspark.sql import functions as sf

    arrow_in = arrow_schema(df, large_strings(df))
    empty = pa.Table.from_batches([], schema=arrow_in)
    # Applied on the driver to no rows: bad options and fields fail here, and give the output.
    result = mapping.apply(empty, output="arrow", **options)
    out = plain(result.table.schema, False)
    fields = result.counts.column("field").to_pylist()
    produced = result.counts.column("column").to_pylist()
    spark_type = ", ".join(f"{quoted(n)}: string" for n in produced)

    def pt_apply_mapping(*values: pa.Array) -> pa.Array:
        fit_threads_to_task()
        batch = pa.RecordBatch.from_arrays(list(values), names=fields)
        table = mapping.apply(batch, output="arrow", **options).table
        columns = [table.column(n).combine_chunks().cast(pa.string()) for n in produced]
        return pa.StructArray.from_arrays(columns, names=produced)

    tmp = _spare(df, "__pollutrack_mapped")
    udf = arrow_udf(pt_apply_mapping, f"struct<{spark_type}>")
    computed = df.withColumn(tmp, udf(*[sf.col(quoted(f)) for f in fields]))
    mapped = {n: sf.col(tmp).getField(n).alias(n) for n in produced}
    if options.get("replace"):
        # In place: each source column's position holds its mapped column.
        source = dict(zip(fields, produced, strict=True))
        columns = [mapped[source[c]] if c in source else sf.col(quoted(c)) for c in arrow_in.names]
    else:
        columns = [sf.col(quoted(c)) for c in arrow_in.names]
        columns += [mapped[n] for n in out.names[len(arrow_in) :]]
    return computed.select(*columns)
