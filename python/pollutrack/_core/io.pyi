"""Stubs of ``pollutrack._core.io``: JSON reading: whole files and streams."""

from collections.abc import Sequence
from os import PathLike
from typing import Unpack, final

import pyarrow as pa
from pollutrack.io import ReadOptions

__all__ = [
    "JsonReader",
    "read_json",
]

def read_json(
    paths: Sequence[str | PathLike[str]], **options: Unpack[ReadOptions]
) -> tuple[pa.Table, pa.Table, str]: ...

@final
class JsonReader:
    def __new__(
        cls,
        paths: Sequence[str | PathLike[str]],
        *,
        batch_rows: int = 65536,
        **options: Unpack[ReadOptions],
    ) -> JsonReader: ...
    def schema(self) -> pa.Schema: ...
    def next_batch(self) -> tuple[pa.RecordBatch, pa.RecordBatch] | None: ...
