"""DuckDB: pollutrack's functions in DuckDB SQL, computed by the Rust engine in Arrow UDFs.

:func:`register` adds the same functions, with the same arguments, as
:func:`pollutrack.spark.register` does on Spark: ``pt_aqi``, ``pt_aqi_category``,
``pt_aqi_dominant``, ``pt_aqi_status``, ``pt_aqi_all``, ``pt_subindex`` and, with a mapping,
``pt_map``. DuckDB hands each call a vector of rows as Arrow arrays; the results equal
:func:`pollutrack.aqi.compute` and :meth:`pollutrack.Mapping.apply` on the same rows. A NULL
argument (the whole struct, a measure, a standard) gives NULL, as DuckDB's own functions do; a
struct of NULL readings is a row with no data, as in ``compute``.

Examples:
    >>> import duckdb
    >>> import pollutrack as pt
    >>> import pollutrack.duckdb
    >>> con = duckdb.connect()
    >>> pollutrack.duckdb.register(con, mapping=pt.Mapping.from_dict({"cbwd": {"NE": "northeast"}}))
    ['pt_aqi', 'pt_aqi_category', 'pt_aqi_dominant', 'pt_aqi_status', 'pt_aqi_all', \
'pt_subindex', 'pt_map']
    >>> con.sql(
    ...     "SELECT pt_aqi({'pm25': pm25, 'pm10': pm10}) AS aqi, "
    ...     "pt_aqi_category({'pm25': pm25, 'pm10': pm10}) AS category, "
    ...     "pt_subindex(pm25, 'pm25', 'eu_eaqi_2024') AS eaqi_pm25, "
    ...     "pt_map('cbwd', cbwd) AS wind "
    ...     "FROM (VALUES (35.5, 20.0, 'NE'), (9.0, 160.0, 'cv')) t(pm25, pm10, cbwd)"
    ... ).fetchall()
    [(101, 'Unhealthy for Sensitive Groups', 3, 'northeast'), (103, \
'Unhealthy for Sensitive Groups', 2, None)]
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Unpack

import pyarrow as pa

from pollutrack import _sql_functions
from pollutrack.aqi.options import AqiOptions
from pollutrack.mapping import ApplyOptions

if TYPE_CHECKING:
    import duckdb

    from pollutrack.mapping import Mapping

__all__ = ["register"]


def _sql_type(kind: pa.DataType) -> str:
    """The DuckDB type of an Arrow type the functions return.

    Examples:
        >>> _sql_type(pa.struct([("aqi", pa.int32()), ("aqi_status", pa.string())]))
        'STRUCT("aqi" INTEGER, "aqi_status" VARCHAR)'
    """
    if pa.types.is_struct(kind):
        fields = ", ".join(f'"{f.name}" {_sql_type(f.type)}' for f in kind)
        return f"STRUCT({fields})"
    return {pa.int32(): "INTEGER", pa.string(): "VARCHAR"}[kind]


def register(
    con: duckdb.DuckDBPyConnection,
    *,
    mapping: Mapping | None = None,
    mapping_options: ApplyOptions | None = None,
    prefix: str = "pt_",
    **options: Unpack[AqiOptions],
) -> list[str]:
    """Registers pollutrack's SQL functions on a DuckDB connection (replacing any of the same name).

    ``pt_aqi(readings [, standard])`` (INTEGER), ``pt_aqi_category``, ``pt_aqi_dominant``,
    ``pt_aqi_status`` (VARCHAR), ``pt_aqi_all`` (a STRUCT of the four),
    ``pt_subindex(value, measure [, standard])`` (INTEGER) and, with a ``mapping``,
    ``pt_map(field, value)`` (VARCHAR). ``readings`` is a struct of pollutant columns
    (``{'pm25': pm25, 'o3_8h': o3}`` or ``struct_pack(pm25, pm10)``) whose field names are
    recognised as :func:`pollutrack.aqi.compute` recognises column names; a standard
    argument overrides the registered one, row by row.

    Args:
        con: the connection.
        mapping: the :class:`~pollutrack.Mapping` ``pt_map`` applies.
        mapping_options: :class:`~pollutrack.mapping.ApplyOptions` of ``pt_map``
            (``on_unmapped``, ``default``, ``normalize``).
        prefix: put before every function's name.
        **options: :class:`~pollutrack.aqi.AqiOptions` of every AQI function, checked here.

    Returns:
        The names registered.
    """
    import duckdb

    # Labels go to DuckDB dictionary-encoded, which it reads without a copy.
    made = _sql_functions.make(prefix, mapping, mapping_options or {}, options, labels="dictionary")
    for name, (body, kind) in made.items():
        with contextlib.suppress(duckdb.Error):  # not registered yet
            con.remove_function(name)
        # No parameter types and a body taking *args: DuckDB passes any arguments, which the
        # body checks (the optional standard, and readings of any struct type). Rows with NULL
        # arguments reach the body, which makes their results NULL (and a row whose readings
        # are all NULL gets its status, no_data, as in pt.aqi.compute).
        # The options as text, which every DuckDB release takes (their enums moved module).
        con.create_function(  # type: ignore[call-overload]
            name, body, None, _sql_type(kind), type="arrow", null_handling="special"
        )
    return list(made)
