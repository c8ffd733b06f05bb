"""Helpers that write real mapping workbooks (openpyxl), ODS (pandas + odfpy) and JSON files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl


def write_xlsx(
    path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *, hidden: Sequence[str] = ()
) -> Path:
    """Writes one worksheet per key, rows as given (the first row is usually the header).

    ``hidden``: worksheets saved hidden (as Excel's "Hide" does); ``"veryHidden"`` states are
    set by writing ``name:very`` in it.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        if name in hidden:
            ws.sheet_state = "hidden"
        elif f"{name}:very" in hidden:
            ws.sheet_state = "veryHidden"
    wb.save(path)
    return path


def write_json(path: Path, value: Any, *, bom: bool = False) -> Path:
    """Writes ``value`` as JSON; ``bom``: with a UTF-8 byte-order mark, as Windows tools do."""
    path.write_text(json.dumps(value), encoding="utf-8-sig" if bom else "utf-8")
    return path


STATUS_RULES = [
    ("field", "source", "target"),
    ("status", "open", "Open"),
    ("status", "closed", "Closed"),
    ("status", "wip", "In progress"),
    ("dept", "Finance", "FIN"),
    ("dept", "HR", "HR"),
]
