"""How mappings refuse a column's type: named as pyarrow prints it."""

from __future__ import annotations

import pollutrack as pt
import pyarrow as pa
import pytest
from support.arrow_types import BINARY, CLOCKS, FLOATS, NESTED, TIMES, nulls

MAPPING = pt.Mapping.from_dict({"status": {"open": "O"}})

NOT_MAPPABLE = [
    *FLOATS,
    pa.bool_(),
    *BINARY,
    *TIMES,
    *CLOCKS,
    *NESTED,
    pa.dictionary(pa.int8(), pa.float64()),
    pa.dictionary(pa.int32(), pa.bool_()),
]


@pytest.mark.parametrize("type_", NOT_MAPPABLE, ids=str)
def test_apply_names_the_type_as_pyarrow_prints_it(type_: pa.DataType) -> None:
    with pytest.raises(pt.UnsupportedTypeError) as info:
        MAPPING.apply({"status": nulls(type_)})
    assert str(info.value) == (
        f"column 'status' has type {type_}, but a mapped column must hold strings, integers "
        "or a dictionary of them"
    )
    assert (info.value.column, info.value.data_type) == ("status", str(type_))


@pytest.mark.parametrize(
    "type_", [*BINARY, *TIMES, *CLOCKS, *NESTED, pa.decimal128(10, 2)], ids=str
)
def test_rule_tables_name_the_type_as_pyarrow_prints_it(type_: pa.DataType) -> None:
    table = pa.table({"field": ["s", "s"], "source": nulls(type_), "target": ["A", "B"]})
    with pytest.raises(pt.UnsupportedTypeError) as info:
        pt.Mapping.from_table(table)
    assert str(info.value) == (
        f"column 'source' has type {type_}, but a mapping table needs string, integer, float "
        "or boolean columns"
    )
    assert info.value.data_type == str(type_)
