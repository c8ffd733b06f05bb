"""Shared helpers of the pt.io tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pollutrack as pt

TRUNCATED = "truncated record: it ends inside a value"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def rejected(result: pt.io.ReadResult, *cols: str) -> list[tuple[Any, ...]]:
    cols = cols or ("line", "offset", "reason", "raw")
    rows = result.rejected.select(list(cols)).to_pylist()
    return [tuple(r[c] for c in cols) for r in rows]


def assert_balanced(result: pt.io.ReadResult, records: int) -> None:
    assert result.table.num_rows + result.rejected.num_rows == records
