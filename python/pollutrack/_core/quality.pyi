"""Stubs of ``pollutrack._core.quality``: Data-quality checks and reconciliation."""

from typing import Any

import pyarrow as pa

__all__ = [
    "check",
    "reconcile",
]

def check(
    data: Any, rules: str, *, max_examples: int = 5, failures: bool = False
) -> tuple[pa.Table, pa.Table | None]: ...
def reconcile(
    source: Any, target: Any, *, key: list[str] | None = None, max_examples: int = 5
) -> pa.Table: ...
