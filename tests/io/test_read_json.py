"""pt.io.read_json: formats, paths, and every malformed input with its exact outcome."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pollutrack as pt
import pyarrow as pa
import pytest
from support.io_helpers import TRUNCATED, assert_balanced, rejected, write

# --- formats ------------------------------------------------------------------------------------


def test_ndjson_and_array_read_the_same(tmp_path: Path) -> None:
    records = [{"station": f"S{i}", "pm25": i + 0.5, "ok": i % 2 == 0} for i in range(5)]
    nd = write(tmp_path, "r.ndjson", "".join(json.dumps(r) + "\n" for r in records))
    arr = write(tmp_path, "r.json", json.dumps(records, indent=2))
    for path, fmt in ((nd, "auto"), (nd, "ndjson"), (arr, "auto"), (arr, "array")):
        result = pt.io.read_json(path, format=fmt)
        assert result.table.to_pylist() == records
        assert result.rejected.num_rows == 0
        assert result.table.schema.field("pm25").type == pa.float64()
        assert result.table.schema.field("ok").type == pa.bool_()


def test_forced_format_that_does_not_fit(tmp_path: Path) -> None:
    nd = write(tmp_path, "r.ndjson", '{"a": 1}\n{"a": 2}\n')
    result = pt.io.read_json(nd, format="array")
    assert result.table.num_rows == 0
    assert rejected(result, "line", "reason") == [
        (1, "not a JSON array: the file does not start with '['"),
        (2, "not a JSON array: the file does not start with '['"),
    ]


def test_gzip_by_magic_bytes_and_extension(tmp_path: Path) -> None:
    text = '{"a": 1}\n{"a": 2}\n'
    gz = write(tmp_path, "r.ndjson.gz", gzip.compress(text.encode()))
    hidden = write(tmp_path, "r2.ndjson", gzip.compress(text.encode()))
    plain_named_gz = write(tmp_path, "r3.json.gz", text)
    arr = write(tmp_path, "r4.json.gz", gzip.compress(b'[{"a": 1}, {"a": 2}]'))
    for path in (gz, hidden, plain_named_gz, arr):
        assert pt.io.read_json(path).table.column("a").to_pylist() == [1, 2]


def test_corrupt_gzip_is_an_os_error(tmp_path: Path) -> None:
    data = gzip.compress(b'{"a": 1}\n' * 1000)
    path = write(tmp_path, "bad.ndjson.gz", data[:20] + b"\x00" * 50)
    with pytest.raises(OSError, match=r"bad\.ndjson\.gz"):
        pt.io.read_json(path)


def test_several_paths_and_globs(tmp_path: Path) -> None:
    a = write(tmp_path, "a.ndjson", '{"v": 1}\n{"v": 2}\nbad\n')
    b = write(tmp_path, "b.json", '[{"v": 3}, oops]')
    write(tmp_path, "c.txt", "ignored")
    both = pt.io.read_json([a, b])
    assert both.table.column("v").to_pylist() == [1, 2, 3]
    assert rejected(both, "file", "line") == [(str(a), 3), (str(b), 1)]
    globbed = pt.io.read_json(str(tmp_path / "*.json*"))
    assert globbed.table.column("v").to_pylist() == [3]
    reverse = pt.io.read_json([str(tmp_path / "b.*"), str(tmp_path / "a.*")])
    assert reverse.table.column("v").to_pylist() == [3, 1, 2]
    meta = json.loads(both.table.schema.metadata[b"pollutrack"])
    assert (meta["files"], meta["rows"], meta["rejected"]) == ([str(a), str(b)], 3, 2)


def test_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.json"):
        pt.io.read_json(tmp_path / "nope.json")
    with pytest.raises(FileNotFoundError, match="no file matches"):
        pt.io.read_json(str(tmp_path / "*.nothing"))
    with pytest.raises(FileNotFoundError, match="no path"):
        pt.io.read_json([])


def test_bad_options(tmp_path: Path) -> None:
    path = write(tmp_path, "r.ndjson", '{"a": 1}\n')
    with pytest.raises(pt.InvalidSpecError, match="unknown JSON format 'xml'"):
        pt.io.read_json(path, format="xml")  # type: ignore[arg-type]
    with pytest.raises(pt.InvalidSpecError, match="unknown on_error 'ignore'"):
        pt.io.read_json(path, on_error="ignore")  # type: ignore[arg-type]


# --- malformed input: each case with its exact outcome -----------------------------------------


def test_truncated_ndjson(tmp_path: Path) -> None:
    path = write(tmp_path, "t.ndjson", '{"a": 1}\n{"a": 2}\n{"a": 3, "b": "xy')
    result = pt.io.read_json(path)
    assert result.table.column("a").to_pylist() == [1, 2]
    assert rejected(result) == [(3, 18, TRUNCATED, '{"a": 3, "b": "xy')]


def test_truncated_array(tmp_path: Path) -> None:
    mid_record = pt.io.read_json(write(tmp_path, "t1.json", '[{"a": 1},\n {"a": 2'))
    assert mid_record.table.column("a").to_pylist() == [1]
    assert rejected(mid_record) == [(2, 12, TRUNCATED, '{"a": 2')]
    no_bracket = pt.io.read_json(write(tmp_path, "t2.json", '[{"a": 1}, {"a": 2}'))
    assert no_bracket.table.column("a").to_pylist() == [1, 2]
    assert no_bracket.rejected.num_rows == 0
    after_comma = pt.io.read_json(write(tmp_path, "t3.json", '[{"a": 1},'))
    assert after_comma.table.column("a").to_pylist() == [1]
    assert rejected(after_comma) == [(1, 10, "end of file after ',' (truncated array)", "")]


def test_not_json(tmp_path: Path) -> None:
    path = write(tmp_path, "data.csv", "station,pm25\nA,12.0\n")
    result = pt.io.read_json(path)
    assert result.table.num_rows == 0
    assert result.table.num_columns == 0
    assert rejected(result, "line", "offset", "raw") == [
        (1, 0, "station,pm25"),
        (2, 13, "A,12.0"),
    ]
    assert result.rejected["reason"].to_pylist() == [
        "invalid literal 'station' at byte 0 of the record",
        "invalid literal 'A' at byte 0 of the record",
    ]
    with pytest.raises(pt.JsonFormatError) as info:
        pt.io.read_json(path, on_error="raise")
    err = info.value
    assert (err.file, err.line, err.offset) == (str(path), 1, 0)
    reason = "invalid literal 'station' at byte 0 of the record"
    assert str(err) == f"{path}: line 1, byte offset 0: {reason}"
    assert isinstance(err, ValueError)


def test_empty_file(tmp_path: Path) -> None:
    for text in ("", "  \n\r\n", "[]", " [ ]\n"):
        path = write(tmp_path, "e.json", text)
        result = pt.io.read_json(path)
        assert (result.table.num_rows, result.table.num_columns) == (0, 0)
        assert result.rejected.num_rows == 0
        schema = pa.schema({"a": pa.int64()})
        assert pt.io.read_json(path, schema=schema).table.schema == schema
        assert list(pt.io.iter_json(path)) == []


def test_bom(tmp_path: Path) -> None:
    nd = pt.io.read_json(write(tmp_path, "b.ndjson", '\ufeff{"a": 1}\n{"a": 2}\n'))
    assert nd.table.column("a").to_pylist() == [1, 2]
    arr = pt.io.read_json(write(tmp_path, "b.json", '\ufeff[{"a": 1}, x]'))
    assert arr.table.column("a").to_pylist() == [1]
    assert rejected(arr, "line", "offset", "raw") == [(1, 14, "x")]  # BOM bytes counted


def test_crlf_and_blank_lines(tmp_path: Path) -> None:
    text = '\r\n{"a": 1}\r\n\r\n   \r\n{"a": 2}\r\nnope\r\n\r\n{"a": 3}\r\n'
    result = pt.io.read_json(write(tmp_path, "c.ndjson", text))
    assert result.table.column("a").to_pylist() == [1, 2, 3]
    assert rejected(result, "line", "offset", "raw") == [(6, 29, "nope")]
    assert_balanced(result, 4)


def test_trailing_commas(tmp_path: Path) -> None:
    arr = pt.io.read_json(write(tmp_path, "c.json", '[{"a": 1}, {"a": 2},]'))
    assert arr.table.column("a").to_pylist() == [1, 2]
    assert rejected(arr) == [(1, 20, "empty array element (a doubled or trailing comma)", "")]
    doubled = pt.io.read_json(write(tmp_path, "d.json", '[{"a": 1},, {"a": 2}]'))
    assert doubled.table.column("a").to_pylist() == [1, 2]
    assert doubled.rejected.num_rows == 1
    # A comma after an NDJSON record is an error, and so is one closing an object (RFC 8259).
    nd = pt.io.read_json(write(tmp_path, "c.ndjson", '{"a": 1},\n{"a": 2, }\n{"a": 3}\n'))
    assert nd.table.column("a").to_pylist() == [3]
    assert rejected(nd, "line", "reason", "raw") == [
        (1, "unexpected ',' after the record at byte 8 of the record", '{"a": 1},'),
        (2, "trailing comma at byte 9 of the record", '{"a": 2, }'),
    ]


def test_data_after_the_array(tmp_path: Path) -> None:
    result = pt.io.read_json(write(tmp_path, "x.json", '[{"a": 1}]\n\nextra\n[{"a": 2}]'))
    assert result.table.column("a").to_pylist() == [1]
    assert rejected(result, "line", "reason", "raw") == [
        (3, "data after the closing ']' of the array", "extra"),
        (4, "data after the closing ']' of the array", '[{"a": 2}]'),
    ]


def test_records_that_are_not_objects(tmp_path: Path) -> None:
    path = write(tmp_path, "n.ndjson", '{"a": 1}\n[1, 2]\nnull\n3\n"s"\n{"a": 2} {"a": 3}\n')
    result = pt.io.read_json(path)
    assert result.table.column("a").to_pylist() == [1]
    assert [r[0] for r in rejected(result, "line")] == [2, 3, 4, 5, 6]
    assert rejected(result, "reason")[-1] == ("more than one JSON value in the record",)


def test_deeply_nested(tmp_path: Path) -> None:
    depth = 2000
    deep = '{"d": ' * depth + "1" + "}" * depth
    text = f'{{"a": 1}}\n{{"a": 2, "n": {deep}}}\n'
    result = pt.io.read_json(write(tmp_path, "deep.ndjson", text))
    # No depth limit in the check, splitter or decoder; an inferred schema stops at 32 levels,
    # the record counting as one (deeper keys are ignored like unknown keys); the record is a row.
    assert result.table.column("a").to_pylist() == [1, 2]
    assert result.rejected.num_rows == 0
    assert struct_depth(result.table.schema.field("n").type) == 31
    inner = result.table.column("n")[1].as_py()
    for _ in range(30):
        inner = inner["d"]
    assert inner == {}
    arr = pt.io.read_json(write(tmp_path, "deep.json", f'[{{"a": 1}}, {{"a": 2, "n": {deep}}}]'))
    assert arr.table.column("a").to_pylist() == [1, 2]
    assert arr.rejected.num_rows == 0
    shallow = '{"d": ' * 3 + "1" + "}" * 3
    nested = pt.io.read_json(write(tmp_path, "n.ndjson", f'{{"n": {shallow}}}\n'))
    assert nested.table.to_pylist() == [{"n": {"d": {"d": {"d": 1}}}}]


@pytest.mark.slow
def test_very_long_record(tmp_path: Path) -> None:
    long = "x" * 5_000_000
    text = f'{{"a": 1, "s": "a"}}\n{{"a": 2, "s": "{long}"}}\n{{"a": 3, "s": "b"}}\n'
    for chunk_bytes in (64, 1 << 21):
        result = pt.io.read_json(write(tmp_path, "l.ndjson", text), chunk_bytes=chunk_bytes)
        assert result.table.column("a").to_pylist() == [1, 2, 3]
        assert [len(s) for s in result.table.column("s").to_pylist()] == [1, 5_000_000, 1]
    arr = f'[{{"a": 1}}, {{"a": 2, "s": "{long}"}}, {{"a": 3, "s": "b\\"]"}}]'
    result = pt.io.read_json(write(tmp_path, "l.json", arr), chunk_bytes=1000)
    assert result.table.column("a").to_pylist() == [1, 2, 3]
    bad = write(tmp_path, "lb.ndjson", f'{{"a": 1}}\n{{"a": "{long}\n')
    result = pt.io.read_json(bad)
    assert rejected(result, "line", "offset", "reason") == [(2, 9, TRUNCATED)]
    raw = result.rejected.to_pylist()[0]
    assert len(raw["raw"]) == pt.io.RAW_TEXT_LIMIT
    assert raw["raw_bytes"] == len(long) + 7


def test_invalid_utf8(tmp_path: Path) -> None:
    data = b'{"s": "ok"}\n{"s": "caf\xe9"}\n{"s": "\xc3\xa9"}\n'
    result = pt.io.read_json(write(tmp_path, "u.ndjson", data))
    assert result.table.column("s").to_pylist() == ["ok", "é"]
    reason = "invalid UTF-8 in string at byte 7 of the record"
    assert rejected(result) == [(2, 12, reason, '{"s": "caf\ufffd"}')]


def struct_depth(t: pa.DataType) -> int:
    depth = 0
    while pa.types.is_struct(t):
        depth += 1
        t = t.field(0).type if t.num_fields else pa.null()
    return depth


# --- errors ------------------------------------------------------------------------------------


def test_raise_names_the_first_bad_record_in_file_order(tmp_path: Path) -> None:
    lines = [json.dumps({"a": i}) for i in range(20_000)]
    lines[15_000] = '{"a": }'
    lines[17_000] = "bad"
    path = write(tmp_path, "r.ndjson", "\n".join(lines))
    offset = sum(len(line) + 1 for line in lines[:15_000])
    with pytest.raises(pt.JsonFormatError) as info:
        pt.io.read_json(path, on_error="raise", chunk_bytes=4096)
    assert (info.value.line, info.value.offset) == (15_001, offset)
    assert info.value.reason == "expected a value, found '}' at byte 6 of the record"
    reader = pt.io.iter_json(path, on_error="raise", chunk_bytes=4096, batch_rows=1000)
    got = 0
    with pytest.raises(pt.JsonFormatError, match="line 15001"):
        for batch in reader:
            got += batch.num_rows
    assert got <= 15_000
