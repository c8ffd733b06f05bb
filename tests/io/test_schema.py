"""pt.io schemas: inferred, given with coercions, timestamps, nested or flattened."""

from __future__ import annotations

from pathlib import Path

import pollutrack as pt
import pyarrow as pa
import pytest
from support.io_helpers import rejected, write

# --- schemas -------------------------------------------------------------------------------------


def test_schema_inferred(tmp_path: Path) -> None:
    text = (
        '{"station": "A", "n": 1, "pm25": 12, "t": "2024-05-01T10:00:00Z", "day": "2024-05-01",'
        ' "local": "2024-05-01 10:00:00", "tags": ["x"], "pos": {"lat": 1.5, "lon": 2.5}}\n'
        '{"station": "B", "n": 2, "pm25": 12.5, "t": "2024-05-01T11:00:00+02:00"}\n'
    )
    result = pt.io.read_json(write(tmp_path, "s.ndjson", text))
    assert result.table.schema.remove_metadata() == pa.schema(
        [
            ("station", pa.string()),
            ("n", pa.int64()),
            ("pm25", pa.float64()),
            ("t", pa.timestamp("us", tz="UTC")),
            ("day", pa.string()),
            ("local", pa.timestamp("us")),
            ("tags", pa.list_(pa.string())),
            ("pos", pa.struct([("lat", pa.float64()), ("lon", pa.float64())])),
        ]
    )
    assert result.table.column("pm25").to_pylist() == [12.0, 12.5]
    t = result.table.column("t").cast(pa.int64()).to_pylist()
    assert t == [1714557600000000, 1714554000000000]  # +02:00 converted to UTC


def test_schema_given_with_coercions(tmp_path: Path) -> None:
    text = (
        '{"pm25": "12.3", "n": 7, "id": 42, "t": "2024-05-01T10:00:00Z", "extra": 1}\n'
        '{"pm25": 40, "n": "8", "id": "x7", "t": "2024-05-01 10:30:00"}\n'
        '{"pm25": "n/a", "n": 9}\n'
    )
    schema = pa.schema(
        [
            ("pm25", pa.float64()),
            ("n", pa.float32()),
            ("id", pa.string()),
            ("t", pa.timestamp("s")),
            ("missing", pa.int32()),
        ]
    )
    result = pt.io.read_json(write(tmp_path, "g.ndjson", text), schema=schema)
    assert result.table.schema.remove_metadata() == schema
    # Line 1's "Z" is an offset, which a zone-less column cannot keep: rejected, not shifted.
    assert result.table.to_pylist()[0] == {
        "pm25": 40.0,
        "n": 8.0,
        "id": "x7",
        "t": pa.scalar(1714559400, pa.timestamp("s")).as_py(),
        "missing": None,
    }
    assert result.table.column("id").to_pylist() == ["x7"]
    assert rejected(result, "line", "reason") == [
        (
            1,
            "key 't': \"2024-05-01T10:00:00Z\" has a UTC offset, but the column Timestamp(s)"
            " has no time zone",
        ),
        (3, "key 'pm25': \"n/a\" is not a number"),
    ]
    zoned = pa.schema([("id", pa.string()), ("t", pa.timestamp("s", "UTC"))])
    ok = pt.io.read_json(write(tmp_path, "g2.ndjson", text.split("\n")[0]), schema=zoned)
    assert ok.table.to_pylist()[0]["id"] == "42"  # a number into a string column: its text


def test_numbers_as_strings_stay_strings_when_inferred(tmp_path: Path) -> None:
    result = pt.io.read_json(write(tmp_path, "n.ndjson", '{"v": "12.3"}\n{"v": "4"}\n'))
    assert result.table.column("v").type == pa.string()
    assert result.table.column("v").to_pylist() == ["12.3", "4"]


def test_mixed_types_in_the_sample_become_strings(tmp_path: Path) -> None:
    result = pt.io.read_json(write(tmp_path, "m.ndjson", '{"v": 1}\n{"v": "x"}\n{"v": true}\n'))
    assert result.table.column("v").to_pylist() == ["1", "x", "true"]


def test_type_change_after_the_sample(tmp_path: Path) -> None:
    text = '{"v": 1}\n{"v": 2}\n{"v": 2.5}\n{"v": "x"}\n'
    result = pt.io.read_json(write(tmp_path, "late.ndjson", text), infer_rows=2)
    # A fraction in an integer column is rejected, never truncated.
    assert result.table.column("v").to_pylist() == [1, 2]
    assert rejected(result, "line", "reason") == [
        (3, "key 'v': 2.5 is not an integer (Int64)"),
        (4, "key 'v': \"x\" is not a number"),
    ]
    text = '{"v": 1}\n{"v": 2}\n{"v": 2.5}\n'
    assert pt.io.read_json(write(tmp_path, "late.ndjson", text)).table.column("v").to_pylist() == [
        1.0,
        2.0,
        2.5,
    ]


def test_nested_struct_or_flattened(tmp_path: Path) -> None:
    text = '{"id": 1, "pos": {"lat": 1.5, "geo": {"h": 3}}}\n{"id": 2, "pos": null}\n'
    path = write(tmp_path, "f.ndjson", text)
    nested = pt.io.read_json(path).table
    assert nested.column_names == ["id", "pos"]
    assert nested.to_pylist() == [
        {"id": 1, "pos": {"geo": {"h": 3}, "lat": 1.5}},
        {"id": 2, "pos": None},
    ]
    flat = pt.io.read_json(path, flatten=True).table
    assert flat.column_names == ["id", "pos.geo.h", "pos.lat"]
    assert flat.to_pylist() == [
        {"id": 1, "pos.geo.h": 3, "pos.lat": 1.5},
        {"id": 2, "pos.geo.h": None, "pos.lat": None},
    ]
    streamed = pa.Table.from_batches(list(pt.io.iter_json(path, flatten=True)))
    assert streamed.to_pylist() == flat.to_pylist()


def test_columns_built_on_the_checking_pass(tmp_path: Path) -> None:
    bad = '{"s": 7, "n": 2, "b": false, "f": 1, "bad": }'
    text = (
        '{"s": "a\\u00e9\\n", "n": 1, "b": true, "f": "2.5"}\n' + bad + '\n{"s": true, "b": null}\n'
    )
    schema = pa.schema({"s": pa.string(), "n": pa.int64(), "b": pa.bool_(), "f": pa.float64()})
    result = pt.io.read_json(write(tmp_path, "c.ndjson", text), schema=schema, chunk_bytes=1 << 20)
    # The rejected record's values, read before its error, are dropped with it.
    assert result.table.to_pylist() == [
        {"s": "a\u00e9\n", "n": 1, "b": True, "f": 2.5},
        {"s": "true", "n": None, "b": None, "f": None},
    ]
    at = bad.rindex("}")
    assert rejected(result, "line", "reason") == [
        (2, f"expected a value, found '}}' at byte {at} of the record")
    ]


def test_dictionary_columns_are_read_as_their_values_and_encoded(tmp_path: Path) -> None:
    # arrow-json reads no dictionaries: the values are checked and read as their own type,
    # then encoded, at the top level and inside structs alike.
    labels = pa.dictionary(pa.int32(), pa.string())
    text = (
        '{"site": "A", "code": 7, "meta": {"kind": "urban"}}\n'
        '{"site": "B", "code": "x", "meta": {"kind": "rural"}}\n'
        '{"site": 3, "code": 8, "meta": null}\n'
    )
    schema = pa.schema(
        [
            ("site", labels),
            ("code", pa.dictionary(pa.int8(), pa.int64())),
            ("meta", pa.struct([("kind", labels)])),
        ]
    )
    result = pt.io.read_json(write(tmp_path, "d.ndjson", text), schema=schema)
    assert result.table.schema.remove_metadata() == schema
    assert result.table.to_pylist() == [
        {"site": "A", "code": 7, "meta": {"kind": "urban"}},
        {"site": "3", "code": 8, "meta": None},  # a number in a text column, as for string
    ]
    assert rejected(result, "line", "reason") == [(2, "key 'code': \"x\" is not a number")]


def test_dictionary_values_beyond_the_index_type_are_a_clear_error(tmp_path: Path) -> None:
    text = "".join(f'{{"a": "v{i}"}}\n' for i in range(300))
    schema = pa.schema([("a", pa.dictionary(pa.int8(), pa.string()))])
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.io.read_json(write(tmp_path, "d.ndjson", text), schema=schema)
    assert str(err.value) == (
        "column 'a': its values do not fit dictionary<values=string, indices=int8, ordered=0> "
        "(Dictionary key bigger than the key type); give a wider index type, such as "
        "dictionary(int32, string)"
    )
