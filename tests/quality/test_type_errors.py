"""How quality checks refuse a column's type: named as pyarrow prints it, and text that holds
numbers told how to read them."""

from __future__ import annotations

import pollutrack as pt
import pyarrow as pa
import pytest
from pollutrack import quality as q
from support.arrow_types import CLOCKS, NESTED, NOT_NUMERIC, TEXT, nulls

NEEDED = "a numeric type (integer, float, decimal or null) is needed"


def refused(data: pa.Table, rule: q.Rule) -> pt.UnsupportedTypeError:
    with pytest.raises(pt.UnsupportedTypeError) as info:
        pt.quality.check(data, [rule])
    return info.value


@pytest.mark.parametrize("type_", NOT_NUMERIC, ids=str)
def test_in_range_names_the_type_as_pyarrow_prints_it(type_: pa.DataType) -> None:
    err = refused(pa.table({"x": nulls(type_)}), q.in_range("x", 0, 1))
    assert str(err) == f"column 'x' has type {type_}, but {NEEDED}"
    assert (err.column, err.data_type) == ("x", str(type_))


@pytest.mark.parametrize(
    "type_", [*TEXT, pa.int64(), pa.float64(), pa.bool_(), pa.null(), *CLOCKS, *NESTED[:3]], ids=str
)
def test_freshness_names_the_type_as_pyarrow_prints_it(type_: pa.DataType) -> None:
    err = refused(pa.table({"x": nulls(type_)}), q.freshness("x", 60))
    assert (
        str(err) == f"column 'x' has type {type_}, but freshness needs a timestamp or date column"
    )


@pytest.mark.parametrize(
    "type_",
    [pa.binary(4), pa.list_(pa.int8(), 3), *[t for t in NESTED if pa.types.is_struct(t)]]
    + [t for t in NESTED if pa.types.is_map(t)],
    ids=str,
)
def test_accepted_values_names_a_type_without_text(type_: pa.DataType) -> None:
    err = refused(pa.table({"x": nulls(type_)}), q.accepted_values("x", ["1"]))
    assert str(err) == (
        f"column 'x' has type {type_}, but accepted_values compares values as text, and this "
        "type has none"
    )


def test_reconcile_names_both_key_types() -> None:
    target = pa.table({"k": pa.array([{"a": 1}])})
    with pytest.raises(pt.UnsupportedTypeError) as info:
        pt.quality.reconcile(pa.table({"k": [1]}), target, key="k")
    assert str(info.value) == (
        "column 'k' has type struct<a: int64>, but the target's key is read as the source's "
        "type int64, which it cannot be cast to"
    )


def test_text_holding_numbers_is_told_how_to_read_them() -> None:
    err = refused(pa.table({"x": [None, "0.5", "2"]}), q.in_range("x", 0, 1))
    assert str(err) == (
        f"column 'x' has type string, but {NEEDED}; its values are numbers written as text "
        "(the first is '0.5'): cast it with pyarrow.compute.cast(..., pa.float64()), or read "
        "the JSON with a schema that gives it a float type (pt.io.read_json(..., schema=...))"
    )
    words = refused(pa.table({"x": ["Good", "0.5"]}), q.in_range("x", 0, 1))
    assert str(words) == f"column 'x' has type string, but {NEEDED}"
