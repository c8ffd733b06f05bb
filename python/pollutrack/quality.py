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
from typing import Any, Literal

import pyarrow as pa

from pollutrack import _core
from pollutrack._input import as_arrow_tabular
from pollutrack._table_view import BADGES, TableView, escape, html_table

__all__ = [
    "QualityReport",
    "QualityWarning",
    "Severity",
    "accepted_values",
    "check",
    "failures",
    "freshness",
    "in_range",
    "not_null",
    "reconcile",
    "row_count",
    "unique",
]

Rule = dict[str, Any]
#: ``"error"`` (the default): a failure fails the run; ``"warn"``: it is reported only.
Severity = Literal["error", "warn"]


class QualityWarning(UserWarning):
    """A rule of severity ``"warn"`` failed (``pt.testing.assert_quality`` warns with it)."""


def _rule(kind: str, severity: Severity, mostly: float | None, **fields: Any) -> Rule:
    rule: Rule = {"rule": kind, **fields}
    if severity != "error":
        rule["severity"] = severity
    if mostly is not None:
        rule["mostly"] = mostly
    return rule


def not_null(
    column: str,
    *,
    allow_nan: bool = False,
    severity: Severity = "error",
    mostly: float | None = None,
) -> Rule:
    """No null values; NaN fails too (counted apart in ``detail``) unless ``allow_nan``.

    Every row rule takes ``severity`` (``"error"`` or ``"warn"``: only errors fail a run) and
    ``mostly``: the rule passes when at least that share of rows passes (``0.99``).
    """
    return _rule("not_null", severity, mostly, column=column, allow_nan=allow_nan)


def in_range(
    column: str,
    min: float | None = None,
    max: float | None = None,
    *,
    severity: Severity = "error",
    mostly: float | None = None,
) -> Rule:
    """Numbers within ``[min, max]`` (either bound optional); nulls are not checked, NaN fails."""
    return _rule("in_range", severity, mostly, column=column, min=min, max=max)


def accepted_values(
    column: str,
    values: Iterable[Any],
    *,
    severity: Severity = "error",
    mostly: float | None = None,
) -> Rule:
    """Values (compared as text) among ``values``; nulls are not checked."""
    return _rule(
        "accepted_values", severity, mostly, column=column, values=[str(v) for v in values]
    )


def unique(*columns: str, severity: Severity = "error", mostly: float | None = None) -> Rule:
    """No two rows share the key made of ``columns``."""
    return _rule("unique", severity, mostly, columns=list(columns))


def row_count(
    min: int | None = None, max: int | None = None, *, severity: Severity = "error"
) -> Rule:
    """The number of rows within ``[min, max]`` (a table rule: no ``mostly``)."""
    return _rule("row_count", severity, None, min=min, max=max)


def freshness(
    column: str,
    max_age: dt.timedelta | float,
    *,
    as_of: dt.datetime | None = None,
    severity: Severity = "error",
) -> Rule:
    """The newest timestamp in ``column`` is at most ``max_age`` older than ``as_of`` (now)."""
    seconds = max_age.total_seconds() if isinstance(max_age, dt.timedelta) else float(max_age)
    rule = _rule("freshness", severity, None, column=column, max_age_seconds=seconds)
    if as_of is not None:
        rule["as_of"] = _epoch(as_of)
    return rule


def _epoch(moment: dt.datetime) -> float:
    # Naive datetimes are read as UTC, like naive Arrow timestamps.
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


class QualityReport(TableView):
    """What :func:`check` returns: the report Table (one row per rule), plus the failing rows.

    It is the report's ``pyarrow.Table`` to code (``report.to_pylist()``, ``report.column(...)``
    ...; ``report.table`` is the plain Table) and a pass/fail table in Jupyter.

    Attributes:
        failures: with ``check(..., failures=True)``, the failing rows (see :func:`failures`);
            else None.
    """

    __slots__ = ("failures",)

    def __init__(self, table: pa.Table, failures: pa.Table | None = None) -> None:
        super().__init__(table)
        self.failures = failures

    def __getstate__(self) -> Any:
        return (self.table, self.failures)

    def __setstate__(self, state: Any) -> None:
        self.table, self.failures = state

    @property
    def passed(self) -> bool:
        """True when every rule of severity ``"error"`` passed (warnings do not count)."""
        return not any(r["severity"] == "error" and not r["passed"] for r in self._rows())

    def _rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.table.select(
            ["rule", "column", "passed", "severity"]
        ).to_pylist()
        return rows

    def summary(self) -> str:
        """One line: rules passed, errors and warnings failed.

        Examples:
            >>> import pollutrack as pt
            >>> from pollutrack import quality as q
            >>> rules = [q.not_null("x"), q.in_range("x", 0, 1, severity="warn")]
            >>> pt.quality.check({"x": [0.5, 2.0]}, rules).summary()
            '1 of 2 rules passed; 0 errors, 1 warning failed'
        """
        rows = self._rows()
        ok = sum(r["passed"] for r in rows)
        errors = sum(not r["passed"] and r["severity"] == "error" for r in rows)
        warnings = sum(not r["passed"] and r["severity"] == "warn" for r in rows)
        return (
            f"{ok} of {len(rows)} rule{'s' * (len(rows) != 1)} passed; "
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} failed"
        )

    def _repr_html_(self) -> str:
        rows = self.table.to_pylist()
        cells = [
            [
                BADGES["pass" if r["passed"] else ("warn" if r["severity"] == "warn" else "fail")],
                escape(r["rule"]),
                escape(r["column"]),
                escape(r["severity"]),
                escape(r["failing_rows"]),
                escape(r["mostly"]),
                escape(r["examples"]),
                escape(r["detail"]),
            ]
            for r in rows
        ]
        headers = ["status", "rule", "column", "severity", "failing rows", "mostly"]
        return html_table(
            [*headers, "examples", "detail"],
            cells,
            title="Quality report",
            summary=self.summary(),
            badge=BADGES["pass" if self.passed else "fail"],
        )


def _payload(rules: Sequence[Rule]) -> str:
    now = dt.datetime.now(dt.UTC).timestamp()
    filled = [
        {**r, "as_of": r.get("as_of", now)} if r.get("rule") == "freshness" else r for r in rules
    ]
    return json.dumps([{k: v for k, v in r.items() if v is not None} for r in filled])


def check(
    data: Any, rules: Sequence[Rule], *, max_examples: int = 5, failures: bool = False
) -> QualityReport:
    """Runs every rule over ``data`` (rules in parallel); one report row per rule, in order.

    Args:
        data: any Arrow tabular data.
        rules: built with the functions of this module, or the same dicts written out
            (``{"rule": "not_null", "column": "aqi", "severity": "warn", "mostly": 0.99}``).
        max_examples: how many failing values and row numbers each report row keeps.
        failures: also collect every failing row (``report.failures``, see :func:`failures`).

    Returns:
        A :class:`QualityReport`: ``rule``, ``column``, ``passed``, ``failing_rows``,
        ``examples`` (failing values as text), ``example_rows`` (their row numbers, from 0),
        ``detail``, ``severity`` and ``mostly``. A row rule with ``mostly`` passes when at least
        that share of all rows passes; a rule of severity ``"warn"`` is judged the same way, but
        only errors make ``report.passed`` False (and fail a command-line run).

    Examples:
        >>> import pollutrack as pt
        >>> from pollutrack import quality as q
        >>> data = {"aqi": [10, 20, 30, 900]}
        >>> report = pt.quality.check(data, [q.in_range("aqi", 0, 500, mostly=0.75)])
        >>> report.select(["passed", "failing_rows", "detail"]).to_pylist()
        [{'passed': True, 'failing_rows': 1, 'detail': 'outside [0, 500] or NaN; nulls not \
checked; 3 of 4 rows pass (mostly 0.75)'}]
    """
    report, failing = _core.quality.check(
        as_arrow_tabular(data), _payload(rules), max_examples=max_examples, failures=failures
    )
    return QualityReport(report, failing)


def failures(data: Any, rules: Sequence[Rule]) -> pa.Table:
    """The failing rows themselves: one row per (row rule, failing row), rule by rule.

    Columns: ``rule_index`` (the rule's position in ``rules``), ``rule``, ``rule_column``,
    ``severity``, ``row_number`` (from 0), then every column of ``data`` for that row. A row
    that fails two rules appears twice; table rules (``row_count``, ``freshness``) have no
    failing rows. A data column named like one of the first five is an
    :class:`~pollutrack.InvalidSpecError`.

    Examples:
        >>> import pollutrack as pt
        >>> from pollutrack import quality as q
        >>> rows = pt.quality.failures({"site": ["A", "B"], "aqi": [10, 900]},
        ...                            [q.in_range("aqi", 0, 500)])
        >>> rows.to_pylist()
        [{'rule_index': 0, 'rule': 'in_range', 'rule_column': 'aqi', 'severity': 'error', \
'row_number': 1, 'site': 'B', 'aqi': 900}]
    """
    failing = check(data, rules, max_examples=0, failures=True).failures
    assert failing is not None
    return failing


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
