"""Assertions for pytest with readable failures.

Examples:
    >>> import pollutrack as pt
    >>> m = pt.Mapping.from_dict({"s": {"a": "A"}})
    >>> pt.testing.assert_no_unmapped(m.apply({"s": ["a", None]}))
    >>> pt.testing.assert_no_drift(m, {"s": ["A"]})
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from typing import Any

from pollutrack import quality
from pollutrack.mapping import Mapping, MappingResult, PathLike

__all__ = ["assert_no_drift", "assert_no_unmapped", "assert_quality", "assert_reconciled"]


def assert_no_unmapped(result: MappingResult, *, max_values: int = 20) -> None:
    """Fails, listing each unmapped value with count, first row and suggestion, if any.

    Examples:
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

    Examples:
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


def _failures(rows: list[dict[str, Any]], name: str) -> list[str]:
    lines = []
    for r in rows:
        if not r["passed"]:
            where = f" {r['column']}" if r.get("column") else ""
            examples = f"; e.g. {', '.join(r['examples'][:5])}" if r["examples"] else ""
            lines.append(f"  {r[name]}{where}: {r['detail']}{examples}")
    return lines


def assert_quality(data: Any, rules: Sequence[quality.Rule], *, max_examples: int = 5) -> None:
    """Fails, listing every rule of severity ``"error"`` that did not pass, with its examples.

    Rules of severity ``"warn"`` that fail do not fail the test: they are issued as one
    :class:`~pollutrack.quality.QualityWarning` (and listed after the errors when the
    assertion fails).

    Examples:
        >>> import pollutrack as pt
        >>> from pollutrack import quality as q
        >>> pt.testing.assert_quality({"aqi": [10, 900]}, [q.in_range("aqi", 0, 500)])
        Traceback (most recent call last):
        ...
        AssertionError: 1 of 1 quality rules failed:
          in_range aqi: outside [0, 500] or NaN; nulls not checked; e.g. 900
    """
    rows = quality.check(data, rules, max_examples=max_examples).to_pylist()
    failed = _failures([r for r in rows if r["severity"] == "error"], "rule")
    warned = _failures([r for r in rows if r["severity"] == "warn"], "rule")
    if failed:
        also = ["and rules of severity warn:", *warned] if warned else []
        raise AssertionError(
            f"{len(failed)} of {len(rows)} quality rules failed:\n" + "\n".join(failed + also)
        )
    if warned:
        message = f"{len(warned)} quality rules of severity warn failed:\n" + "\n".join(warned)
        warnings.warn(quality.QualityWarning(message), stacklevel=2)


def assert_reconciled(
    source: Any, target: Any, *, key: str | Sequence[str] | None = None, max_examples: int = 5
) -> None:
    """Fails when rows in and out differ or, with a key, keys went missing, appeared or repeat.

    Examples:
        >>> import pollutrack as pt
        >>> pt.testing.assert_reconciled({"id": [1, 2]}, {"id": [1, 3]}, key="id")
        Traceback (most recent call last):
        ...
        AssertionError: source and target do not reconcile:
          keys_missing_from_target: 1 source keys not in the target (key: id); e.g. 2
          keys_added_in_target: 1 target keys not in the source (key: id); e.g. 3
    """
    rows = quality.reconcile(source, target, key=key, max_examples=max_examples).to_pylist()
    failed = _failures(rows, "check")
    if failed:
        raise AssertionError("source and target do not reconcile:\n" + "\n".join(failed))
