"""Mutated records: rows + rejected = records, read_json == iter_json, and no row misread.

Valid records are mutated a few characters at a time and written as NDJSON or as an array,
plain or gzip; each file is read at 1 and N threads. Python's ``json`` (made strict: no NaN,
no duplicate keys, finite numbers) is the oracle for which records are rows and what they hold.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from pathlib import Path
from typing import Any

import pollutrack as pt
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

SCHEMA = pa.schema({"station": pa.string(), "pm25": pa.float64(), "n": pa.int64()})
JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
INT = re.compile(r"-?(0|[1-9][0-9]*)")
# Array files keep one element a line: no mutation may touch their structure.
SAFE = "0123456789 \t.-+e:xN\x00\x01é"
ANY = SAFE + '"{}[],\\\n\r'


class InvalidError(ValueError):
    pass


def strict(text: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise InvalidError("duplicate key")
        return dict(items)

    def number(text: str) -> float:
        value = float(text)
        if math.isinf(value):
            raise InvalidError("out of range")
        return value

    def constant(text: str) -> Any:
        raise InvalidError(text)

    return json.loads(
        text, object_pairs_hook=pairs, parse_float=number, parse_constant=constant, strict=True
    )


def expected_row(text: str) -> dict[str, Any] | None:
    """The row a record must give, or None when it must be rejected."""
    try:
        obj = strict(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, dict):
        return None
    row: dict[str, Any] = {}
    station = obj.get("station")
    if isinstance(station, dict | list):
        return None
    row["station"] = station if isinstance(station, str) or station is None else "?"
    pm25 = obj.get("pm25")
    if isinstance(pm25, str):
        if not JSON_NUMBER.fullmatch(pm25) or math.isinf(float(pm25)):
            return None
        pm25 = float(pm25)
    if isinstance(pm25, bool | dict | list | str):
        return None
    row["pm25"] = None if pm25 is None else float(pm25)
    n = obj.get("n")
    if isinstance(n, str):
        if not INT.fullmatch(n):
            return None
        n = int(n)
    if isinstance(n, bool | float | dict | list | str):
        return None
    if n is not None and not -(2**63) <= n < 2**63:
        return None
    row["n"] = n
    return row


records_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "station": st.text("ABé", min_size=1, max_size=4),
            "pm25": st.one_of(
                st.floats(-1e3, 1e3, allow_nan=False),
                st.integers(0, 500),
                st.floats(0, 500, allow_nan=False).map(str),
                st.none(),
            ),
            "n": st.integers(-(2**40), 2**40),
        }
    ),
    min_size=1,
    max_size=30,
)
edits_strategy = st.lists(
    st.tuples(
        st.integers(0, 10**6),
        st.integers(0, 10**6),
        st.sampled_from(["ins", "del", "set"]),
        st.integers(0, 99),
    ),
    max_size=12,
)


def mutate(lines: list[str], edits: list[tuple[int, int, str, int]], alphabet: str) -> list[str]:
    lines = list(lines)
    for which, at, op, char in edits:
        k = which % len(lines)
        line = lines[k]
        i = at % (len(line) + 1)
        c = alphabet[char % len(alphabet)]
        if op != "ins" and i < len(line) and line[i] not in alphabet and line[i] in ANY:
            continue  # a structural character of an array file stays
        if op == "ins":
            line = line[:i] + c + line[i:]
        elif op == "del" and i < len(line):
            line = line[:i] + line[i + 1 :]
        elif i < len(line):
            line = line[:i] + c + line[i + 1 :]
        lines[k] = line
    return lines


def read_all(path: Path, **options: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    result = pt.io.read_json(path, **options)
    seen: list[pa.Table] = []
    streamed = pt.io.iter_json(path, on_rejected=seen.append, batch_rows=7, **options)
    rows = [r for b in streamed for r in b.to_pylist()]
    assert rows == result.table.to_pylist(), "read_json == iter_json"
    rejected = [r for t in seen for r in t.to_pylist()]
    assert rejected == result.rejected.to_pylist(), "same rejections"
    return rows, rejected


@pytest.fixture(scope="module")
def threads() -> Any:
    before = pt.get_num_threads()
    yield (1, 3)
    pt.set_num_threads(before)


@settings(max_examples=100, deadline=None)
@given(records=records_strategy, edits=edits_strategy, array=st.booleans(), gz=st.booleans())
def test_mutated_records(
    tmp_path_factory: pytest.TempPathFactory,
    threads: tuple[int, int],
    records: list[dict[str, Any]],
    edits: list[tuple[int, int, str, int]],
    array: bool,
    gz: bool,
) -> None:
    lines = mutate(
        [json.dumps(r, ensure_ascii=False) for r in records], edits, SAFE if array else ANY
    )
    if array:
        text = "[\n" + ",\n".join(lines) + "\n]\n"
        numbered = [(i + 2, line.strip(" \t")) for i, line in enumerate(lines)]
    else:
        text = "\n".join(lines) + "\n"
        parts = re.split(r"\r\n|\r|\n", text)
        numbered = [(i + 1, p.strip(" \t")) for i, p in enumerate(parts) if p.strip(" \t")]
    data = text.encode()
    path = tmp_path_factory.mktemp("mut") / ("r.json.gz" if gz else "r.json")
    path.write_bytes(gzip.compress(data) if gz else data)
    fmt = "array" if array else "ndjson"
    outcomes = []
    for n in threads:
        pt.set_num_threads(n)
        rows, rejected = read_all(path, schema=SCHEMA, format=fmt, chunk_bytes=64)
        assert len(rows) + len(rejected) == len(numbered), "rows + rejected = records"
        bad_lines = {r["line"] for r in rejected}
        kept = [(line, rec) for line, rec in numbered if line not in bad_lines]
        assert len(kept) == len(rows)
        for (line, rec), row in zip(kept, rows, strict=True):
            want = expected_row(rec)
            assert want is not None, f"line {line} read though invalid: {rec!r}"
            if want["station"] == "?":  # a number kept as its text
                want["station"] = row["station"]
            assert row == want, f"line {line}: {rec!r}"
        for r in rejected:
            rec = dict(numbered)[r["line"]]
            assert expected_row(rec) is None, f"line {r['line']} rejected: {rec!r}: {r['reason']}"
        inferred = read_all(path, format=fmt)
        assert len(inferred[0]) + len(inferred[1]) == len(numbered)
        outcomes.append((rows, rejected, inferred))
    assert outcomes[0] == outcomes[1], "same at 1 and N threads"
