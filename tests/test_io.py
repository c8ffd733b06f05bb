"""pt.io.read_json / pt.io.iter_json: formats, malformed input, schemas, threads and order."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

import pollutrack as pt
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

TRUNCATED = "truncated record: it ends inside a value"


@pytest.fixture
def restore_threads() -> Any:
    before = pt.get_num_threads()
    yield
    pt.set_num_threads(before)


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def rejected(result: pt.io.ReadResult, *cols: str) -> list[tuple[Any, ...]]:
    cols = cols or ("line", "offset", "reason", "raw")
    rows = result.rejected.select(list(cols)).to_pylist()
    return [tuple(r[c] for c in cols) for r in rows]


def assert_balanced(result: pt.io.ReadResult, records: int) -> None:
    assert result.table.num_rows + result.rejected.num_rows == records


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
    assert all(
        r.startswith("Encountered unexpected") for r in result.rejected["reason"].to_pylist()
    )
    with pytest.raises(pt.JsonFormatError) as info:
        pt.io.read_json(path, on_error="raise")
    err = info.value
    assert (err.file, err.line, err.offset) == (str(path), 1, 0)
    assert str(err).startswith(f"{path}: line 1, byte offset 0: Encountered unexpected")
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
    # A comma after an NDJSON record is an error; one inside an object is accepted by the
    # arrow-json decoder.
    nd = pt.io.read_json(write(tmp_path, "c.ndjson", '{"a": 1},\n{"a": 2, }\n{"a": 3}\n'))
    assert nd.table.column("a").to_pylist() == [2, 3]
    assert rejected(nd, "line", "raw") == [(1, '{"a": 1},')]


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
    # No depth limit in the splitter or decoder; "n" is not in the inferred schema because the
    # sampler (serde_json) refuses more than 128 levels, so it is ignored like any unknown key.
    assert result.table.to_pylist() == [{"a": 1}, {"a": 2}]
    arr = pt.io.read_json(write(tmp_path, "deep.json", f'[{{"a": 1}}, {{"a": 2, "n": {deep}}}]'))
    assert arr.table.to_pylist() == [{"a": 1}, {"a": 2}]
    shallow = '{"d": ' * 3 + "1" + "}" * 3
    nested = pt.io.read_json(write(tmp_path, "n.ndjson", f'{{"n": {shallow}}}\n'))
    assert nested.table.to_pylist() == [{"n": {"d": {"d": {"d": 1}}}}]


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
    assert rejected(result) == [(2, 12, "Encountered non-UTF-8 data", '{"s": "caf\ufffd"}')]


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
    assert result.table.to_pylist()[1] == {
        "pm25": 40.0,
        "n": 8.0,
        "id": "x7",
        "t": pa.scalar(1714559400, pa.timestamp("s")).as_py(),
        "missing": None,
    }
    assert result.table.column("id").to_pylist() == ["42", "x7"]
    assert rejected(result, "line", "reason") == [
        (3, "whilst decoding field 'pm25': failed to parse \"n/a\" as Float64"),
    ]


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
    # arrow-json reads a fraction in an integer column truncated toward zero (documented).
    assert result.table.column("v").to_pylist() == [1, 2, 2]
    assert rejected(result, "line", "reason") == [
        (4, "whilst decoding field 'v': failed to parse \"x\" as Int64")
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
    assert info.value.reason.startswith("Encountered unexpected '}'")
    reader = pt.io.iter_json(path, on_error="raise", chunk_bytes=4096, batch_rows=1000)
    got = 0
    with pytest.raises(pt.JsonFormatError, match="line 15001"):
        for batch in reader:
            got += batch.num_rows
    assert got <= 15_000


# --- parallel chunks: balance, order, threads --------------------------------------------------


MESSY = pa.schema({"v": pa.int64(), "s": pa.string()})


def messy_file(tmp_path: Path, n: int, seed: int) -> tuple[Path, list[int], int]:
    """NDJSON with random bad records; returns the path, the good values and the record count."""
    rng = random.Random(seed)
    lines: list[str] = []
    good: list[int] = []
    bad = ['{"v": }', "garbage", '{"v": "x"}', '{"v": 1} {"v": 2}', "[1]", '{"v": 1']
    for i in range(n):
        if rng.random() < 0.01:
            lines.append(rng.choice(bad))
        else:
            lines.append(json.dumps({"v": i, "s": "x" * rng.randrange(40)}))
            good.append(i)
        if rng.random() < 0.01:
            lines.append("")
    return write(tmp_path, f"messy{seed}.ndjson", "\n".join(lines) + "\n"), good, n


def test_balance_and_order_across_chunk_sizes(tmp_path: Path) -> None:
    path, good, records = messy_file(tmp_path, 5_000, seed=1)
    for chunk_bytes in (1, 100, 4096, 1 << 21):
        result = pt.io.read_json(path, schema=MESSY, chunk_bytes=chunk_bytes)
        assert result.table.column("v").to_pylist() == good
        assert_balanced(result, records)
        lines = result.rejected.column("line").to_pylist()
        assert lines == sorted(lines)


def test_same_result_at_1_and_n_threads(tmp_path: Path, restore_threads: None) -> None:
    path, good, _ = messy_file(tmp_path, 20_000, seed=2)
    results = []
    for threads in (1, 2, 3):
        pt.set_num_threads(threads)
        result = pt.io.read_json(path, schema=MESSY, chunk_bytes=10_000)
        results.append((result.table.to_pydict(), result.rejected.to_pydict()))
        assert result.table.column("v").to_pylist() == good
    assert results[0] == results[1] == results[2]


def test_multi_megabyte_file_in_several_parallel_chunks(tmp_path: Path) -> None:
    n = 120_000
    records = [
        {"station": f"S{i % 97:03d}", "t": f"2024-01-01T{i % 24:02d}:00:00Z", "pm25": i / 10}
        for i in range(n)
    ]
    nd = write(tmp_path, "big.ndjson", "".join(json.dumps(r) + "\n" for r in records))
    arr = write(tmp_path, "big.json", "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]")
    assert nd.stat().st_size > 3 * pt.io.CHUNK_BYTES
    for path in (nd, arr):
        result = pt.io.read_json(path)
        assert result.table.num_rows == n
        assert result.table.column("pm25").num_chunks >= 3
        assert result.table.column("pm25").to_pylist() == [r["pm25"] for r in records]
        assert result.table.column("station").to_pylist() == [r["station"] for r in records]


@settings(max_examples=40, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(["good", "blank", "trunc", "junk", "two", "utf8"]), max_size=60),
    chunk_bytes=st.integers(1, 300),
    array=st.booleans(),
)
def test_rows_plus_rejected_is_records(
    tmp_path_factory: pytest.TempPathFactory, kinds: list[str], chunk_bytes: int, array: bool
) -> None:
    texts = {
        "good": b'{"v": 1}',
        "trunc": b'{"v": ',
        "junk": b"junk",
        "two": b'{"v": 2} {"v": 3}',
        "utf8": b'{"v": "\xff"}',
    }
    if array:  # an unbalanced element swallows what follows it, so no "trunc" in arrays
        kinds = [k for k in kinds if k != "trunc"]
    records = [texts[k] for k in kinds if k != "blank"]
    if array:
        data = b"[" + b",\n".join(records) + b"]"
    else:
        data = b"\n".join(texts.get(k, b"") for k in kinds)
    path = tmp_path_factory.mktemp("prop") / "p.json"
    path.write_bytes(data)
    schema = pa.schema({"v": pa.int64()})
    fmt = "array" if array else "ndjson"
    result = pt.io.read_json(path, schema=schema, format=fmt, chunk_bytes=chunk_bytes)
    assert result.table.num_rows == sum(k == "good" for k in kinds)
    assert_balanced(result, len(records))


# --- streaming and AQI -------------------------------------------------------------------------


def test_iter_json_batches_and_rejections(tmp_path: Path) -> None:
    path, good, records = messy_file(tmp_path, 3_000, seed=3)
    seen: list[pa.Table] = []
    reader = pt.io.iter_json(
        path, schema=MESSY, batch_rows=100, chunk_bytes=5_000, on_rejected=seen.append
    )
    assert isinstance(reader, pa.RecordBatchReader)
    batches = list(reader)
    assert max(b.num_rows for b in batches) == 100
    assert [v for b in batches for v in b.column("v").to_pylist()] == good
    rejected_rows = sum(t.num_rows for t in seen)
    assert rejected_rows + len(good) == records
    assert seen[0].column_names == ["file", "line", "offset", "reason", "raw", "raw_bytes"]


def test_aqi_from_json_one_liner(tmp_path: Path) -> None:
    records = [
        {"station": "A", "time": "2024-05-01T00:00:00Z", "pm25": 35.49, "pm10": 20.0},
        {"station": "B", "time": "2024-05-01T00:00:00Z", "pm25": 9.05, "pm10": 160.0},
        {"station": "C", "time": "2024-05-01T00:00:00Z", "pm25": "330.0", "pm10": 80},
    ]
    path = write(tmp_path, "aqi.json.gz", gzip.compress(json.dumps(records).encode()))
    schema = pa.schema({"station": pa.string(), "pm25": pa.float64(), "pm10": pa.float64()})
    out = pa.Table.from_batches(list(pt.aqi.compute_stream(pt.io.iter_json(path, schema=schema))))
    assert out.column("aqi").to_pylist() == [100, 103, 509]
    assert out.column("station").to_pylist() == ["A", "B", "C"]
    same = pt.aqi.compute(pt.io.read_json(path, schema=schema).table)
    assert same.column("aqi").to_pylist() == [100, 103, 509]
