"""Benchmark ``pt.io.read_json`` / ``pt.io.iter_json`` against the usual JSON readers.

Workload: 1,000,000 readings (station id, ISO-8601 timestamp, six pollutant floats;
about 126 MB) written once as NDJSON and once as one JSON array, in a temporary directory.

Competitors, each reading the same files into Arrow or a DataFrame:

* ``pyarrow.json.read_json`` (NDJSON only: it cannot read a top-level array),
* ``polars.read_ndjson`` (NDJSON) and ``polars.read_json`` (array),
* DuckDB ``read_json`` (both; ``format=newline_delimited`` / ``array``) to an Arrow table,
* ``pandas.read_json`` (``lines=True`` for NDJSON; the array without ``lines``).

Every tool is first checked to return the same row count, station ids and per-column sums of
the six floats as the generator wrote. Then best-of-N wall times, the ratios and the
targets (PASS/MISS). Peak memory is measured in fresh subprocesses (``VmHWM`` minus the RSS
just before the call, from /proc/self/status, after a warm-up read of a 10-record file):
``read_json`` on the NDJSON file against the returned table's size, and ``iter_json`` over a
large file (``--big-gb``, default 2 GB, made by repeating the NDJSON file; 0 skips it).

Run ``python benches/bench_io.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.json as pajson

try:
    import duckdb
except ImportError:  # pragma: no cover - optional competitor
    duckdb = None
try:
    import polars as pl
except ImportError:  # pragma: no cover
    pl = None
try:
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None

import pollutrack as pt

POLLUTANTS = ("pm25", "pm10", "o3", "no2", "so2", "co")
TARGET_NDJSON_SPEEDUP = 1.1
TARGET_ARRAY_OVER_NDJSON = 1.2
TARGET_MEMORY_RATIO = 1.5
TARGET_STREAM_MB = 500


def generate(records: int, seed: int) -> tuple[list[str], dict[str, float]]:
    """Returns the NDJSON lines and the per-column sums the readers must reproduce."""
    rng = np.random.default_rng(seed)
    stations = rng.integers(1, 1000, records)
    start = np.datetime64("2024-01-01T00:00:00")
    times = np.datetime_as_string(start + np.arange(records).astype("timedelta64[s]") * 60)
    scale = {"pm25": 40.0, "pm10": 80.0, "o3": 0.05, "no2": 30.0, "so2": 10.0, "co": 0.8}
    digits = {"pm25": 1, "pm10": 1, "o3": 3, "no2": 1, "so2": 1, "co": 2}
    cols = {p: np.round(rng.gamma(2.0, scale[p] / 2, records), digits[p]) for p in POLLUTANTS}
    text = {p: np.char.mod(f"%.{digits[p]}f", cols[p]) for p in POLLUTANTS}
    lines = [
        f'{{"station": "S{s:04d}", "time": "{t}Z", "pm25": {a}, "pm10": {b}, "o3": {c}, '
        f'"no2": {d}, "so2": {e}, "co": {f}}}'
        for s, t, a, b, c, d, e, f in zip(
            stations.tolist(), times.tolist(), *(text[p].tolist() for p in POLLUTANTS), strict=True
        )
    ]
    sums = {p: float(np.sum(cols[p])) for p in POLLUTANTS}
    sums["stations"] = float(stations.sum())
    return lines, sums


def write_files(tmp: Path, lines: list[str]) -> tuple[Path, Path]:
    nd, arr = tmp / "readings.ndjson", tmp / "readings.json"
    nd.write_text("\n".join(lines) + "\n")
    arr.write_text("[\n" + ",\n".join(lines) + "\n]\n")
    return nd, arr


def pt_read(path: Path) -> pa.Table:
    result = pt.io.read_json(path)
    assert result.rejected.num_rows == 0
    return result.table


def duck_read(path: Path, fmt: str) -> pa.Table:
    con = duckdb.connect()
    con.execute("SET threads=2")
    sql = f"SELECT * FROM read_json('{path}', format='{fmt}')"
    rel = con.sql(sql)
    return rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()


def tools(nd: Path, arr: Path) -> dict[str, Callable[[], Any]]:
    out: dict[str, Callable[[], Any]] = {
        "pollutrack read_json (NDJSON)": lambda: pt_read(nd),
        "pollutrack read_json (array)": lambda: pt_read(arr),
        "pyarrow.json.read_json (NDJSON)": lambda: pajson.read_json(nd),
        "pyarrow.json.read_json (array)": lambda: pajson.read_json(arr),
    }
    if pl is not None:
        out["polars.read_ndjson (NDJSON)"] = lambda: pl.read_ndjson(nd)
        out["polars.read_json (array)"] = lambda: pl.read_json(arr)
    if duckdb is not None:
        out["duckdb read_json (NDJSON)"] = lambda: duck_read(nd, "newline_delimited")
        out["duckdb read_json (array)"] = lambda: duck_read(arr, "array")
    if pd is not None:
        out["pandas.read_json lines=True (NDJSON)"] = lambda: pd.read_json(nd, lines=True)
        out["pandas.read_json lines=True (array)"] = lambda: pd.read_json(arr, lines=True)
        out["pandas.read_json (array)"] = lambda: pd.read_json(arr)
    return out


def check(result: Any, records: int, sums: dict[str, float]) -> str:
    """'ok' when the result has every record and the generator's sums, else what differs."""
    table = result if isinstance(result, pa.Table) else pa.table(result)
    if table.num_rows != records:
        return f"WRONG: {table.num_rows} rows"
    for p in POLLUTANTS:
        got = float(np.sum(table.column(p).to_numpy()))
        if not np.isclose(got, sums[p], rtol=1e-9):
            return f"WRONG: sum({p}) {got} != {sums[p]}"
    ids = table.column("station").to_pandas().str.slice(1).astype(int).sum()
    if float(ids) != sums["stations"]:
        return "WRONG: station ids"
    return "ok"


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


MEMORY_SCRIPT = r"""
import json, sys
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
import os, tempfile
import pollutrack as pt
mode, path, batch_rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
# Warm-up on a 10-record file, so one-time loading (pyarrow's kernels, the thread pool) is not
# counted as the read's memory.
with open(path, "rb") as f:
    first = f.readline()
fd, tiny = tempfile.mkstemp(suffix=".ndjson")
os.write(fd, first * 10)
os.close(fd)
pt.io.read_json(tiny)
list(pt.io.iter_json(tiny))
os.unlink(tiny)
before = status("VmRSS:")
if mode == "read":
    result = pt.io.read_json(path)
    size, rows = result.table.get_total_buffer_size(), result.table.num_rows
else:
    rows = size = 0
    for batch in pt.io.iter_json(path, batch_rows=batch_rows):
        rows += batch.num_rows
        size = max(size, batch.get_total_buffer_size())
print(json.dumps({"rows": rows, "size": size, "before": before, "peak": status("VmHWM:")}))
"""


def memory(mode: str, path: Path, batch_rows: int = 65_536) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, mode, str(path), str(batch_rows)],
        check=True,
        capture_output=True,
        text=True,
    )
    m = json.loads(out.stdout)
    m["growth"] = m["peak"] - m["before"]
    return m


def make_big(nd: Path, tmp: Path, gigabytes: float) -> tuple[Path, int]:
    big = tmp / "big.ndjson"
    data = nd.read_bytes()
    copies = max(1, round(gigabytes * 1e9 / len(data)))
    with big.open("wb") as f:
        for _ in range(copies):
            f.write(data)
    return big, copies


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=1_000_000, help="records (1_000_000)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per tool, best kept (3)")
    p.add_argument("--seed", type=int, default=20240501)
    p.add_argument("--big-gb", type=float, default=2.0, help="iter_json file size, 0 skips (2)")
    p.add_argument("--dir", help="where to write the files (default: a temporary directory)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    return p.parse_args(argv)


def report(timings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ours_nd = timings["pollutrack read_json (NDJSON)"]["seconds"]
    ours_arr = timings["pollutrack read_json (array)"]["seconds"]
    print(f"\n{'tool':<40} {'seconds':>9} {'/ pt NDJSON':>12}  check")
    for name in sorted(timings, key=lambda k: timings[k].get("seconds") or float("inf")):
        row = timings[name]
        if row.get("seconds") is None:
            print(f"{name:<40} {'-':>9} {'-':>12}  {row['check']}")
            continue
        row["ratio_vs_pt_ndjson"] = row["seconds"] / ours_nd
        print(
            f"{name:<40} {row['seconds']:9.3f} {row['ratio_vs_pt_ndjson']:11.2f}x  {row['check']}"
        )
    rivals = [
        v["seconds"]
        for k, v in timings.items()
        if "(NDJSON)" in k and not k.startswith("pollutrack") and v.get("check") == "ok"
    ]
    targets: dict[str, Any] = {}
    if rivals:
        fastest = min(rivals)
        speedup = fastest / ours_nd
        ok = speedup >= TARGET_NDJSON_SPEEDUP
        targets["ndjson_vs_fastest"] = {
            "speedup": speedup,
            "target": f">= {TARGET_NDJSON_SPEEDUP}",
            "pass": ok,
        }
        print(
            f"\ntarget NDJSON: fastest competitor / pollutrack = {speedup:.2f}"
            f" (>= {TARGET_NDJSON_SPEEDUP})  {'PASS' if ok else 'MISS'}"
        )
    r = ours_arr / ours_nd
    ok = r <= TARGET_ARRAY_OVER_NDJSON
    targets["array_vs_ndjson"] = {
        "ratio": r,
        "target": f"<= {TARGET_ARRAY_OVER_NDJSON}",
        "pass": ok,
    }
    print(f"target array / NDJSON (pollutrack) = {r:.2f} (<= 1.2)  {'PASS' if ok else 'MISS'}")
    return targets


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"pollutrack {pt.__version__} ({pt.get_num_threads()} threads), pyarrow {pa.__version__}"
        + (f", polars {pl.__version__}" if pl else "")
        + (f", duckdb {duckdb.__version__}" if duckdb else "")
        + (f", pandas {pd.__version__}" if pd else "")
    )
    with tempfile.TemporaryDirectory(dir=args.dir) as tmpname:
        tmp = Path(tmpname)
        t0 = time.perf_counter()
        lines, sums = generate(args.records, args.seed)
        nd, arr = write_files(tmp, lines)
        del lines
        print(
            f"data: {args.records:_} records; NDJSON {nd.stat().st_size / 1e6:.1f} MB, array "
            f"{arr.stat().st_size / 1e6:.1f} MB; written in {time.perf_counter() - t0:.1f} s"
        )
        timings: dict[str, dict[str, Any]] = {}
        for name, fn in tools(nd, arr).items():
            try:
                status = check(fn(), args.records, sums)  # also the warm-up run
            except Exception as e:  # a reader that cannot read the file at all
                timings[name] = {"seconds": None, "check": f"fails: {type(e).__name__}"}
                continue
            repeat = 1 if name == "pandas.read_json (array)" else args.repeat
            timings[name] = {"seconds": best_of(fn, repeat), "check": status}
        threads = pt.get_num_threads()
        try:
            pt.set_num_threads(1)
            timings["pollutrack read_json (NDJSON), 1 thread"] = {
                "seconds": best_of(lambda: pt_read(nd), args.repeat),
                "check": "ok",
            }
        finally:
            pt.set_num_threads(threads)
        targets = report(timings)

        mem = memory("read", nd)
        ratio = mem["growth"] / mem["size"]
        ok = ratio <= TARGET_MEMORY_RATIO
        targets["read_memory"] = {**mem, "ratio": ratio, "target": "<= 1.5", "pass": ok}
        print(
            f"target read_json peak memory / table size = {mem['growth'] / 1e6:.0f} MB / "
            f"{mem['size'] / 1e6:.0f} MB = {ratio:.2f} (<= 1.5)  {'PASS' if ok else 'MISS'}"
        )
        if args.big_gb > 0:
            big, copies = make_big(nd, tmp, args.big_gb)
            size = big.stat().st_size
            t0 = time.perf_counter()
            mem = memory("iter", big)
            seconds = time.perf_counter() - t0
            ok = mem["growth"] <= TARGET_STREAM_MB * 1e6 and mem["rows"] == copies * args.records
            targets["iter_memory"] = {**mem, "file_bytes": size, "seconds": seconds, "pass": ok}
            print(
                f"target iter_json over {size / 1e9:.2f} GB ({mem['rows']:_} rows, "
                f"{seconds:.1f} s): peak memory growth {mem['growth'] / 1e6:.0f} MB (< 500 MB)"
                f"  {'PASS' if ok else 'MISS'}"
            )
            big.unlink()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(
                {"records": args.records, "timings": timings, "targets": targets}, f, indent=2
            )
        print(f"wrote {args.json}")
    wrong = any(v["check"].startswith("WRONG") for v in timings.values())
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
