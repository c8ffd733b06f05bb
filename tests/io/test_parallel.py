"""pt.io in parallel: rows + rejected = records, order, threads, streaming, AQI from JSON."""

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
from support.io_helpers import assert_balanced, write


@pytest.fixture
def restore_threads() -> Any:
    before = pt.get_num_threads()
    yield
    pt.set_num_threads(before)


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
