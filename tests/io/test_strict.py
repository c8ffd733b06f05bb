"""pt.io's strict check: every record is a row or a rejection, with the problem named."""

from __future__ import annotations

from pathlib import Path

import pollutrack as pt
import pyarrow as pa
import pytest
from support.io_helpers import assert_balanced, rejected, write

# --- records and columns that were lost ---------------------------------------------------------


def test_invalid_records_do_not_empty_the_sample(tmp_path: Path) -> None:
    text = '{"station":"A","pm25":NaN}\n' * 10_000 + '{"station":"A","pm25":1.5}\n' * 5_000
    result = pt.io.read_json(write(tmp_path, "nan.ndjson", text))
    assert result.table.num_rows == 5_000
    assert result.table.column("pm25").to_pylist() == [1.5] * 5_000
    assert result.rejected.num_rows == 10_000
    reasons = set(result.rejected["reason"].to_pylist())
    assert reasons == {"invalid literal 'NaN' at byte 22 of the record"}


def test_raw_tab_in_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "tab.ndjson", '{"station":"A\tB","pm25":10}\n' * 3)
    result = pt.io.read_json(path)
    assert (result.table.num_rows, result.rejected.num_rows) == (0, 3)
    assert rejected(result, "line", "reason")[0] == (
        1,
        "control character in string at byte 13 of the record",
    )
    with pytest.raises(pt.JsonFormatError, match="line 1, byte offset 0: control character"):
        pt.io.read_json(path, on_error="raise")
    assert sum(b.num_rows for b in pt.io.iter_json(path)) == 0
    more = write(tmp_path, "tab2.ndjson", '{"station":"A\tB","pm25":10}\n' * 3 + '{"pm25":5}\n')
    result = pt.io.read_json(more)
    # "station" exists only in rejected records, so it is no column of the valid ones.
    assert result.table.to_pylist() == [{"pm25": 5}]
    assert_balanced(result, 4)


def test_zero_column_tables_keep_their_rows(tmp_path: Path) -> None:
    empty = pt.io.read_json(write(tmp_path, "e.ndjson", "{}\n{}\n{}\n"))
    assert (empty.table.num_rows, empty.table.num_columns) == (3, 0)
    assert empty.table.schema.metadata[b"pollutrack"]
    given = pt.io.read_json(write(tmp_path, "g.ndjson", '{"a":1}\n{"a":2}\n'), schema=pa.schema([]))
    assert (given.table.num_rows, given.table.num_columns) == (2, 0)
    streamed = list(pt.io.iter_json(tmp_path / "e.ndjson"))
    assert sum(b.num_rows for b in streamed) == 3


def test_bare_cr_line_ends(tmp_path: Path) -> None:
    result = pt.io.read_json(write(tmp_path, "cr.ndjson", '{"a":1}\r{"a":2}\r{"a":3}\r'))
    assert result.table.column("a").to_pylist() == [1, 2, 3]
    mixed = pt.io.read_json(write(tmp_path, "m.ndjson", '{"a":1}\r\n{"a":2}\rbad\n{"a":3}'))
    assert mixed.table.column("a").to_pylist() == [1, 2, 3]
    assert rejected(mixed, "line", "offset", "raw") == [(3, 17, "bad")]


# --- invalid JSON is rejected, never read with changed values ------------------------------------


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ('{"station":"A" "pm25":7}', "missing comma at byte 15 of the record"),
        ('{"station":"A","pm25":007}', "leading zero at byte 22 of the record"),
        ('{"station":"C","pm25":00.5}', "leading zero at byte 22 of the record"),
        ('{"station":"C",, "pm25":0.5}', "expected a key, found ',' at byte 15 of the record"),
        ('{"pm25":1e400}', "number out of range at byte 8 of the record"),
        ('{, "pm25":1}', "expected a key, found ',' at byte 1 of the record"),
        ('{"pm25":1,}', "trailing comma at byte 10 of the record"),
        ('{"pm25":1.}', "invalid number: no digit after the decimal point at byte 8 of the record"),
        ('{"pm25":1,"l":[1 2 3]}', "missing comma at byte 17 of the record"),
        ('{"pm25":1,"s":"a\x00b"}', "control character in string at byte 16 of the record"),
        ('{"pm25":1,"pm25":2}', "duplicate key 'pm25'"),
        ("[1 2 3]", "missing comma at byte 3 of the record"),
        ("1.", "invalid number: no digit after the decimal point at byte 0 of the record"),
    ],
)
def test_invalid_json_is_rejected(tmp_path: Path, record: str, reason: str) -> None:
    text = '{"pm25":2.5}\n' + record + "\n"
    result = pt.io.read_json(write(tmp_path, "bad.ndjson", text))
    assert result.table.column("pm25").to_pylist() == [2.5]
    assert rejected(result, "line", "reason") == [(2, reason)]


def test_array_of_numbers_is_rejected_element_by_element(tmp_path: Path) -> None:
    result = pt.io.read_json(write(tmp_path, "a.json", "[1 2 3]"))
    assert result.table.num_rows == 0
    assert rejected(result, "line", "reason") == [(1, "not a JSON object: the record is a number")]


# --- timestamps -------------------------------------------------------------------------------


def test_bare_numbers_in_timestamp_columns_need_epoch_unit(tmp_path: Path) -> None:
    path = write(tmp_path, "t.ndjson", '{"t": 1714557600}\n{"t": 1714557600.5}\n')
    schema = pa.schema({"t": pa.timestamp("us")})
    refused = pt.io.read_json(path, schema=schema)
    assert refused.table.num_rows == 0
    assert rejected(refused, "reason")[0] == (
        "key 't': a number (1714557600) in a timestamp column; pass epoch_unit= to read"
        " numbers as time since 1970",
    )
    read = pt.io.read_json(path, schema=schema, epoch_unit="s")
    assert read.table.column("t").cast(pa.int64()).to_pylist() == [
        1_714_557_600_000_000,
        1_714_557_600_500_000,
    ]
    millis = pt.io.read_json(path, schema=schema, epoch_unit="ms")
    assert millis.table.column("t").cast(pa.int64()).to_pylist()[0] == 1_714_557_600_000
    with pytest.raises(pt.InvalidSpecError, match="unknown epoch_unit 'h'"):
        pt.io.read_json(path, schema=schema, epoch_unit="h")  # type: ignore[typeddict-item]


def test_offsets_keep_the_instant_or_reject(tmp_path: Path) -> None:
    text = '{"t": "2024-05-01T10:00:00+05:00"}\n{"t": "2024-05-01T10:00:00"}\n'
    path = write(tmp_path, "t.ndjson", text)
    naive = pt.io.read_json(path, schema=pa.schema({"t": pa.timestamp("us")}))
    assert naive.table.column("t").cast(pa.int64()).to_pylist() == [1_714_557_600_000_000]
    assert rejected(naive, "line", "reason") == [
        (
            1,
            "key 't': \"2024-05-01T10:00:00+05:00\" has a UTC offset, but the column"
            " Timestamp(µs) has no time zone",
        )
    ]
    zoned = pt.io.read_json(path, schema=pa.schema({"t": pa.timestamp("us", "UTC")}))
    assert zoned.table.column("t").cast(pa.int64()).to_pylist() == [1_714_539_600_000_000]
    assert rejected(zoned, "line", "reason") == [
        (
            2,
            "key 't': \"2024-05-01T10:00:00\" has no UTC offset, but the column is"
            ' Timestamp(µs, "UTC")',
        )
    ]
    # Inferred: all with an offset → UTC, none → zone-less, a mix stays text.
    mixed = pt.io.read_json(path)
    assert mixed.table.schema.field("t").type == pa.string()


def test_float16_range(tmp_path: Path) -> None:
    path = write(tmp_path, "f.ndjson", '{"v": 70000}\n{"v": 1.5}\n{"v": "-65504"}\n')
    result = pt.io.read_json(path, schema=pa.schema({"v": pa.float16()}))
    assert result.table.column("v").to_pylist() == [1.5, -65504.0]
    assert rejected(result, "line", "reason") == [(1, "key 'v': 70000 is out of range for Float16")]


# --- type mixes: the majority decides, the minority is rejected naming the key ------------------

VALUES = {"scalar": "1.5", "object": '{"v": 2}', "list": "[2]"}


@pytest.mark.parametrize("first", sorted(VALUES))
@pytest.mark.parametrize("second", sorted(VALUES))
def test_type_mix_never_aborts(tmp_path: Path, first: str, second: str) -> None:
    lines = [f'{{"pm25": {VALUES[first]}}}'] * 2 + [f'{{"pm25": {VALUES[second]}}}']
    result = pt.io.read_json(write(tmp_path, "mix.ndjson", "\n".join(lines)))
    assert_balanced(result, 3)
    if first == second:
        assert result.rejected.num_rows == 0
        return
    assert result.table.num_rows == 2
    kind = {"scalar": "the number 1.5", "object": "an object", "list": "an array"}[second]
    (reason,) = rejected(result, "reason")
    assert reason[0].startswith("key 'pm25': expected ") and reason[0].endswith(f"found {kind}")


def test_type_mix_in_nested_lists(tmp_path: Path) -> None:
    text = '{"a": [1, 2]}\n{"a": [3, {"x": 1}]}\n{"a": [4.5]}\n'
    result = pt.io.read_json(write(tmp_path, "n.ndjson", text))
    assert result.table.column("a").to_pylist() == [[1.0, 2.0], [4.5]]
    assert rejected(result, "line", "reason") == [
        (2, "key 'a[]': expected Float64, found an object")
    ]


# --- numbers written as strings ------------------------------------------------------------------


def test_numbers_written_as_strings_are_numbers(tmp_path: Path) -> None:
    text = '{"pm25": 9.05}\n{"pm25": "35.49"}\n{"pm25": 12}\n{"pm25": "n/a"}\n{"pm25": null}\n'
    path = write(tmp_path, "s.ndjson", text)
    result = pt.io.read_json(path)
    assert result.table.schema.field("pm25").type == pa.float64()
    assert result.table.column("pm25").to_pylist() == [9.05, 35.49, 12.0, None]
    assert rejected(result, "line", "reason") == [(4, "key 'pm25': \"n/a\" is not a number")]
    aqi = pa.Table.from_batches(list(pt.aqi.compute_stream(pt.io.iter_json(path))))
    assert aqi.column("aqi").to_pylist() == [50, 100, 56, None]


def test_unknown_option_is_a_type_error(tmp_path: Path) -> None:
    path = write(tmp_path, "r.ndjson", '{"a": 1}\n')
    with pytest.raises(TypeError, match="unexpected keyword argument 'schemas'"):
        pt.io.read_json(path, schemas=None)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'batch'"):
        pt.io.iter_json(path, batch=3)  # type: ignore[call-arg]
