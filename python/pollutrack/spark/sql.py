"""A native Spark SQL expression for the US EPA AQI, built from the breakpoint tables.

For jobs that want the AQI without Python workers. The expression reproduces the engine's
truncation with the same IEEE double operations (``q = x * scale``, ``q + (1e-9 + q * 1e-12)``,
floor), then interpolates in exact integer arithmetic (``DIV``, DECIMAL(38, 0) above the table),
so it gives the same AQI as :func:`pollutrack.aqi.compute` on double columns, a negative
reading included (rated as 0 under the US EPA rule, or no index with ``negative="null"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pollutrack import aqi

if TYPE_CHECKING:
    from pyspark.sql import Column

__all__ = ["aqi_category_column", "aqi_column"]

_INT_MAX = 2_147_483_647


def _double(value: float) -> str:
    return f"CAST('{value!r}' AS DOUBLE)"


class _Measure:
    """SQL fragments of one measure: validity, truncated count, sub-index, beyond test."""

    def __init__(
        self, measure: Mapping[str, Any], column: str, standard: str, beyond: str, zero: bool
    ) -> None:
        scale = 10 ** int(measure["decimals"])  # the resolution the engine truncates to
        x = f"CAST(`{column.replace('`', '``')}` AS DOUBLE)"
        if zero:  # a finite negative reading is rated as 0; -inf stays invalid
            x = f"(CASE WHEN {x} < 0 AND {x} > {_double(float('-inf'))} THEN 0.0D ELSE {x} END)"
        self.valid = (
            f"({x} IS NOT NULL AND NOT isnan({x}) AND {x} >= 0 AND {x} < {_double(float('inf'))})"
        )
        q = f"({x} * {_double(float(scale))})"
        self.count = f"FLOOR({q} + ({_double(1e-9)} + {q} * {_double(1e-12)}))"
        table = aqi.breakpoints(standard).to_pylist()
        rows = [r for r in table if r["measure"] == measure["key"]]
        self.first = round(rows[0]["conc_lo"] * scale)
        cases = []
        for r in rows:
            lo, hi = round(r["conc_lo"] * scale), round(r["conc_hi"] * scale)
            span, den = r["aqi_hi"] - r["aqi_lo"], hi - lo
            # Rows are contiguous, so after the first condition "c <= hi" picks the row.
            cases.append(
                f"WHEN {self.count} <= {hi} THEN "
                f"{r['aqi_lo']} + ((2 * {span} * ({self.count} - {lo}) + {den}) DIV {2 * den})"
            )
        top = rows[-1]
        self.top = round(top["conc_hi"] * scale)
        self.extendable = top["aqi_hi"] >= 500
        self.beyond = (
            f"({self.valid} AND {self.count} > {self.top})" if self.extendable else "FALSE"
        )
        if self.extendable and beyond != "null":
            if beyond == "cap":
                value = str(top["aqi_hi"])
            else:  # extend the top row, in DECIMAL(38, 0) so huge values cannot overflow
                lo, span = round(top["conc_lo"] * scale), top["aqi_hi"] - top["aqi_lo"]
                den = self.top - lo
                dec = f"CAST({self.count} AS DECIMAL(38, 0))"
                value = (
                    f"CAST(LEAST({top['aqi_lo']} + ((2 * {span} * ({dec} - {lo}) + {den}) "
                    f"DIV {2 * den}), {_INT_MAX}) AS INT)"
                )
            cases.append(f"WHEN {self.count} > {self.top} THEN {value}")
        # The count sits in the first condition so that Spark evaluates it once per row
        # (subexpression elimination only looks there in a CASE).
        self.subindex = (
            f"(CASE WHEN NOT ({self.valid} AND {self.count} >= {self.first}) THEN NULL "
            f"{' '.join(cases)} ELSE NULL END)"
        )


def aqi_column(
    columns: Mapping[str, str],
    *,
    standard: str = "us_epa_2024",
    beyond: str = "extend",
    negative: str | None = None,
) -> Column:
    """The overall AQI (int) as a Spark SQL Column, identical to ``pt.aqi.compute``'s ``aqi``.

    The column is named ``aqi``, as :func:`pollutrack.spark.with_aqi` names it.

    Args:
        columns: measure -> column name (pm25, pm10, o3_8h or o3, o3_1h, co, so2_1h or so2,
            so2_24h, no2); values in the tables' units (ug/m3, ppm for O3 and CO, ppb for SO2
            and NO2) as doubles.
        standard: a US EPA table (``us_epa_2024``, ``us_epa_2012``, ``us_epa_1999``).
        beyond: ``"extend"``, ``"cap"`` or ``"null"``, as in :func:`pollutrack.aqi.compute`.
        negative: ``"zero"`` (a negative reading is rated as 0, as EPA publishes it) or
            ``"null"`` (no index), as in :func:`pollutrack.aqi.compute`. Default (``None``):
            the standard's own (``"zero"`` for every US EPA table).
    """
    from pyspark.sql import functions as sf

    std = aqi.Standard(standard)
    if not std.id.startswith("us_epa_"):
        raise ValueError(
            f"aqi_column builds the US EPA truncate-and-interpolate rule; for {standard} use "
            "pollutrack.spark.with_aqi, which runs every standard's own rules"
        )
    if beyond not in ("extend", "cap", "null"):
        raise ValueError(f"beyond must be 'extend', 'cap' or 'null', not '{beyond}'")
    negative = negative or std.to_dict()["negative"]
    if negative not in ("zero", "null"):
        raise ValueError(f"negative must be 'zero' or 'null', not '{negative}'")
    m = {}
    for name, col in columns.items():  # keys and aliases as the standard reads them
        measure = std.measure(name)
        m[measure["key"]] = _Measure(measure, col, standard, beyond, negative == "zero")
    pollutants, used_beyond = [], []
    for key in ("pm25", "pm10", "co", "no2"):
        if key in m:
            pollutants.append(m[key].subindex)
            used_beyond.append(m[key].beyond)
    if "o3_8h" in m or "o3_1h" in m:
        parts = [m[k].subindex for k in ("o3_8h", "o3_1h") if k in m]
        pollutants.append(f"GREATEST({', '.join(parts)})" if len(parts) > 1 else parts[0])
        used_beyond += [m[k].beyond for k in ("o3_1h",) if k in m]
    if "so2_1h" in m or "so2_24h" in m:
        s1, s24 = m.get("so2_1h"), m.get("so2_24h")
        rated24 = f"({s24.valid} AND {s24.count} >= 305)" if s24 else "FALSE"
        sub24 = s24.subindex if s24 else "NULL"
        if s1:
            pollutants.append(
                f"(CASE WHEN {s1.valid} THEN (CASE WHEN {s1.count} <= 304 THEN {s1.subindex} "
                f"WHEN {rated24} THEN {sub24} ELSE 200 END) "
                f"WHEN {rated24} THEN {sub24} ELSE NULL END)"
            )
            if s24:
                used_beyond.append(f"({s24.beyond} AND {s1.valid} AND {s1.count} > 304)")
                used_beyond.append(f"({s24.beyond} AND NOT {s1.valid})")
        else:
            pollutants.append(f"(CASE WHEN {rated24} THEN {sub24} ELSE NULL END)")
            used_beyond.append(s24.beyond if s24 else "FALSE")
    overall = f"GREATEST({', '.join(pollutants)})" if len(pollutants) > 1 else pollutants[0]
    if beyond == "null" and used_beyond:
        overall = f"(CASE WHEN {' OR '.join(used_beyond)} THEN NULL ELSE {overall} END)"
    return sf.expr(f"CAST({overall} AS INT)").alias("aqi")


def aqi_category_column(index: Column, *, standard: str = "us_epa_2024") -> Column:
    """The category name of an AQI column, from :func:`pollutrack.aqi.categories`.

    The column is named ``aqi_category``.
    """
    from pyspark.sql import functions as sf

    # Highest category first: a chained CASE WHEN stops at the first match.
    expr = None
    for cat in reversed(aqi.categories(standard).to_pylist()):
        cond = index >= cat["aqi_lo"]
        expr = sf.when(cond, cat["category"]) if expr is None else expr.when(cond, cat["category"])
    assert expr is not None
    return expr.alias("aqi_category")
