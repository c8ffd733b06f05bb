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
    "measure_key",
    "nowcast",
    "rolling",
    "standard_ids",
    "standard_spec",
    "standards",
    "subindex",
]

# Options are one dict per call, the keys of pollutrack.aqi.AqiOptions (compute, Plan),
# DailyOptions with station and time (nowcast: no tz), RollingOptions with the window.
_Options = Mapping_[str, object]

def compute(data: Any, options: _Options | None = None) -> pa.Table: ...
def subindex(
    values: Any,
    measure: str,
    *,
    standard: str = "us_epa_2024",
    unit: str | None = None,
    beyond: str | None = None,
    negative: str | None = None,
) -> pa.Array: ...
def concentration(indices: Any, measure: str, *, standard: str = "us_epa_2024") -> pa.Array: ...
def standards() -> pa.Table: ...
def standard_ids() -> list[str]: ...
def standard_spec(standard: str) -> tuple[str, str, str]: ...
def correct_purpleair(
    data: Any, *, pm25: str, humidity: str, method: str, output: str
) -> pa.Table: ...
def measure_key(standard: str, name: str) -> str: ...
def nowcast(data: Any, options: _Options) -> pa.Table: ...
def daily(data: Any, options: _Options) -> pa.Table: ...
def rolling(data: Any, options: _Options) -> pa.Table: ...
def breakpoints(standard: str) -> pa.Table: ...
def categories(standard: str) -> pa.Table: ...

@final
class Plan:
    def __new__(cls, schema: Any, options: _Options | None = None) -> Plan: ...
    def schema(self) -> pa.Schema: ...
    def compute_batch(self, batch: Any, *, labels: str = "dictionary") -> pa.RecordBatch: ...
    @property
    def rows_seen(self) -> int: ...
