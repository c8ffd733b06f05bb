"""An Excel workbook for the people who maintain a mapping sheet: what to fix, and where.

:func:`write_mapping_report` writes, with XlsxWriter, one worksheet per kind of finding, each row
naming the worksheet and row of the mapping sheet to fix (no hyperlinks: XlsxWriter writes
file links as Windows paths, which other systems cannot follow):

- ``Summary``: the sheet, when, and the counts;
- ``Unmapped values`` (from :meth:`~pollutrack.Mapping.apply`): each value no rule maps, with its
  count, first row in the data (from 0) and suggestion; the row to fix is the rule the
  suggestion names, else the first free row after the field's last rule;
- ``Not allowed``, ``Likely renames``, ``Unreached options`` (from
  :meth:`~pollutrack.Mapping.drift`): targets no longer allowed, renamed options, and allowed
  options no rule reaches (the row to add them at).

Examples:
    >>> import tempfile, pathlib, openpyxl, pollutrack as pt
    >>> m = pt.Mapping.from_dict({"s": {"a": "Open", "b": "Closed"}})
    >>> res = m.apply({"s": ["a", "A", "c"]})
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fix.xlsx"
    >>> _ = pt.workbook.write_mapping_report(path, m, result=res, drift=m.drift({"s": ["Open"]}))
    >>> book = openpyxl.load_workbook(path)
    >>> book.sheetnames
    ['Summary', 'Unmapped values', 'Not allowed', 'Likely renames', 'Unreached options']
    >>> [c.value for c in book["Unmapped values"][2]]
    ['s', 'A', 1, 1, 'a', 'dict', 1, 'add a rule for this spelling, or map with normalize']
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["write_mapping_report"]

#: Excel's last row is 1,048,576; longer lists stop short of it with a note.
MAX_ROWS = 1_000_000

_HEADERS = {
    "Unmapped values": [
        "field",
        "value",
        "count",
        "first row (from 0)",
        "suggestion",
        "worksheet",
        "row",
        "what to do",
    ],
    "Not allowed": ["field", "target", "detail", "worksheet", "row", "what to do"],
    "Likely renames": ["field", "target", "allowed option", "worksheet", "row", "what to do"],
    "Unreached options": ["field", "allowed option", "worksheet", "row", "what to do"],
}


class _Sheet:
    """Where to point for a field: its rules' rows, and the row after the last."""

    def __init__(self, mapping: Any) -> None:
        rules = mapping.rules.to_pylist()
        self.rule = {(r["field"], r["source"]): (r["sheet"], r["row"]) for r in rules}
        self.after: dict[str, tuple[str, int]] = {}
        for r in rules:
            sheet, row = self.after.get(r["field"], (r["sheet"], 0))
            if sheet == r["sheet"]:
                self.after[r["field"]] = (sheet, max(row, r["row"] + 1))
        # drift names target fields; rules are kept by field
        self.field_of = {target: field for field, target in mapping.target_fields.items()}


def write_mapping_report(
    path: str | os.PathLike[str],
    mapping: Any,
    *,
    result: Any = None,
    drift: Any = None,
    sheet_path: str | os.PathLike[str] | None = None,
) -> Path:
    """Writes the workbook to ``path`` (``.xlsx``); returns the path.

    Args:
        path: the workbook to write (replaced if it exists).
        mapping: the :class:`~pollutrack.Mapping` the findings are about.
        result: a :class:`~pollutrack.MappingResult`: its unmapped values.
        drift: the result of ``mapping.drift(...)``: not allowed, renamed and unreached.
        sheet_path: the mapping sheet's file, named in the summary.
    """
    sheet = _Sheet(mapping)
    import xlsxwriter  # imported when used: `import pollutrack` stays light

    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(os.fspath(path), options)
    try:
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        tables: dict[str, list[list[Any]]] = {}
        if result is not None:
            tables["Unmapped values"] = _unmapped(result, sheet)
        if drift is not None:
            tables.update(_drift(drift.to_pylist(), sheet))
        _summary(book.add_worksheet("Summary"), bold, mapping, sheet_path, tables, result)
        for name, rows in tables.items():
            _write(book.add_worksheet(name), bold, _HEADERS[name], rows)
    finally:
        book.close()
    return Path(path)


def _unmapped(result: Any, sheet: _Sheet) -> list[list[Any]]:
    rows = []
    for r in result.report.to_pylist():
        field, suggestion = r["field"], r["suggestion"]
        if suggestion is not None and (field, suggestion) in sheet.rule:
            where = sheet.rule[(field, suggestion)]
            todo = "add a rule for this spelling, or map with normalize"
        else:
            where = sheet.after.get(field, (None, None))
            todo = "add a rule: this value and its target"
        rows.append([field, r["value"], r["count"], r["first_row"], suggestion, *where, todo])
    return rows


def _drift(findings: list[dict[str, Any]], sheet: _Sheet) -> dict[str, list[list[Any]]]:
    out: dict[str, list[list[Any]]] = {
        "Not allowed": [],
        "Likely renames": [],
        "Unreached options": [],
    }
    for f in findings:
        where = [f["sheet"], f["row"]]
        if f["kind"] == "not_allowed":
            todo = "map to an allowed option, or remove the rule"
            out["Not allowed"].append([f["field"], f["value"], f["detail"], *where, todo])
        elif f["kind"] == "likely_rename":
            todo = f"change the target to {f['suggestion']!r}"
            out["Likely renames"].append([f["field"], f["value"], f["suggestion"], *where, todo])
        else:
            field = sheet.field_of.get(f["field"], f["field"])
            add = list(sheet.after.get(field, (None, None)))
            todo = "add a rule mapping a source value to this option, if one should"
            out["Unreached options"].append([f["field"], f["value"], *add, todo])
    return out


def _summary(
    ws: Any,
    bold: Any,
    mapping: Any,
    sheet_path: Any,
    tables: dict[str, list[list[Any]]],
    result: Any,
) -> None:
    lines: list[list[Any]] = [
        ["mapping sheet", str(sheet_path) if sheet_path is not None else "(in memory)"],
        ["written", dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()],
        ["fields", ", ".join(mapping.fields)],
        ["rules", len(mapping)],
    ]
    if result is not None:
        total = sum(result.counts.column("rows").to_pylist())
        lines.append(["values mapped", total - result.unmapped])
        lines.append(["values unmapped", result.unmapped])
    lines += [[f"{name}: rows", len(rows)] for name, rows in tables.items()]
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 60)
    for i, (key, value) in enumerate(lines):
        ws.write_string(i, 0, key, bold)
        _cell(ws, i, 1, value)


def _write(ws: Any, bold: Any, headers: Sequence[str], rows: list[list[Any]]) -> None:
    for col, name in enumerate(headers):
        ws.write_string(0, col, name, bold)
        ws.set_column(col, col, max(12, min(48, len(name) + 4)))
    for i, row in enumerate(rows[:MAX_ROWS], 1):
        for col, value in enumerate(row):
            _cell(ws, i, col, value)
    if len(rows) > MAX_ROWS:
        ws.write_string(MAX_ROWS + 1, 0, f"... and {len(rows) - MAX_ROWS} more rows")
    ws.autofilter(0, 0, max(len(rows[:MAX_ROWS]), 1), len(headers) - 1)
    ws.freeze_panes(1, 0)


def _cell(ws: Any, row: int, col: int, value: Any) -> None:
    # Values are written as what they are: a text '=1+1' stays text, never a formula.
    if value is None:
        ws.write_blank(row, col, None)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    else:
        ws.write_string(row, col, str(value))
