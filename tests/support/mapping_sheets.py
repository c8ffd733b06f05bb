"""Helpers that write real mapping workbooks (openpyxl), ODS (pandas + odfpy) and JSON files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """Writes one worksheet per key, rows as given (the first row is usually the header)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


STATUS_RULES = [
    ("field", "source", "target"),
    ("status", "open", "Open"),
    ("status", "closed", "Closed"),
    ("status", "wip", "In progress"),
    ("dept", "Finance", "FIN"),
    ("dept", "HR", "HR"),
]
