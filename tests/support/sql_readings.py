"""Random readings for the SQL functions' tests (Spark and DuckDB), any standard.

Each measure column holds nulls, negatives, NaN, infinities, values beyond the top of the
standard's table and its band limits, besides ordinary values; the expected results always
come from the engine itself (``pt.aqi.compute``, ``pt.aqi.subindex``), never from here.
"""

from __future__ import annotations

import json
import random

import pollutrack as pt
import pyarrow as pa
import pyarrow.compute as pc
from pollutrack import _core

#: Standards the SQL tests cover: linear tables, bands (EEA), a formula (AQHI), China's extra
#: outputs.
STANDARDS = ["us_epa_2024", "eu_eaqi_2024", "ca_aqhi", "cn_hj633_2012"]


def measures(standard: str) -> list[str]:
    """The standard's measure keys, as ``pt.aqi.standards()`` lists them."""
    table = pt.aqi.standards()
    return table.filter(pc.equal(table["standard"], standard))["measure"].to_pylist()


def _limits(standard: str, measure: str) -> list[float]:
    """The printed band limits of a measure (none for a formula)."""
    spec = json.loads(_core.aqi.standard_spec(standard)[2])
    m = next(m for m in spec["measures"] if m["key"] == measure)
    out = []
    for row in m.get("rows", []):
        out += [float(v) for v in row[:2] if v is not None]
    return out


def readings(n: int, seed: int, standard: str = "us_epa_2024") -> pa.Table:
    """``id`` then one float64 column per measure of ``standard``, named by its key."""
    rng = random.Random(seed)
    columns: dict[str, pa.Array] = {"id": pa.array(range(n), pa.int64())}
    for measure in measures(standard):
        limits = _limits(standard, measure)
        top = max(limits) if limits else 200.0

        def value(limits: list[float] = limits, top: float = top) -> float | None:
            u = rng.random()
            if u < 0.03:
                return None
            if u < 0.04:
                return -rng.choice([1.0, 0.001])
            if u < 0.05:
                return float("nan")
            if u < 0.055:
                return float("inf")
            if u < 0.09:
                return top * rng.uniform(1.0, 3.0)  # beyond the table
            if u < 0.25 and limits:
                return rng.choice(limits)
            return round(rng.uniform(0, top), 3)

        columns[measure] = pa.array([value() for _ in range(n)], pa.float64())
    return pa.table(columns)


def expected(table: pa.Table, **options: object) -> list[dict]:
    """The engine's appended columns (every one), row by row."""
    out = pt.aqi.compute(table, output="arrow", **options)
    return out.drop_columns(table.column_names).to_pylist()
