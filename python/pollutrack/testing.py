"""Assertions for pytest with readable failures.

Example:
    >>> import pollutrack as pt
    >>> m = pt.Mapping.from_dict({"s": {"a": "A"}})
    >>> pt.testing.assert_no_unmapped(m.apply({"s": ["a", None]}))
    >>> pt.testing.assert_no_drift(m, {"s": ["A"]})
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from typing import Any

from pollutrack.mapping import Mapping, MappingResult, PathLike

__all__ = ["assert_no_drift", "assert_no_unmapped"]


def assert_no_unmapped(result: MappingResult, *, max_values: int = 20) -> None:
    """Fails, listing each unmapped value with count, first row and suggestion, if any.

    Example:
        >>> import pollutrack as pt
        >>> m = pt.Mapping.from_dict({"s": {"a": "A"}})
        >>> pt.testing.assert_no_unmapped(m.apply({"s": ["a", "A "]}))
        Traceback (most recent call last):
        ...
        AssertionError: 1 of 2 values unmapped (1 distinct value):
          s: 'A ' x1, first row 1; did you mean 'a'?
    """
    if result.unmapped:
        raise AssertionError(result.summary(max_values))


def assert_no_drift(
    mapping: Mapping, allowed: MappingABC[str, Any] | PathLike, *, max_rows: int = 20
) -> None:
    """Fails, listing each drift row (see :meth:`Mapping.drift`), if the sheet has drifted.

    Example:
        >>> import pollutrack as pt
        >>> m = pt.Mapping.from_dict({"s": {"a": "Open"}})
        >>> pt.testing.assert_no_drift(m, {"s": ["open", "Done"]})
        Traceback (most recent call last):
        ...
        AssertionError: the mapping has drifted from the allowed values (2 findings):
          s: likely_rename 'Open' -> 'open' (dict row 1)
          s: unreached 'Done': allowed option that no rule maps to
    """
    rows = mapping.drift(allowed).to_pylist()
    if not rows:
        return
    lines = [
        f"the mapping has drifted from the allowed values "
        f"({len(rows)} finding{'s' * (len(rows) != 1)}):"
    ]
    for r in rows[:max_rows]:
        where = f" ({r['sheet']} row {r['row']})" if r["sheet"] is not None else ""
        if r["kind"] == "likely_rename":
            lines.append(
                f"  {r['field']}: likely_rename {r['value']!r} -> {r['suggestion']!r}{where}"
            )
        else:
            lines.append(f"  {r['field']}: {r['kind']} {r['value']!r}: {r['detail']}{where}")
    if len(rows) > max_rows:
        lines.append(f"  ... and {len(rows) - max_rows} more")
    raise AssertionError("\n".join(lines))
