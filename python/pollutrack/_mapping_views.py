"""How the mapping's results look in Jupyter: the drift result and a mapping's report."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pollutrack._table_view import BADGES, TableView, escape, html_table

#: Rows shown in an HTML table; the Table itself has them all.
SHOWN = 50

#: A drift finding's status: a target that is not allowed breaks the target system's import;
#: an allowed option that no rule reaches is only worth a look.
_STATUS = {"not_allowed": "fail", "likely_rename": "fail", "unreached": "warn"}


class DriftReport(TableView):
    """What :meth:`pollutrack.Mapping.drift` returns: the findings Table, readable in Jupyter.

    It is the ``pyarrow.Table`` of findings to code (``.to_pylist()``, ``.column("kind")``,
    ``.num_rows`` ...; ``.table`` is the plain Table), see ``pollutrack._table_view``.
    """

    __slots__ = ()

    def summary(self) -> str:
        """One line: no drift, or how many findings of each kind.

        Examples:
            >>> import pollutrack as pt
            >>> m = pt.Mapping.from_dict({"s": {"a": "Open"}})
            >>> m.drift({"s": ["Open"]}).summary()
            'no drift: every target is allowed and every allowed option is reached'
            >>> m.drift({"s": ["open", "Done"]}).summary()
            '2 findings: 1 likely_rename, 1 unreached'
        """
        kinds = Counter(self.table.column("kind").to_pylist())
        if not kinds:
            return "no drift: every target is allowed and every allowed option is reached"
        total = sum(kinds.values())
        parts = ", ".join(f"{kinds[k]} {k}" for k in _STATUS if kinds[k])
        return f"{total} finding{'s' * (total != 1)}: {parts}"

    def _repr_html_(self) -> str:
        rows = self.table.to_pylist()
        cells = [
            [
                BADGES[_STATUS[r["kind"]]],
                escape(r["field"]),
                escape(r["kind"]),
                escape(r["value"]),
                escape(r["suggestion"]),
                escape(r["detail"]),
                escape(_where(r)),
            ]
            for r in rows[:SHOWN]
        ]
        headers = ["status", "field", "kind", "value", "suggestion", "detail", "sheet row"]
        return html_table(
            headers,
            cells,
            title="Mapping drift",
            summary=self.summary(),
            badge=BADGES["fail" if any(_STATUS[r["kind"]] == "fail" for r in rows) else "pass"],
            total=len(rows),
            shown=SHOWN,
        )


def _where(row: dict[str, Any]) -> str | None:
    return f"{row['sheet']} row {row['row']}" if row.get("sheet") is not None else None


def mapping_result_html(result: Any) -> str:
    """The HTML of a :class:`~pollutrack.MappingResult`: per-field counts, unmapped values.

    Examples:
        >>> import pollutrack as pt
        >>> res = pt.Mapping.from_dict({"s": {"a": "A"}}).apply({"s": ["a", "b"]})
        >>> "1 of 2 values unmapped" in res._repr_html_()
        True
    """
    counts = result.counts.to_pylist()
    fields = [
        [
            BADGES["pass" if c["unmapped"] == 0 else "fail"],
            escape(c["field"]),
            escape(c["column"]),
            escape(c["rows"]),
            escape(c["mapped"]),
            escape(c["unmapped"]),
            escape(c["null_inputs"]),
            escape(c["distinct_unmapped"]),
        ]
        for c in counts
    ]
    total = sum(c["rows"] for c in counts)
    unmapped = result.unmapped
    summary = (
        f"every value mapped ({total} values)"
        if unmapped == 0
        else f"{unmapped} of {total} values unmapped"
    )
    headers = ["status", "field", "column", "rows", "mapped", "unmapped", "null inputs"]
    out = html_table(
        [*headers, "distinct unmapped"],
        fields,
        title="Mapping",
        summary=summary,
        badge=BADGES["pass" if unmapped == 0 else "fail"],
    )
    values = result.report.to_pylist()
    if values:
        cells = [
            [
                escape(v["field"]),
                escape(repr(v["value"])),
                escape(v["count"]),
                escape(v["first_row"]),
                escape(v["suggestion"]),
            ]
            for v in values[:SHOWN]
        ]
        out += html_table(
            ["field", "value", "count", "first row", "suggestion"],
            cells,
            title="Unmapped values",
            summary=f"{len(values)} distinct value{'s' * (len(values) != 1)}",
            total=len(values),
            shown=SHOWN,
        )
    return out
