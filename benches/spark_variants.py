"""The variants bench_spark times: what a Spark user writes, and pollutrack's functions.

Kept apart from the timing and the report (``bench_spark.py``). Spark's Python workers import
this module, so ``bench_spark`` puts the benches folder on their ``PYTHONPATH``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PM25 = [
    (0.0, 9.0, 0, 50),
    (9.1, 35.4, 51, 100),
    (35.5, 55.4, 101, 150),
    (55.5, 125.4, 151, 200),
    (125.5, 225.4, 201, 300),
    (225.5, 325.4, 301, 500),
]
PM10 = [
    (0, 54, 0, 50),
    (55, 154, 51, 100),
    (155, 254, 101, 150),
    (255, 354, 151, 200),
    (355, 424, 201, 300),
    (425, 604, 301, 500),
]
TABLES: dict[str, tuple[list, int]] = {"pm25": (PM25, 10), "pm10": (PM10, 1)}


def case_when_sql(col: str, rows: list, scale: int) -> str:
    """What a user writes: truncate, then one WHEN per row; the top row extends past 500."""
    t = f"floor(`{col}` * {scale}) / {scale}"
    parts = [
        f"WHEN {t} <= {hi} THEN round({ilo} + ({ihi} - {ilo}) * ({t} - {lo}) / ({hi} - {lo}))"
        for lo, hi, ilo, ihi in rows
    ]
    lo, hi, ilo, ihi = rows[-1]
    parts.append(f"ELSE round({ilo} + ({ihi} - {ilo}) * ({t} - {lo}) / ({hi} - {lo}))")
    return f"CASE {' '.join(parts)} END"


def numpy_aqi(x: np.ndarray, rows: list, scale: int) -> np.ndarray:
    """The sub-index in vectorised numpy; NaN stays NaN."""
    t = np.floor(x * scale + 1e-9) / scale
    lo = np.array([r[0] for r in rows])
    hi = np.array([r[1] for r in rows])
    ilo = np.array([r[2] for r in rows])
    ihi = np.array([r[3] for r in rows])
    k = np.minimum(np.searchsorted(hi, t, side="left"), len(rows) - 1)
    return np.floor(ilo[k] + (ihi[k] - ilo[k]) * (t - lo[k]) / (hi[k] - lo[k]) + 0.5)


def numpy_overall(values: list[np.ndarray], names: list[str]) -> np.ndarray:
    """The highest sub-index; NaN where every pollutant is missing."""
    subs = [numpy_aqi(v, *TABLES[name]) for v, name in zip(values, names, strict=True)]
    return np.fmax.reduce(subs) if len(subs) > 1 else subs[0]


def as_int32(a: np.ndarray) -> pa.Array:
    return pa.array(np.nan_to_num(a), mask=np.isnan(a)).cast(pa.int32())


def identity(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    yield from batches


def same_output(reference: Callable[[pa.RecordBatch], pa.RecordBatch]) -> Callable:
    """Identity that yields a function's output columns without computing them: each batch
    size's extra columns are computed once, then reused. It pays the Arrow transfer of the
    output alone, so the ratio to it is our compute's own cost."""

    def transfer(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        extra: dict[int, pa.RecordBatch] = {}
        for b in batches:
            if b.num_rows not in extra:
                extra[b.num_rows] = reference(b)
            out = extra[b.num_rows]
            yield pa.RecordBatch.from_arrays(
                b.columns + out.columns[b.num_columns :], schema=out.schema
            )

    return transfer


def aqi_variants(df: Any, pollutants: dict[str, str]) -> dict[str, Callable[[], Any]]:
    """The AQI of `pollutants` (pollutrack name -> column) on `df`, every way we compare."""
    from pollutrack import _core
    from pollutrack.aqi.options import _aqi_options
    from pollutrack.spark import _in_map, aqi_column, register, with_aqi
    from pollutrack.spark import functions as ptf
    from pyspark.sql import functions as sf
    from pyspark.sql.types import IntegerType, StructField, StructType

    names, cols = list(pollutants), list(pollutants.values())
    spark = df.sparkSession
    register(spark)
    core = _aqi_options("with_aqi", {"columns": pollutants})

    def aqi_output(b: pa.RecordBatch) -> pa.RecordBatch:
        return _core.aqi.Plan(b.schema, {"columns": pollutants}).compute_batch(b, labels="string")

    def aqi_number(b: pa.RecordBatch) -> pa.RecordBatch:
        return b.append_column("aqi", aqi_output(b).column("aqi"))

    def with_numpy(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for b in batches:
            values = [
                pc.cast(b.column(c), pa.float64()).to_numpy(zero_copy_only=False) for c in cols
            ]
            yield b.append_column("aqi", as_int32(numpy_overall(values, names)))

    @sf.pandas_udf("int")  # type: ignore[call-overload]
    def pandas_aqi(*series: pd.Series) -> pd.Series:
        values = [s.to_numpy(dtype="float64", na_value=np.nan) for s in series]
        return pd.Series(numpy_overall(values, names)).astype("Int32")

    sql = [case_when_sql(c, *TABLES[n]) for n, c in pollutants.items()]
    case_when = f"greatest({', '.join(sql)})" if len(sql) > 1 else sql[0]
    numpy_schema = StructType([*df.schema.fields, StructField("aqi", IntegerType())])
    quoted = [sf.col(f"`{c}`") for c in cols]
    readings = sf.struct(*quoted)
    view = f"bench_{abs(hash(tuple(cols)))}"
    df.createOrReplaceTempView(view)
    struct_sql = f"struct({', '.join(f'`{c}`' for c in cols)})"
    return {
        "Spark SQL CASE WHEN (hand-written)": lambda: df.withColumn("aqi", sf.expr(case_when)),
        "pollutrack aqi_column (generated SQL)": lambda: df.withColumn(
            "aqi", aqi_column(pollutants)
        ),
        "identity mapInArrow": lambda: df.mapInArrow(identity, df.schema),
        "numpy mapInArrow": lambda: df.mapInArrow(with_numpy, numpy_schema),
        "pandas_udf": lambda: df.withColumn("aqi", pandas_aqi(*quoted)),
        "pollutrack pt_aqi (Arrow UDF, Column builder)": lambda: df.withColumn(
            "aqi", ptf.aqi(readings)
        ),
        "pollutrack pt_aqi (Arrow UDF, column names)": lambda: df.withColumn("aqi", ptf.aqi(cols)),
        "pollutrack pt_aqi (Arrow UDF, Spark SQL)": lambda: spark.sql(
            f"SELECT *, pt_aqi({struct_sql}) AS aqi FROM {view}"
        ),
        "pollutrack aqi_category (Arrow UDF, codes)": lambda: df.withColumn(
            "aqi_category", ptf.aqi_category(readings)
        ),
        "pollutrack pt_aqi_category (Spark SQL, strings)": lambda: spark.sql(
            f"SELECT *, pt_aqi_category({struct_sql}) AS aqi_category FROM {view}"
        ),
        "pollutrack with_aqi (Arrow UDF)": lambda: with_aqi(df, columns=pollutants),
        "transfer of with_aqi's codes (Arrow UDF)": lambda: codes_transfer(df, pollutants),
        "pollutrack with_aqi (mapInArrow, PySpark 4.0)": lambda: _in_map.with_aqi(df, core),
        "transfer of with_aqi's output (mapInArrow)": lambda: df.mapInArrow(
            same_output(aqi_output), _in_map.with_aqi(df, core).schema
        ),
        # What the numpy and pandas variants return, sent without computing: the cost of
        # taking one more column back, against with_aqi's four (three of them labels).
        "transfer of the AQI number alone": lambda: df.mapInArrow(
            same_output(aqi_number), numpy_schema
        ),
    }


def udf_transfer(reference: Callable[[pa.Array], pa.Array], spark_type: str) -> Any:
    """An Arrow UDF that returns a function's output without computing it: each batch size's
    output is computed once, then reused. It pays the Arrow UDF's transfer alone."""
    from pyspark.sql import functions as sf

    ready: dict[int, pa.Array] = {}

    def transfer(values: pa.Array) -> pa.Array:
        if len(values) not in ready:
            ready[len(values)] = reference(values)
        return ready[len(values)]

    return sf.arrow_udf(transfer, spark_type)


def codes_transfer(df: Any, pollutants: dict[str, str]) -> Any:
    """with_aqi's output from a transfer of its codes: the same UDF input, output and labels
    (turned into strings by Spark), with nothing computed."""
    from pollutrack._udf import OUTPUTS, AqiKernel
    from pollutrack.spark.functions import label
    from pyspark.sql import functions as sf

    kernel = AqiKernel("with_aqi", {"columns": pollutants})
    labels, types = kernel.labels(), kernel.code_types()
    spark_type = ", ".join(
        f"{n}: {'int' if n == 'aqi' else {pa.int8(): 'tinyint'}.get(types[n], 'smallint')}"
        for n in OUTPUTS
    )

    def codes(values: pa.Array) -> pa.Array:
        out = kernel.codes(values)
        return pa.StructArray.from_arrays([out[n] for n in OUTPUTS], names=list(OUTPUTS))

    udf = udf_transfer(codes, f"struct<{spark_type}>")
    readings = sf.struct(*[sf.col(f"`{c}`") for c in dict.fromkeys(pollutants.values())])
    with_codes = df.withColumn("_codes", udf(readings))
    parts = [sf.col("_codes").getField("aqi").alias("aqi")]
    parts += [
        label(sf.col("_codes").getField(n), labels[n], nullable=n != "aqi_status").alias(n)
        for n in OUTPUTS[1:]
    ]
    return with_codes.select(*[sf.col(f"`{c}`") for c in df.columns], *parts)


def mapping_variants(df: Any, mapping: Any, tag: str = "") -> dict[str, Callable[[], Any]]:
    """`mapping` applied to `df`, against the identity, a pandas_udf doing a dict lookup and
    the transfer of its output."""
    from pollutrack import _core
    from pollutrack.spark import _in_map, apply_mapping
    from pyspark.sql import functions as sf

    def mapping_output(b: pa.RecordBatch) -> pa.RecordBatch:
        table = mapping.apply(b, output="arrow").table
        plain = table.cast(_core.plain_schema(table.schema, large=False))
        return plain.combine_chunks().to_batches()[0]

    def mapped_column(values: pa.Array) -> pa.Array:
        batch = pa.RecordBatch.from_struct_array(values)
        column = mapping.apply(batch, output="arrow").table.column("cbwd_mapped")
        return pa.StructArray.from_arrays(
            [column.combine_chunks().cast(pa.string())], names=["cbwd_mapped"]
        )

    lookup = {r["source"]: r["target"] for r in mapping.rules.to_pylist()}

    @sf.pandas_udf("string")  # type: ignore[call-overload]
    def pandas_map(codes: pd.Series) -> pd.Series:
        return codes.map(lookup)

    def transfer() -> Any:
        udf = udf_transfer(mapped_column, "struct<cbwd_mapped: string>")
        out = df.withColumn("_m", udf(sf.struct("cbwd")))
        return out.select(*df.columns, sf.col("_m").getField("cbwd_mapped").alias("cbwd_mapped"))

    # On the station table the identity is the AQI's own (same DataFrame, same key).
    return {
        f"identity mapInArrow{tag}": lambda: df.mapInArrow(identity, df.schema),
        f"pandas_udf dict lookup{tag}": lambda: df.withColumn("cbwd_mapped", pandas_map("cbwd")),
        f"pollutrack apply_mapping (Arrow UDF){tag}": lambda: apply_mapping(df, mapping),
        f"transfer of apply_mapping's output (Arrow UDF){tag}": transfer,
        f"pollutrack apply_mapping (mapInArrow, PySpark 4.0){tag}": lambda: _in_map.apply_mapping(
            df, mapping, {}
        ),
        f"transfer of apply_mapping's output (mapInArrow){tag}": lambda: df.mapInArrow(
            same_output(mapping_output), apply_mapping(df, mapping).schema
        ),
    }


def station_variants(df: Any, mapping: Any) -> dict[str, Callable[[], Any]]:
    """The AQI and the wind-code mapping on the station table; also `with_aqi` on the file's
    own column name, `pm2.5`, which goes through pollutrack's renaming."""
    from pollutrack.spark import with_aqi

    dotted = df.withColumnRenamed("pm25", "pm2.5")
    own_names = {
        "with_aqi (Arrow UDF) on the file's own names (pm2.5)": lambda: with_aqi(
            dotted, columns={"pm25": "pm2.5"}
        )
    }
    return aqi_variants(df, {"pm25": "pm25"}) | own_names | mapping_variants(df, mapping)
