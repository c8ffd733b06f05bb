"""A slow, obviously-correct pure-Python account of which rows each row rule fails, and of
whether ``mostly`` lets it pass (the share compared as the decimal written)."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from typing import Any


def _nan(v: Any) -> bool:
    return isinstance(v, float) and math.isnan(v)


def failing_rows(rows: list[dict[str, Any]], rule: dict[str, Any]) -> list[int]:
    """The row numbers (from 0) that ``rule`` fails, in order; [] for table rules."""
    kind = rule["rule"]
    if kind == "not_null":
        c, allow = rule["column"], rule.get("allow_nan", False)
        return [i for i, r in enumerate(rows) if r[c] is None or (not allow and _nan(r[c]))]
    if kind == "in_range":
        c = rule["column"]
        lo = -math.inf if rule.get("min") is None else rule["min"]
        hi = math.inf if rule.get("max") is None else rule["max"]
        return [
            i
            for i, r in enumerate(rows)
            if r[c] is not None and (_nan(r[c]) or not lo <= r[c] <= hi)
        ]
    if kind == "accepted_values":
        c, ok = rule["column"], set(rule["values"])
        return [i for i, r in enumerate(rows) if r[c] is not None and str(r[c]) not in ok]
    if kind == "unique":
        keys = [tuple(r[c] for c in rule["columns"]) for r in rows]
        seen = Counter(keys)
        return [i for i, k in enumerate(keys) if seen[k] > 1]
    return []


def passes(rule: dict[str, Any], failing: int, rows: int) -> bool:
    """A row rule's verdict: no failing row, or at least ``mostly`` of the rows passing."""
    mostly = rule.get("mostly")
    if mostly is None:
        return failing == 0
    return rows == 0 or Fraction(rows - failing, rows) >= Fraction(repr(float(mostly)))
