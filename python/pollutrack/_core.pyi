"""Type stubs of the Rust extension ``pollutrack._core`` (checked with mypy.stubtest)."""

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import Any, final

import pyarrow as pa

__all__ = [
    "AqiPlan",
    "JsonReader",
    "__version__",
    "aqi_breakpoints",
    "aqi_categories",
    "aqi_compute",
    "aqi_concentration",
    "aqi_standards",
    "aqi_subindex",
    "get_num_threads",
    "io_read_json",
    "set_num_threads",
]

__version__: str

def set_num_threads(threads: int) -> None: ...
def get_num_threads() -> int: ...
def aqi_compute(
    data: Any,
    *,
    standard: str = "us_epa_2024",
    columns: Mapping[str, str | None] | None = None,
    units: Mapping[str, str] | None = None,
    subindices: bool = False,
    on_invalid: str = "flag",
    beyond: str = "extend",
) -> pa.Table: ...
def aqi_subindex(
    values: Any,
    measure: str,
    *,
    standard: str = "us_epa_2024",
    unit: str | None = None,
    beyond: str = "extend",
) -> pa.Array: ...
def aqi_concentration(indices: Any, measure: str, *, standard: str = "us_epa_2024") -> pa.Array: ...
def aqi_standards() -> list[str]: ...
def aqi_breakpoints(standard: str) -> pa.Table: ...
def aqi_categories(standard: str) -> pa.Table: ...

@final
class AqiPlan:
    def __new__(
        cls,
        schema: Any,
        *,
        standard: str = "us_epa_2024",
        columns: Mapping[str, str | None] | None = None,
        units: Mapping[str, str] | None = None,
        subindices: bool = False,
        on_invalid: str = "flag",
        beyond: str = "extend",
    ) -> AqiPlan: ...
    def schema(self) -> pa.Schema: ...
    def compute_batch(self, batch: Any) -> pa.RecordBatch: ...
    @property
    def rows_seen(self) -> int: ...

def io_read_json(
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
