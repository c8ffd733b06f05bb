"""Type stubs of the Rust extension ``pollutrack._core`` (checked with mypy.stubtest).

One submodule per capability: ``aqi``, ``io``, ``mapping``, ``quality``.
"""

from typing import Any

import pyarrow as pa
from pollutrack._core import aqi as aqi
from pollutrack._core import io as io
from pollutrack._core import mapping as mapping
from pollutrack._core import quality as quality

__all__ = [
    "__version__",
    "aqi",
    "get_num_threads",
    "io",
    "mapping",
    "plain_schema",
    "quality",
    "set_num_threads",
]

__version__: str

def set_num_threads(threads: int) -> None: ...
def get_num_threads() -> int: ...
def plain_schema(schema: Any, *, large: bool) -> pa.Schema: ...
