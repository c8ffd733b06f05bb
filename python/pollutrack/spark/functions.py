"""pollutrack's functions in Spark SQL and as Column builders, computed in Arrow UDFs.

Every function runs the Rust engine on the Arrow arrays Spark sends a Python worker
(``pyspark.sql.functions.arrow_udf``, PySpark 4.1 or newer): only the columns a function reads
travel, not the whole row as in ``mapInArrow``. Results equal :func:`pollutrack.aqi.compute`
and :meth:`pollutrack.Mapping.apply` on the same rows.

The Column builders return labels (category, dominant pollutant, status) from small integer
codes that Spark turns back into strings (``get`` of the standard's labels), so no
label crosses from Python as a string. A SQL function has one type whatever its arguments,
so the ones :func:`register` makes return their labels as strings.

Examples:
    >>> from pyspark.sql import functions as sf  # doctest: +SKIP
    >>> from pollutrack.spark import functions as ptf  # doctest: +SKIP
    >>> df = spark.createDataFrame([(35.5, 20.0)], "pm25 double, pm10 double")  # doctest: +SKIP
    >>> readings = sf.struct("pm25", "pm10")  # doctest: +SKIP
    >>> df.select(ptf.aqi(readings), ptf.aqi_category(readings)).first()  # doctest: +SKIP
    Row(aqi=101, aqi_category='Unhealthy for Sensitive Groups')
    >>> names = ptf.register(spark, standard="eu_eaqi_2024")  # doctest: +SKIP
    >>> spark.sql("SELECT pt_aqi_category(named_struct('pm25', 30.0))").first()[0]  # doctest: +SKIP
    'Moderate'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Unpack

import pyarrow as pa

from pollutrack._udf import OUTPUTS, AqiKernel, MapKernel, SubindexKernel
from pollutrack.aqi.options import AqiOptions, Beyond
from pollutrack.mapping import ApplyOptions
from pollutrack.spark._arrow import fit_threads_to_task

if TYPE_CHECKING:
    from pyspark.sql import Column, SparkSession

    from pollutrack.aqi.standard import Standard
    from pollutrack.mapping import Mapping

__all__ = [
    "aqi",
    "aqi_all",
    "aqi_category",
    "aqi_dominant",
    "aqi_status",
    "map_value",
    "register",
    "subindex",
]

#: The PySpark release that added ``pyspark.sql.functions.arrow_udf``.
ARROW_UDF_SINCE = "4.1"

# The Spark type of each Arrow type a UDF here returns (codes are the dictionaries' keys).
_SPARK_TYPES = {
    pa.int8(): "tinyint",
    pa.int16(): "smallint",
    pa.int32(): "int",
    pa.float64(): "double",
    pa.string(): "string",
}


def arrow_udf(function: Any, spark_type: Any) -> Any:
    """``pyspark.sql.functions.arrow_udf(function, spark_type)``.

    Raises:
        ImportError: naming the PySpark release that added Arrow UDFs, on an older one.
    """
    try:
        from pyspark.sql.functions import arrow_udf as make  # type: ignore[attr-defined]
    except ImportError as exc:
        import pyspark

        raise ImportError(
            f"pollutrack's Spark SQL functions run in Arrow UDFs "
            f"(pyspark.sql.functions.arrow_udf), which PySpark {ARROW_UDF_SINCE} added; this is "
            f"PySpark {pyspark.__version__}: pip install 'pyspark>={ARROW_UDF_SINCE}'"
        ) from exc
    return make(function, spark_type)


def quoted(name: str) -> str:
    """A column name as Spark reads it whatever it holds (dots, backticks)."""
    return "`" + name.replace("`", "``") + "`"


def _column(readings: Any) -> Column:
    from pyspark.sql import functions as sf

    return sf.col(quoted(readings)) if isinstance(readings, str) else readings


def label(code: Column, labels: Sequence[str], *, nullable: bool = True) -> Column:
    """The label a code stands for: ``get(array(labels...), code)``, null for a null code.

    ``get``, not ``element_at`` or ``[]``: under whole-stage code generation PySpark 4.3's
    ``element_at(array, NULL)`` returns the array's last element instead of null.
    ``nullable=False`` tells Spark the label is never null (the status, which every row has).
    """
    from pyspark.sql import functions as sf

    text = sf.get(sf.array(*[sf.lit(v) for v in labels]), code.cast("int"))
    if nullable:
        return text
    # Spark keeps a coalesce not nullable when one argument is not: the empty text is never
    # taken, the engine gives every row a status.
    return sf.coalesce(text, sf.lit(""))


def code_udf(
    kernel: AqiKernel,
    fields: Sequence[tuple[str, pa.DataType]],
    name: str,
    columns: Sequence[str] | None = None,
) -> Any:
    """An Arrow UDF returning the engine's outputs ``fields`` of the readings it is given.

    Labels come as codes; one field is one column, several a struct of them. It takes a struct
    of readings, or with ``columns`` (their names) the columns themselves, one argument each:
    the struct is then made in Python at no cost, where Spark would build one per row (0.2 to
    0.5 s more of the JVM's CPU time per 3 M rows, measured on the benchmark's station table).
    """
    names = [n for n, _ in fields]
    spark_type = ", ".join(f"{quoted(n)}: {_SPARK_TYPES[t]}" for n, t in fields)
    spark_type = _SPARK_TYPES[fields[0][1]] if len(fields) == 1 else f"struct<{spark_type}>"
    given = list(columns) if columns is not None else None

    def codes(*args: pa.Array) -> pa.Array:
        fit_threads_to_task()
        readings = args[0] if given is None else pa.StructArray.from_arrays(args, names=given)
        out = kernel.codes(readings)
        if len(names) == 1:
            return out[names[0]]
        return pa.StructArray.from_arrays([out[n] for n in names], names=names)

    codes.__name__ = name
    return arrow_udf(codes, spark_type)


def readings_call(udf: Any, readings: Any, columns: Sequence[str] | None) -> Column:
    """``udf`` applied to a struct Column, a struct column's name, or the columns ``columns``."""
    from pyspark.sql import functions as sf

    args = [sf.col(quoted(c)) for c in columns] if columns is not None else [_column(readings)]
    column: Column = udf(*args)
    return column


def _outputs(readings: Any, names: Sequence[str], options: AqiOptions, name: str) -> list[Column]:
    """Columns of the engine's outputs ``names`` from one Arrow UDF, labels from codes."""
    kernel = AqiKernel(name, options)
    labels, code_types = kernel.labels(), kernel.code_types()
    fields = [(n, code_types.get(n, pa.int32())) for n in names]
    columns = None if isinstance(readings, str) or hasattr(readings, "alias") else list(readings)
    if columns is not None and not all(isinstance(c, str) for c in columns):
        raise TypeError(f"{name}: readings are a struct Column or a list of column names")
    call = readings_call(code_udf(kernel, fields, name, columns), readings, columns)
    parts = [call] if len(names) == 1 else [call.getField(n) for n in names]
    return [
        label(part, labels[n], nullable=n != "aqi_status") if n in labels else part
        for n, part in zip(names, parts, strict=True)
    ]


def aqi(readings: Column | str | Sequence[str], **options: Unpack[AqiOptions]) -> Column:
    """The AQI (int) of a struct of readings, named ``aqi``.

    Args:
        readings: a struct Column of pollutant columns, such as ``struct("pm25", "pm10")``
            (or a struct column's name), or a list of column names (``["pm25", "pm10"]``,
            which Spark sends without building a struct per row: the faster form). Field or
            column names are recognised as :func:`pollutrack.aqi.compute` recognises column
            names, or named by ``columns``.
        **options: :class:`~pollutrack.aqi.AqiOptions`, checked here, on the driver.
    """
    return _outputs(readings, ["aqi"], options, "pt_aqi")[0].alias("aqi")


def aqi_category(readings: Column | str | Sequence[str], **options: Unpack[AqiOptions]) -> Column:
    """The AQI category (string) of a struct of readings, named ``aqi_category``."""
    return _outputs(readings, ["aqi_category"], options, "pt_aqi_category")[0].alias("aqi_category")


def aqi_dominant(readings: Column | str | Sequence[str], **options: Unpack[AqiOptions]) -> Column:
    """The dominant pollutant(s) (string) of a struct of readings, named ``aqi_dominant``."""
    return _outputs(readings, ["aqi_dominant"], options, "pt_aqi_dominant")[0].alias("aqi_dominant")


def aqi_status(readings: Column | str | Sequence[str], **options: Unpack[AqiOptions]) -> Column:
    """The status (string, never null) of a struct of readings, named ``aqi_status``."""
    return _outputs(readings, ["aqi_status"], options, "pt_aqi_status")[0].alias("aqi_status")


def aqi_all(readings: Column | str | Sequence[str], **options: Unpack[AqiOptions]) -> Column:
    """The AQI, category, dominant pollutant and status as one struct, from one UDF call.

    The struct's fields are named as :func:`pollutrack.aqi.compute` names its columns, so
    ``df.select("*", aqi_all(r).alias("a")).select("*", "a.*")`` spreads them.
    """
    from pyspark.sql import functions as sf

    columns = _outputs(readings, list(OUTPUTS), options, "pt_aqi_all")
    return sf.struct(*[c.alias(n) for c, n in zip(columns, OUTPUTS, strict=True)]).alias("aqi_all")


def subindex(
    value: Column | str,
    measure: str,
    *,
    standard: str | Standard | None = None,
    unit: str | None = None,
    beyond: Beyond | None = None,
) -> Column:
    """One measure's sub-index (int) of a value column, as :func:`pollutrack.aqi.subindex`.

    The measure and standard are checked here, on the driver. The column is named
    ``aqi_<measure key>``.
    """
    from pollutrack import _core

    options: AqiOptions = {}
    if standard is not None:
        options["standard"] = standard
    if unit is not None:
        options["units"] = {measure: unit}
    if beyond is not None:
        options["beyond"] = beyond
    kernel = SubindexKernel("pt_subindex", options)
    kernel.check(measure)

    def pt_subindex(values: pa.Array) -> pa.Array:
        fit_threads_to_task()
        return kernel.subindex(values, measure)

    key = _core.aqi.measure_key(kernel.standard, measure)
    column: Column = arrow_udf(pt_subindex, "int")(_column(value)).alias(f"aqi_{key}")
    return column


def map_value(
    field: str, value: Column | str, mapping: Mapping, **options: Unpack[ApplyOptions]
) -> Column:
    """A value column mapped under one field's rules (string), as :meth:`pollutrack.Mapping.apply`.

    Options: :class:`~pollutrack.mapping.ApplyOptions` but ``fields`` and ``replace``. The
    column is named as ``apply`` names the field's mapped column (``<field>_mapped`` or the
    target field).
    """
    kernel = MapKernel("pt_map", mapping, options)
    kernel.check(field)

    def pt_map(values: pa.Array) -> pa.Array:
        fit_threads_to_task()
        return kernel.map(field, values)

    empty = pa.table({field: pa.array([], pa.string())})
    name = mapping.apply(empty, output="arrow", fields=[field]).counts.column("column")[0]
    column: Column = arrow_udf(pt_map, "string")(_column(value)).alias(name.as_py())
    return column


def register(
    spark: SparkSession,
    *,
    mapping: Mapping | None = None,
    mapping_options: ApplyOptions | None = None,
    prefix: str = "pt_",
    **options: Unpack[AqiOptions],
) -> list[str]:
    """Registers pollutrack's SQL functions on a session (classic or Spark Connect).

    ``pt_aqi(readings [, standard])`` (int), ``pt_aqi_category``, ``pt_aqi_dominant``,
    ``pt_aqi_status`` (strings), ``pt_aqi_all`` (a struct of the four),
    ``pt_subindex(value, measure [, standard])`` (int) and, with a ``mapping``,
    ``pt_map(field, value)`` (string). ``readings`` is a struct of pollutant columns
    (``struct(pm25, pm10)``, ``named_struct('pm25', a, 'o3_8h', b)``); a standard argument
    overrides the registered one, row by row.

    Args:
        spark: the session.
        mapping: the :class:`~pollutrack.Mapping` ``pt_map`` applies.
        mapping_options: :class:`~pollutrack.mapping.ApplyOptions` of ``pt_map``
            (``on_unmapped``, ``default``, ``normalize``).
        prefix: put before every function's name.
        **options: :class:`~pollutrack.aqi.AqiOptions` of every AQI function, checked here.

    Returns:
        The names registered.
    """
    from pyspark.sql.pandas.types import from_arrow_type

    from pollutrack import _sql_functions

    made = _sql_functions.make(
        prefix, mapping, mapping_options or {}, options, before=fit_threads_to_task
    )
    for name, (body, kind) in made.items():
        spark.udf.register(name, arrow_udf(body, from_arrow_type(kind)))
    return list(made)
