"""Stubs of ``pollutrack._core.aqi``: compute, sub-indices, standards, NowCast, daily, rolling."""

from collections.abc import Mapping as Mapping_
from typing import Any, final

import pyarrow as pa

__all__ = [
    "Plan",
    "breakpoints",
    "categories",
    "compute",
    "concentration",
    "correct_purpleair",
    "daily",
    "nowcast",
    "rolling",
    "standard_ids",
    "standard_spec",
    "standards",
    "subindex",
]

def compute(
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
def subindex(
    values: Any,
    measure: str,
    *,
    standard: str = "us_epa_2024",
    unit: str | None = None,
    beyond: str | None = None,
) -> pa.Array: ...
def concentration(indices: Any, measure: str, *, standard: str = "us_epa_2024") -> pa.Array: ...
def standards() -> pa.Table: ...
def standard_ids() -> list[str]: ...
def standard_spec(standard: str) -> tuple[str, str, str]: ...
def correct_purpleair(
    data: Any, *, pm25: str, humidity: str, method: str, output: str
) -> pa.Table: ...
def nowcast(
    data: Any,
    *,
    station: str,
    time: str,
    pollutants: Mapping_[str, str] | None = None,
    units: Mapping_[str, str] | None = None,
    duplicates: str = "error",
    standard: str = "us_epa_2024",
) -> pa.Table: ...
def daily(
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
def rolling(
    data: Any,
    *,
    station: str,
    time: str,
    column: str,
    hours: int,
    min_valid: int,
    duplicates: str = "error",
) -> pa.Table: ...
def breakpoints(standard: str) -> pa.Table: ...
def categories(standard: str) -> pa.Table: ...

@final
class Plan:
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
    ) -> Plan: ...
    def schema(self) -> pa.Schema: ...
    def compute_batch(self, batch: Any, *, labels: str = "dictionary") -> pa.RecordBatch: ...
    @property
    def rows_seen(self) -> int: ...
