"""Mapping.apply(...).table in the caller's own kind; the report and counts stay pyarrow."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pollutrack as pt
import pyarrow as pa
import pytest
from support.frames import KINDS, RETURNS, batch, values

M = pt.Mapping.from_dict(
    {"status": {"open": "Open", "closed": "Closed"}, "dept": {"HR": "Human resources"}}
)
DATA = pa.table(
    {
        "status": ["open", "x", None, "closed", "open"],
        "dept": pa.array(["HR", "Finance", "HR", None, "HR"]).dictionary_encode(),
        "n": [1, 2, 3, 4, 5],
    }
)


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_comes_back_with_the_arrow_values(kind: str, replace: bool) -> None:
    want = M.apply(DATA, replace=replace, output="arrow")
    got = M.apply(KINDS[kind](DATA), replace=replace)
    assert type(got.table) is RETURNS[kind]
    assert values(got.table) == values(want.table)
    assert isinstance(got.report, pa.Table) and got.report.equals(want.report)
    assert isinstance(got.counts, pa.Table) and got.counts.equals(want.counts)
    assert repr(got) == "MappingResult(rows=5, unmapped=2)"
    opted_out = M.apply(KINDS[kind](DATA), replace=replace, output="arrow")
    assert type(opted_out.table) is pa.Table
    assert values(opted_out.table) == values(want.table)


def test_pandas_index_and_labels() -> None:
    df = DATA.to_pandas().set_axis(pd.date_range("2024-01-01", periods=5, tz="UTC", name="t"))
    got = M.apply(df).table
    pd.testing.assert_index_equal(got.index, df.index, exact=True)
    assert list(got.columns) == ["status", "dept", "n", "status_mapped", "dept_mapped"]
    pd.testing.assert_frame_equal(got[["status", "dept", "n"]], df)  # untouched
    assert got["status_mapped"].isna().tolist() == [False, True, True, False, False]
    assert got["status_mapped"].dropna().tolist() == ["Open", "Closed", "Open"]
    assert str(got["dept_mapped"].dtype) == "category"  # a dictionary column maps to one
    assert got["dept_mapped"].isna().tolist() == [False, True, False, True, False]
    assert got["dept_mapped"].dropna().tolist() == ["Human resources"] * 3


def test_pandas_replaced_columns_are_the_mapped_ones() -> None:
    # Same name and same Arrow type (dictionary) as the input column, other values: the
    # result must hold the mapped values, not the caller's column.
    df = DATA.to_pandas()
    got = M.apply(df, replace=True, on_unmapped="keep").table
    assert list(got.columns) == ["status", "dept", "n"]
    assert got["status"].isna().tolist() == [False, False, True, False, False]
    assert got["status"].dropna().tolist() == ["Open", "x", "Closed", "Open"]
    assert str(got["dept"].dtype) == "category"
    assert got["dept"].isna().tolist() == [False, False, False, True, False]
    assert got["dept"].dropna().tolist() == ["Human resources", "Finance"] + ["Human resources"] * 2
    assert got["n"].dtype == df["n"].dtype == "int64"  # passed through: not made nullable


def test_polars_replaced_enum_becomes_categorical() -> None:
    frame = pl.DataFrame(
        {
            "dept": pl.Series(["HR", "HR", "Ops"], dtype=pl.Enum(["Ops", "HR"])),
            "n": pl.Series([1, 2, 3], dtype=pl.UInt16),
        }
    )
    m = pt.Mapping.from_dict({"dept": {"HR": "Human resources", "Ops": "Operations"}})
    got = m.apply(frame, replace=True).table
    assert got.schema["dept"] == pl.Categorical and got.schema["n"] == pl.UInt16
    assert got.get_column("dept").to_list() == ["Human resources", "Human resources", "Operations"]
    kept = m.apply(frame).table
    assert kept.schema["dept"] == pl.Enum(["Ops", "HR"])  # untouched, so still the Enum


def test_zero_rows() -> None:
    empty = DATA.slice(0, 0)
    want = M.apply(empty, output="arrow").table
    got = M.apply(empty.to_pandas().set_axis(pd.RangeIndex(7, 7, name="r"))).table
    assert list(got.columns) == want.column_names and len(got) == 0
    assert got.index.name == "r" and str(got["dept_mapped"].dtype) == "category"
    assert M.apply(pl.from_arrow(empty)).table.schema["dept_mapped"] == pl.Categorical
    one = M.apply(batch(empty)).table
    assert type(one) is pa.RecordBatch and one.schema == want.schema
