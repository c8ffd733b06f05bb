"""Applying mappings: types, modes, normalisation, report, threads, real Beijing wind codes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pollutrack as pt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pollutrack._options import option_keys
from pollutrack.cli.demo import sample_path

M = pt.Mapping.from_dict(
    {
        "status": {"open": "Open", "closed": "Closed", "1": "One"},
        "dept": {"Finance": "FIN", "HR": "HR"},
    }
)


def test_beijing_wind_codes_with_the_shipped_sheet() -> None:
    hourly = pacsv.read_csv(sample_path(), convert_options=pacsv.ConvertOptions(null_values=["NA"]))
    for kind in ("xlsx", "csv"):
        m = (pt.Mapping.from_excel if kind == "xlsx" else pt.Mapping.from_csv)(
            pt.mapping.sample_sheet(kind)
        )
        res = m.apply(hourly)
        assert res.table.num_rows == hourly.num_rows == 43_824
        assert res.table.select(hourly.column_names).equals(hourly)  # input columns untouched
        pt.testing.assert_no_unmapped(res)
        codes = Counter(hourly.column("cbwd").to_pylist())
        names = {"NE": "northeast", "NW": "northwest", "SE": "southeast", "cv": "calm or variable"}
        assert Counter(res.table.column("cbwd_mapped").to_pylist()) == {
            names[c]: n for c, n in codes.items()
        }
        counts = res.counts.to_pylist()[0]
        assert counts == {
            "field": "cbwd",
            "target_field": "cbwd",
            "column": "cbwd_mapped",
            "rows": 43_824,
            "mapped": 43_824,
            "unmapped": 0,
            "null_inputs": 0,
            "distinct_unmapped": 0,
        }


def test_on_unmapped_modes() -> None:
    data = {"status": ["open", None, "gone", "closed", "gone"]}

    def out(**kw: Any) -> list[Any]:
        return M.apply(data, fields=["status"], **kw).table.column("status_mapped").to_pylist()

    assert out() == ["Open", None, None, "Closed", None]
    assert out(on_unmapped="keep") == ["Open", None, "gone", "Closed", "gone"]
    assert out(on_unmapped="default", default="?") == ["Open", None, "?", "Closed", "?"]
    with pytest.raises(
        pt.InvalidValueError, match="row 2, field 'status': value 'gone' is not mapped"
    ) as err:
        M.apply(data, fields=["status"], on_unmapped="error")
    assert (err.value.row, err.value.column, err.value.value) == (2, "status", "gone")
    with pytest.raises(pt.InvalidSpecError, match="needs default="):
        M.apply(data, fields=["status"], on_unmapped="default")
    with pytest.raises(pt.InvalidSpecError, match="only used with on_unmapped='default'"):
        M.apply(data, fields=["status"], default="?")
    with pytest.raises(pt.InvalidSpecError, match="unknown on_unmapped 'drop'"):
        M.apply(data, fields=["status"], on_unmapped="drop")  # type: ignore[arg-type]


def test_error_reports_the_earliest_row_over_fields_and_batches() -> None:
    b1 = pa.record_batch({"status": ["open", "open"], "dept": ["HR", "HR"]})
    b2 = pa.record_batch({"status": ["open", "zzz"], "dept": ["IT", "HR"]})
    with pytest.raises(pt.InvalidValueError) as err:
        M.apply(pa.Table.from_batches([b1, b2]), on_unmapped="error")
    assert (err.value.row, err.value.column, err.value.value) == (2, "dept", "IT")


def test_report_counts_and_suggestions_over_chunks() -> None:
    chunks = [
        pa.record_batch({"dept": ["Finance", "Finance ", None]}),
        pa.record_batch({"dept": ["hr", "Finance ", "IT"]}),
    ]
    res = M.apply(pa.Table.from_batches(chunks), fields=["dept"])
    assert res.report.to_pylist() == [
        {"field": "dept", "value": "Finance ", "count": 2, "first_row": 1, "suggestion": "Finance"},
        {"field": "dept", "value": "hr", "count": 1, "first_row": 3, "suggestion": "HR"},
        {"field": "dept", "value": "IT", "count": 1, "first_row": 5, "suggestion": None},
    ]
    assert res.counts.to_pylist() == [
        {
            "field": "dept",
            "target_field": "dept",
            "column": "dept_mapped",
            "rows": 6,
            "mapped": 1,
            "unmapped": 4,
            "null_inputs": 1,
            "distinct_unmapped": 3,
        }
    ]
    assert res.unmapped == 4
    assert repr(res) == "MappingResult(rows=6, unmapped=4)"


def test_normalize_steps() -> None:
    data = {"dept": ["  finance", "ＨＲ", "Finance\u00a0", "HR "]}

    def out(n: Any) -> list[Any]:
        return M.apply(data, fields=["dept"], normalize=n).table.column("dept_mapped").to_pylist()

    assert out(True) == ["FIN", "HR", "FIN", "HR"]
    assert out(None) == [None, None, None, None]
    assert out("trim") == [None, None, "FIN", "HR"]  # Unicode white space, no-break space included
    assert out(["nfkc", "trim"]) == [None, "HR", "FIN", "HR"]
    with pytest.raises(pt.InvalidSpecError, match="unknown normalize step 'upper'"):
        out("upper")
    clash = pt.Mapping.from_dict({"s": {"Open": "A", "open ": "B"}})
    with pytest.raises(
        pt.InvalidSpecError, match=r"source values 'Open' .* and 'open ' .* both become 'open'"
    ):
        clash.apply({"s": ["x"]}, normalize=True)
    assert clash.apply({"s": ["Open"]}).table.column("s_mapped").to_pylist() == ["A"]


def test_string_types_and_dictionaries_give_identical_results() -> None:
    values = ["open", None, "closed", "x", "open", "1", "x"]
    plain = M.apply({"status": pa.array(values)}, fields=["status"], on_unmapped="keep")
    expected = plain.table.column("status_mapped")
    for array in (
        pa.array(values, pa.large_string()),
        pa.array(values, pa.string_view()),
        pa.array(values).dictionary_encode(),
        pa.array(values, pa.large_string()).dictionary_encode(),
        pa.DictionaryArray.from_arrays(
            pa.array([0, 1, None, 2, 0, 3, 2], pa.int8()), ["open", None, "x", "1", "unused"]
        ),
    ):
        res = M.apply({"status": array}, fields=["status"], on_unmapped="keep")
        column = res.table.column("status_mapped")
        if pa.types.is_dictionary(array.type):
            assert pa.types.is_dictionary(column.type)
            assert column.type.index_type == array.type.index_type
        else:
            assert column.type == array.type
        if array.type.equals(pa.dictionary(pa.int8(), pa.string())):
            assert column.to_pylist() == ["Open", None, None, "x", "Open", "One", "x"]
            continue
        assert column.cast(pa.string()).equals(expected.cast(pa.string()))
        assert res.report.equals(plain.report)
        assert res.counts.equals(plain.counts)


def test_dictionary_maps_only_its_values() -> None:
    indices = pa.array([0, 1] * 100_000, pa.int32())
    dictionary = pa.DictionaryArray.from_arrays(indices, ["open", "zzz"])
    res = M.apply({"status": dictionary}, fields=["status"])
    column = res.table.column("status_mapped").chunk(0)
    assert column.indices.equals(indices)  # the keys are the input's
    assert column.dictionary.to_pylist() == ["Open", None]
    assert res.report.to_pylist() == [
        {"field": "status", "value": "zzz", "count": 100_000, "first_row": 1, "suggestion": None}
    ]


@pytest.mark.parametrize(
    "type_", [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint32(), pa.uint64()]
)
def test_integer_keys(type_: pa.DataType) -> None:
    data = pa.array([1, None, 7], type_)
    res = M.apply({"status": data}, fields=["status"], on_unmapped="keep")
    assert res.table.column("status_mapped").to_pylist() == ["One", None, "7"]
    assert res.report.column("value").to_pylist() == ["7"]
    enc = M.apply({"status": data.dictionary_encode()}, fields=["status"], on_unmapped="keep")
    assert enc.table.column("status_mapped").type == pa.dictionary(pa.int32(), pa.string())
    assert enc.table.column("status_mapped").to_pylist() == ["One", None, "7"]


def test_columns_options_and_types() -> None:
    data = pa.table({"status": ["open"], "dept": ["HR"], "other": [1.5]})
    res = M.apply(data)
    assert res.table.column_names == ["status", "dept", "other", "status_mapped", "dept_mapped"]
    inplace = M.apply(data, replace=True)
    assert inplace.table.column_names == ["status", "dept", "other"]
    assert inplace.table.to_pylist() == [{"status": "Open", "dept": "HR", "other": 1.5}]
    meta = json.loads(res.table.schema.metadata[b"pollutrack"])
    assert meta["function"] == "mapping.apply"
    assert (meta["input_rows"], meta["fields"]) == (
        1,
        {"status": "status_mapped", "dept": "dept_mapped"},
    )
    with pytest.raises(
        pt.ColumnNotFoundError, match="column 'dept' of the mapping is not in the data"
    ) as err:
        M.apply({"status": ["open"]})
    assert isinstance(err.value, KeyError)
    with pytest.raises(pt.InvalidSpecError, match="the mapping has no field 'nope'"):
        M.apply(data, fields=["nope"])
    with pytest.raises(pt.UnsupportedTypeError, match="column 'status' has type double"):
        M.apply({"status": [1.0]}, fields=["status"])
    with pytest.raises(pt.InvalidSpecError, match="output column 'status_mapped' already exists"):
        M.apply({"status": ["open"], "status_mapped": ["x"]}, fields=["status"])
    with pytest.raises(TypeError, match="expected Arrow data"):
        M.apply([1, 2])
    nulls = M.apply(pa.table({"status": pa.nulls(3)}), fields=["status"])
    assert nulls.table.column("status_mapped").type == pa.string()
    assert nulls.counts.column("null_inputs").to_pylist() == [3]
    empty = M.apply(pa.table({"status": pa.array([], pa.string())}), fields=["status"])
    assert empty.table.num_rows == 0 and empty.report.num_rows == 0


def test_polars_pandas_and_streams() -> None:
    frame = pl.DataFrame({"status": ["open", "x"], "dept": ["HR", None]})
    assert M.apply(frame).table.get_column("dept_mapped").to_list() == ["HR", None]
    pdf = pd.DataFrame({"status": ["closed"], "dept": ["Finance"]})
    assert M.apply(pdf).table["status_mapped"].tolist() == ["Closed"]
    batches = [pa.record_batch({"status": ["open"], "dept": ["HR"]})] * 3
    reader = pa.RecordBatchReader.from_batches(batches[0].schema, batches)
    assert M.apply(reader).table.num_rows == 3


def test_same_result_at_one_and_many_threads() -> None:
    n = 300_000
    values = pa.array([["open", "closed", "x", "Finance ", None][i % 5] for i in range(n)])
    data = pa.table({"status": values, "dept": pc.take(values, pa.array(range(n - 1, -1, -1)))})
    before = pt.get_num_threads()
    try:
        pt.set_num_threads(1)
        one = M.apply(data, on_unmapped="keep")
        pt.set_num_threads(4)
        many = M.apply(data, on_unmapped="keep")
    finally:
        pt.set_num_threads(before)
    assert one.table.equals(many.table)
    assert one.report.equals(many.report)
    assert many.table.num_rows == n


def oracle(
    rules: dict[str, str], values: list[str | None]
) -> tuple[list[str | None], dict[str, tuple[int, int]]]:
    out: list[str | None] = []
    misses: dict[str, tuple[int, int]] = {}
    for row, v in enumerate(values):
        if v is None:
            out.append(None)
        elif v in rules:
            out.append(rules[v])
        else:
            out.append(v)
            count, first = misses.get(v, (0, row))
            misses[v] = (count + 1, first)
    return out, misses


@settings(max_examples=60, deadline=None)
@given(
    rules=st.dictionaries(
        st.text(max_size=4).filter(str.strip),
        st.text(min_size=1, max_size=3).filter(str.strip),
        min_size=1,
        max_size=8,
    ),
    values=st.lists(st.one_of(st.none(), st.text(max_size=4)), max_size=60),
    encode=st.booleans(),
)
def test_matches_a_plain_python_oracle(
    rules: dict[str, str], values: list[str | None], encode: bool
) -> None:
    m = pt.Mapping.from_dict({"f": rules})
    array = pa.array(values, pa.string())
    res = m.apply({"f": array.dictionary_encode() if encode else array}, on_unmapped="keep")
    expected, misses = oracle(rules, values)
    assert res.table.column("f_mapped").to_pylist() == expected
    assert {r["value"]: (r["count"], r["first_row"]) for r in res.report.to_pylist()} == misses
    assert res.report.column("first_row").to_pylist() == sorted(f for _, f in misses.values())


def test_sample_sheet_paths() -> None:
    assert pt.mapping.sample_sheet().name == "wind_direction_mapping.xlsx"
    assert Path(pt.mapping.sample_sheet("csv")).is_file()


def test_apply_options_are_one_typed_set() -> None:
    data = {"status": ["open", "OPEN ", "gone"], "dept": ["HR", "x", None]}
    options: pt.mapping.ApplyOptions = {
        "fields": ("status",),  # any sequence
        "normalize": ["trim", "casefold"],
        "on_unmapped": "default",
        "default": "?",
        "replace": True,
    }
    res = M.apply(data, **options)
    assert res.table.column_names == ["status", "dept"]
    assert res.table.column("status").to_pylist() == ["Open", "Open", "?"]
    with pytest.raises(
        TypeError,
        match=r"^apply\(\) got an unexpected keyword argument 'field'; its options are "
        r"fields, normalize, on_unmapped, default, replace$",
    ):
        M.apply(data, field=["status"])
    # The binding reads the same keys (it names them for a key it does not know).
    with pytest.raises(TypeError, match="the options are ") as info:
        M._core.apply(pa.table(data), {"field": ["status"]})
    core = str(info.value).split("the options are ")[1].split(", ")
    assert sorted(core) == sorted(option_keys(pt.mapping.ApplyOptions))
