"""Arrow types of every kind, for the tests of how errors name a type.

pyarrow itself is the oracle: an error about a column of type ``t`` must say ``str(t)``, as
pyarrow prints it (``string``, ``timestamp[us, tz=UTC]``), never arrow-rs's ``Utf8`` or
``Timestamp(µs, "UTC")``.
"""

from __future__ import annotations

import pyarrow as pa

TEXT = [pa.string(), pa.large_string(), pa.string_view()]
BINARY = [pa.binary(), pa.large_binary(), pa.binary_view(), pa.binary(4)]
TIMES = [
    pa.date32(),
    pa.date64(),
    pa.timestamp("us", tz="UTC"),
    pa.timestamp("ns"),
    pa.timestamp("s", tz="+08:00"),
]
CLOCKS = [pa.time32("ms"), pa.time64("ns"), pa.duration("s"), pa.month_day_nano_interval()]
NESTED = [
    pa.list_(pa.float64()),
    pa.list_(pa.field("x", pa.float64(), nullable=False)),
    pa.large_list(pa.int8()),
    pa.list_(pa.int8(), 3),
    pa.list_view(pa.int8()),
    pa.large_list_view(pa.int8()),
    pa.struct([("a", pa.int64()), ("b", pa.string())]),
    pa.struct([("a", pa.int64()), pa.field("b", pa.string(), nullable=False)]),
    pa.struct([("a", pa.list_(pa.struct([("b", pa.int8())])))]),
    pa.map_(pa.string(), pa.int64()),
    pa.map_(pa.string(), pa.int64(), keys_sorted=True),
    pa.sparse_union([pa.field("a", pa.int64()), pa.field("b", pa.string())]),
    pa.dense_union([pa.field("a", pa.int64())], [5]),
    pa.run_end_encoded(pa.int32(), pa.float64()),
]
NUMBERS = [
    pa.int64(),
    pa.uint8(),
    pa.float16(),
    pa.float32(),
    pa.float64(),
    pa.decimal128(10, 2),
    pa.null(),
]
FLOATS = [pa.float16(), pa.float32(), pa.float64(), pa.decimal128(10, 2)]

# Ordered dictionaries are left out: arrow-rs keeps "ordered" on the field, not the type, so
# a message names every dictionary `ordered=0`.
NOT_NUMERIC = [
    *TEXT,
    pa.bool_(),
    *BINARY,
    *TIMES,
    *CLOCKS,
    *NESTED,
    pa.dictionary(pa.int32(), pa.string()),
    pa.dictionary(pa.int8(), pa.bool_()),
]


def nulls(type_: pa.DataType, rows: int = 2) -> pa.Array:
    """A column of ``type_`` holding only nulls (the type is what the tests are about)."""
    return pa.nulls(rows, type_)
