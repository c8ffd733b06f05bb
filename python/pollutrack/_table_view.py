"""A report that is a pyarrow Table to code and a readable HTML table to Jupyter.

``pyarrow.Table`` cannot be subclassed, so the quality report and the drift result are a thin
wrapper: every attribute and method not defined here is the Table's (``to_pylist``,
``column``, ``select``, ``num_rows``, ``schema`` ...), ``report[...]`` and ``len(report)`` are
the Table's, it compares equal to an equal Table, and it exports the Arrow PyCapsule stream
interface, so ``pyarrow.table(report)``, ``polars.DataFrame(report)`` and pollutrack's own
functions take it as they take the Table. ``.table`` is the plain Table (for
``pyarrow.parquet.write_table`` and other code that checks ``isinstance``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa


class TableView:
    """A pyarrow Table with a ``_repr_html_``; see the module docstring."""

    __slots__ = ("table",)

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not defined here: the Table's own API.
        if name == "table":  # not yet set (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.table, name)

    def __getitem__(self, key: Any) -> Any:
        return self.table[key]

    def __len__(self) -> int:
        return len(self.table)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TableView):
            other = other.table
        return isinstance(other, pa.Table) and self.table.equals(other)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking, like the Table

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self.table.__arrow_c_stream__(requested_schema)

    def __getstate__(self) -> pa.Table:
        return self.table

    def __setstate__(self, state: pa.Table) -> None:
        self.table = state

    def __repr__(self) -> str:
        return f"{type(self).__name__}\n{self.table}"


def escape(value: Any) -> str:
    """A cell's text, HTML-escaped; None is blank and lists are comma-joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return html.escape(", ".join(str(v) for v in value))
    return html.escape(str(value))


#: The look of a pass, a failure and a warning, readable without colour too.
BADGES = {
    "pass": '<span style="color:#137333;font-weight:bold">&#10004; pass</span>',
    "fail": '<span style="color:#c5221f;font-weight:bold">&#10008; FAIL</span>',
    "warn": '<span style="color:#b06000;font-weight:bold">&#9888; warn</span>',
}


def html_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    title: str,
    summary: str,
    badge: str = "",
    total: int | None = None,
    shown: int | None = None,
) -> str:
    """An HTML block: a bold title, a badge and a summary line, then a table of escaped cells.

    Examples:
        >>> print(html_table(["a"], [[escape("<b>")]], title="T", summary="1 row"))
        ... # doctest: +ELLIPSIS
        <div class="pollutrack-report"><p><b>T</b>: 1 row</p><table>...&lt;b&gt;</td>...
    """
    head = "".join(f'<th style="text-align:left">{html.escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:left">{c}</td>' for c in row) + "</tr>"
        for row in rows
    )
    more = ""
    if total is not None and shown is not None and total > shown:
        more = f"<p>... and {total - shown} more rows (the Table has them all)</p>"
    return (
        f'<div class="pollutrack-report"><p><b>{html.escape(title)}</b>: '
        f"{badge + ' ' if badge else ''}{html.escape(summary)}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</div>"
    )
