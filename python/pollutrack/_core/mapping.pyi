"""Stubs of ``pollutrack._core.mapping``: Mapping sheets: loading, apply and drift."""

from collections.abc import Mapping as Mapping_
from os import PathLike
from typing import Any, final

import pyarrow as pa

__all__ = [
    "Mapping",
    "from_csv",
    "from_excel",
    "from_json",
    "from_state",
    "from_table",
]

@final
class Mapping:
    def apply(
        self, data: Any, options: Mapping_[str, object] | None = None
    ) -> tuple[pa.Table, pa.Table, pa.Table]: ...
    def drift(self, allowed_json: str) -> pa.Table: ...
    def rules(self) -> pa.Table: ...
    def duplicates(self) -> pa.Table: ...
    @property
    def fields(self) -> list[str]: ...
    @property
    def target_fields(self) -> dict[str, str]: ...
    def state(self) -> str: ...
    def __len__(self) -> int: ...
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

def from_excel(
    path: str | PathLike[str],
    *,
    sheets: list[str] | None = None,
    columns: Mapping_[str, str] | None = None,
    include_hidden: bool = False,
) -> tuple[Mapping, list[str]]: ...
def from_csv(
    path: str | PathLike[str], *, columns: Mapping_[str, str] | None = None
) -> Mapping: ...
def from_json(
    text: str, *, name: str = "json", columns: Mapping_[str, str] | None = None
) -> Mapping: ...
def from_table(
    data: Any, *, name: str = "table", columns: Mapping_[str, str] | None = None
) -> Mapping: ...
def from_state(state: str) -> Mapping: ...
