"""Stubs of ``pollutrack._core.io``: JSON reading: whole files and streams."""

from collections.abc import Sequence
from os import PathLike
from typing import Any, final

import pyarrow as pa

__all__ = [
    "JsonReader",
    "read_json",
]

def read_json(
    paths: Sequence[str | PathLike[str]],
    *,
    schema: Any = None,
    format: str = "auto",
    on_error: str = "quarantine",
    flatten: bool = False,
    infer_rows: int = 10000,
    chunk_bytes: int = 524288,
) -> tuple[pa.Table, pa.Table]: ...

@final
class JsonReader:
    def __new__(
        cls,
        paths: Sequence[str | PathLike[str]],
        *,
        schema: Any = None,
        format: str = "auto",
        on_error: str = "quarantine",
        flatten: bool = False,
        infer_rows: int = 10000,
        chunk_bytes: int = 524288,
        batch_rows: int = 65536,
    ) -> JsonReader: ...
    def schema(self) -> pa.Schema: ...
    def next_batch(self) -> tuple[pa.RecordBatch, pa.RecordBatch] | None: ...
