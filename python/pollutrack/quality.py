"""Data-quality checks that pipelines and pytest suites assert on, computed in Rust.

Examples:
    >>> import pyarrow as pa
    >>> import pollutrack as pt
    >>> from pollutrack import quality as q
    >>> data = pa.table({"aqi": [10, None, 600], "aqi_category": ["Good", "Good", "Hazardous"]})
    >>> report = pt.quality.check(data, [q.not_null("aqi"), q.in_range("aqi", 0, 500),
    ...                                  q.accepted_values("aqi_category", ["Good", "Hazardous"])])
    >>> report.select(["rule", "passed", "failing_rows", "example_rows"]).to_pylist()[1]
    {'rule': 'in_range', 'passed': False, 'failing_rows': 1, 'example_rows': [2]}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from pollutrack import _core
from pollutrack._input import as_arrow_tabular

__all__ = [
    "accepted_values",
    "check",
    "freshness",
    "in_range",
    "not_null",
    "reconcile",
    "row_count",
    "unique",
]

Rule = dict[str, Any]


def not_null(column: str, *, allow_nan: bool = False) -> Rule:
    """No null values; NaN fails too (counted apart in ``detail``) unless ``allow_nan``."""
    return {"rule": "not_null", "column": column, "allow_nan": allow_nan}


def in_range(column: str, min: float | None = None, max: float | None = None) -> Rule:
    """Numbers within ``[min, max]`` (either bound optional); nulls are not checked, NaN fails."""
    return {"rule": "in_range", "column": column, "min": min, "max": max}


def accepted_values(column: str, values: Iterable[Any]) -> Rule:
    """Values (compared as text) among ``values``; nulls are not checked."""
    return {"rule": "accepted_values", "column": column, "values": [str(v) for v in values]}


def unique(*columns: str) -> Rule:
    """No two rows share the key made of ``columns``."""
    return {"rule": "unique", "columns": list(columns)}


def row_count(min: int | None = None, max: int | None = None) -> Rule:
    """The number of rows within ``[min, max]``."""
    return {"rule": "row_count", "min": min, "max": max}


def freshness(
    column: str, max_age: dt.timedelta | float, *, as_of: dt.datetime | None = None
) -> Rule:
    """The newest timestamp in ``column`` is at most ``max_age`` older than ``as_of`` (now)."""
    seconds = max_age.total_seconds() if isinstance(max_age, dt.timedelta) else float(max_age)
    rule: Rule = {"rule": "freshness", "column": column, "max_age_seconds": seconds}
    if as_of is not None:
        rule["as_of"] = _epoch(as_of)
    return rule


def _epoch(moment: dt.datetime) -> float:
    # Naive datetimes are read as UTC, like naive Arrow timestamps.
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def check(data: Any, rules: Sequence[Rule], *, max_examples: int = 5) -> pa.Table:
    """Runs every rule over ``data`` (rules in parallel); one report row per rule, in order.

    Args:
        data: any Arrow tabular data.
        rules: built with the functions of this module, or the same dicts written out.
        max_examples: how many failing values and row numbers each report row keeps.

    Returns:
        ``rule``, ``column``, ``passed``, ``failing_rows``, ``examples`` (failing values as
        text), ``example_rows`` (their row numbers, from 0) and ``detail``.
    """
    now = dt.datetime.now(dt.UTC).timestamp()
    filled = [
        {**r, "as_of": r.get("as_of", now)} if r.get("rule") == "freshness" else r for r in rules
    ]
    payload = json.dumps([{k: v for k, v in r.items() if v is not None} for r in filled])
    return _core.quality.check(as_arrow_tabular(data), payload, max_examples=max_examples)


def reconcile(
    source: Any, target: Any, *, key: str | Sequence[str] | None = None, max_examples: int = 5
) -> pa.Table:
    """Compares what went in with what came out.

    Returns one row per check (``check``, ``passed``, ``value``, ``examples``, ``detail``):
    ``row_count`` (value: target rows minus source rows) and, with a ``key``,
    ``keys_missing_from_target``, ``keys_added_in_target``, ``duplicate_keys_in_source`` and
    ``duplicate_keys_in_target`` (value: how many keys).

    Examples:
        >>> import pollutrack as pt
        >>> out = pt.quality.reconcile({"id": [1, 2, 3]}, {"id": [1, 2, 4]}, key="id")
        >>> out.select(["check", "value", "examples"]).to_pylist()[1]
        {'check': 'keys_missing_from_target', 'value': 1, 'examples': ['3']}
    """
    keys = [key] if isinstance(key, str) else (list(key) if key is not None else None)
    return _core.quality.reconcile(
        as_arrow_tabular(source), as_arrow_tabular(target), key=keys, max_examples=max_examples
    )
