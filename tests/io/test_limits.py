"""pt.io's limits: record size, linear time, Ctrl-C, and the encodings it names."""

from __future__ import annotations

import bz2
import gzip
import json
import re
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pollutrack as pt
import pytest
from support.io_helpers import rejected, write

MIB = 1024 * 1024


def long_line_gzip(path: Path, mib: int, before: bytes, after: bytes) -> int:
    """A gzip file holding ``before``, then ``mib`` MiB of ``x``, then ``after``, as members."""
    block = gzip.compress(b"x" * (16 * MIB), compresslevel=1)
    with path.open("wb") as out:
        out.write(gzip.compress(before))
        for _ in range(mib // 16):
            out.write(block)
        out.write(gzip.compress(after))
    return mib * MIB


def test_record_over_the_limit_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "long.ndjson.gz"
    size = long_line_gzip(path, 32, b'{"a": 1}\n{"a": 2, "s": "', b'"}\n{"a": 3}\n')
    result = pt.io.read_json(path)
    assert result.table.column("a").to_pylist() == [1, 3]
    (bad,) = result.rejected.to_pylist()
    assert (bad["line"], bad["offset"], bad["raw_bytes"]) == (2, 9, size + 17)
    assert bad["reason"] == (
        "record longer than 16777216 bytes (max_record_bytes); its first bytes are kept in raw"
    )
    assert bad["raw"] == '{"a": 2, "s": "' + "x" * (pt.io.RAW_TEXT_LIMIT - 15)
    raised = pt.io.read_json(path, max_record_bytes=40 * MIB)
    assert raised.table.column("a").to_pylist() == [1, 2, 3]
    assert len(raised.table.column("s")[1].as_py()) == size


def test_array_element_over_the_limit(tmp_path: Path) -> None:
    text = '[{"a": 1},\n {"a": 2, "s": "' + "y" * 5000 + '"},\n {"a": 3}]'
    path = write(tmp_path, "a.json", text)
    for chunk_bytes in (64, 1000, 1 << 20):  # streamed past, or whole in a chunk
        result = pt.io.read_json(path, max_record_bytes=1000, chunk_bytes=chunk_bytes)
        assert result.table.column("a").to_pylist() == [1, 3]
    assert rejected(result, "line", "offset")[0] == (2, 12)
    assert result.rejected["raw_bytes"].to_pylist() == [5017]
    streamed = pt.io.iter_json(path, max_record_bytes=1000)
    assert [r for b in streamed for r in b.column("a").to_pylist()] == [1, 3]


def test_a_long_whitespace_line_reads_in_linear_time(tmp_path: Path) -> None:
    # Quadratic before: 64 MB took 1.1 s and 256 MB 17 s.
    path = tmp_path / "ws.ndjson.gz"
    path.write_bytes(gzip.compress(b'{"a": 1}\n' + b" " * (256 * MIB) + b'\n{"a": 2}\n', 1))
    start = time.monotonic()
    result = pt.io.read_json(path)
    assert time.monotonic() - start < 8
    assert result.table.column("a").to_pylist() == [1, 2]
    assert rejected(result, "line") == []


@pytest.mark.slow
def test_a_2_gb_line_in_a_small_gzip(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ndjson.gz"
    size = long_line_gzip(path, 2048, b'{"a": 1}\n{"s": "', b'"}\n{"a": 2}\n')
    assert path.stat().st_size < 20 * MIB
    result = pt.io.read_json(path)
    assert result.table.column("a").to_pylist() == [1, 2]
    assert rejected(result, "line")[0] == (2,)
    assert result.rejected["raw_bytes"].to_pylist() == [size + 9]


SIGINT_SCRIPT = textwrap.dedent(
    """
    import json, os, signal, sys, threading, time
    import pyarrow as pa
    import pollutrack as pt

    big, small = sys.argv[1], sys.argv[2]
    calls = {
        "read_json": lambda: pt.io.read_json(big),
        "iter_json": lambda: list(pt.io.iter_json(big, schema=pa.schema({"a": pa.int64()}))),
    }
    out = {}
    for name, call in calls.items():
        sent = []
        def interrupt():
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)
        threading.Timer(0.3, interrupt).start()
        try:
            call()
            out[name] = "not interrupted"
        except KeyboardInterrupt:
            out[name] = time.monotonic() - sent[0]
    out["after"] = pt.io.read_json(small).table.num_rows
    print(json.dumps(out))
    """
)


def test_ctrl_c_stops_a_read_within_a_second(tmp_path: Path) -> None:
    big = tmp_path / "big.ndjson.gz"
    # 8 GiB of one line behind 8 MB: seconds of work, however fast the machine.
    long_line_gzip(big, 8192, b'{"s": "', b'"}\n{"a": 2}\n')
    small = write(tmp_path, "small.ndjson", '{"a": 1}\n{"a": 2}\n')
    script = write(tmp_path, "sigint.py", SIGINT_SCRIPT)
    run = subprocess.run(
        [sys.executable, str(script), str(big), str(small)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = json.loads(run.stdout)
    assert isinstance(out["read_json"], float), out
    assert isinstance(out["iter_json"], float), out
    assert out["read_json"] < 1.0 and out["iter_json"] < 1.0, out
    assert out["after"] == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"a": 1}\n'.encode("utf-16"), "UTF-16 (little-endian) text; JSON must be UTF-8"),
        ('{"a": 1}\n'.encode("utf-16-be"), "UTF-16 (big-endian) text; JSON must be UTF-8"),
        (zlib.compress(b'{"a": 1}\n'), "zlib-compressed (not gzip): decompress it first"),
        (bz2.compress(b'{"a": 1}\n'), "bzip2-compressed: decompress it first"),
        (gzip.compress('{"a": 1}\n'.encode("utf-16")), "UTF-16 (little-endian) text"),
    ],
)
def test_encodings_and_compressions_are_named(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "x.json", data)
    with pytest.raises(OSError, match=r"x\.json: the file (is|looks like) .*" + re.escape(message)):
        pt.io.read_json(path)


def test_gzip_trailing_garbage_and_truncation(tmp_path: Path) -> None:
    member = gzip.compress(b'{"a": 1}\n')
    garbage = write(tmp_path, "g.json.gz", member + b"garbage!")
    message = "trailing garbage after the gzip stream: data that is not gzip at compressed byte"
    message = f"{message} {len(member)}"
    with pytest.raises(OSError, match=message):
        pt.io.read_json(garbage)
    padded = write(tmp_path, "p.json.gz", member + member + b"\0" * 512)
    with pytest.raises(OSError, match=f"zero padding at compressed byte {2 * len(member)}"):
        pt.io.read_json(padded)
    cut = write(tmp_path, "c.json.gz", gzip.compress(b'{"a": 1}\n' * 1000)[:-4])
    with pytest.raises(OSError, match="truncated gzip stream: the file ends inside a gzip member"):
        pt.io.read_json(cut)
    assert pt.io.read_json(write(tmp_path, "ok.json.gz", member * 3)).table.num_rows == 3
