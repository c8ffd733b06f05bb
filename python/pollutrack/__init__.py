"""pollutrack: air quality indices and value mappings on Arrow data, computed in parallel Rust.

Examples:
    >>> import pollutrack as pt
    >>> pt.aqi.compute({"pm25": [8.0, 40.0]}).column("aqi_category").to_pylist()
    ['Good', 'Unhealthy for Sensitive Groups']
"""

from pollutrack import aqi, io, lineage, mapping, quality, testing, workbook
from pollutrack._core import __version__, get_num_threads, set_num_threads
from pollutrack.exceptions import (
    ColumnNotFoundError,
    InvalidSpecError,
    InvalidValueError,
    JsonFormatError,
    PollutrackError,
    UnsupportedTypeError,
)
from pollutrack.mapping import Mapping, MappingResult

__all__ = [
    "ColumnNotFoundError",
    "InvalidSpecError",
    "InvalidValueError",
    "JsonFormatError",
    "Mapping",
    "MappingResult",
    "PollutrackError",
    "UnsupportedTypeError",
    "__version__",
    "aqi",
    "get_num_threads",
    "io",
    "lineage",
    "mapping",
    "quality",
    "set_num_threads",
    "testing",
    "workbook",
]
