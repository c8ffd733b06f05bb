"""Type stubs of the Rust extension ``pollutrack._core`` (checked with mypy.stubtest)."""

from collections.abc import Mapping as Mapping_
from collections.abc import Sequence
from os import PathLike
from typing import Any, final

import pyarrow as pa

__all__ = [
    "AqiPlan",
    "JsonReader",
    "Mapping",
    "__version__",
    "aqi_breakpoints",
    "aqi_categories",
    "aqi_compute",
    "aqi_concentration",
    "aqi_correct_purpleair",
    "aqi_daily",
    "aqi_nowcast",
    "aqi_rolling",
    "aqi_standard_ids",
    "aqi_standard_spec",
    "aqi_standards",
    "aqi_subindex",
    "get_num_threads",
    "io_read_json",
    "mapping_from_csv",
    "mapping_from_excel",
    "mapping_from_json",
    "mapping_from_state",
    "mapping_from_table",
    "plain_schema",
    "quality_check",
    "quality_reconcile",
    "set_num_threads",
]

__version__: str

def set_num_threads(threads: int) -> None: ...
def get_num_threads() -> int: ...
def plain_schema(schema: Any, *, large: bool) -> pa.Schema: ...
def aqi_compute(
    data: Any,
    *,
    standard: str = "us_epa_2024",
    columns: Mapping_[str, str | None] | None = None,
    units: Mapping_[str, str] | None = None,
    subindices: bool = False,
    on_invalid: str = "flag",
    beyond: str | None = None,
    temperature: int | None = None,
    skip_unrated: bool = False,
) -> pa.Table: ...
def aqi_subindex(
    values: Any,
    measure: str,
    *,
    standard: str = "us_epa_2024",
    unit: str | None = None,
    beyond: str | None = None,
) -> pa.Array: ...
def aqi_concentration(indices: Any, measure: str, *, standard: str = "us_epa_2024") -> pa.Array: ...
def aqi_standards() -> pa.Table: ...
def aqi_standard_ids() -> list[str]: ...
def aqi_standard_spec(standard: str) -> tuple[str, str, str]: ...
def aqi_correct_purpleair(
    data: Any, *, pm25: str, humidity: str, method: str, output: str
) -> pa.Table: ...
def quality_check(data: Any, rules: str, *, max_examples: int = 5) -> pa.Table: ...
def quality_reconcile(
    source: Any, target: Any, *, key: list[str] | None = None, max_examples: int = 5
) -> pa.Table: ...
def aqi_nowcast(
    data: Any,
    *,
    station: str,
    time: str,
    pollutants: Mapping_[str, str] | None = None,
    units: Mapping_[str, str] | None = None,
    duplicates: str = "error",
    standard: str = "us_epa_2024",
) -> pa.Table: ...
def aqi_daily(
    data: Any,
    *,
    station: str,
    time: str,
    standard: str = "us_epa_2024",
    tz: str | None = None,
    pollutants: Mapping_[str, str] | None = None,
    units: Mapping_[str, str] | None = None,
    duplicates: str = "error",
) -> pa.Table: ...
def aqi_rolling(
    data: Any,
    *,
    station: str,
    time: str,
    column: str,
    hours: int,
    min_valid: int,
    duplicates: str = "error",
) -> pa.Table: ...
def aqi_breakpoints(standard: str) -> pa.Table: ...
def aqi_categories(standard: str) -> pa.Table: ...

@final
class AqiPlan:
    def __new__(
        cls,
        schema: Any,
        *,
        standard: str = "us_epa_2024",
        columns: Mapping_[str, str | None] | None = None,
        units: Mapping_[str, str] | None = None,
        subindices: bool = False,
        on_invalid: str = "flag",
        beyond: str | None = None,
        temperature: int | None = None,
        skip_unrated: bool = False,
    ) -> AqiPlan: ...
    def schema(self) -> pa.Schema: ...
    def compute_batch(self, batch: Any, *, labels: str = "dictionary") -> pa.RecordBatch: ...
    @property
    def rows_seen(self) -> int: ...

@final
class Mapping:
    def apply(
        self,
        data: Any,
        *,
        fields: list[str] | None = None,
        on_unmapped: str = "null",
        default: str | None = None,
        normalize: list[str] | None = None,
        replace: bool = False,
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

def mapping_from_excel(
    path: str | PathLike[str],
    *,
    sheets: list[str] | None = None,
    columns: Mapping_[str, str] | None = None,
) -> Mapping: ...
def mapping_from_csv(
    path: str | PathLike[str], *, columns: Mapping_[str, str] | None = None
) -> Mapping: ...
def mapping_from_json(
    text: str, *, name: str = "json", columns: Mapping_[str, str] | None = None
) -> Mapping: ...
def mapping_from_table(
    data: Any, *, name: str = "table", columns: Mapping_[str, str] | None = None
) -> Mapping: ...
def mapping_from_state(state: str) -> Mapping: ...
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
