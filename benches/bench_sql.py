"""Benchmark: pollutrack's SQL functions in DuckDB against DuckDB's own CASE WHEN and against
calling ``pt.aqi.compute`` directly, on bench_aqi's table (PM2.5 + PM10, 10 M rows).

- ``DuckDB CASE WHEN``: bench_aqi's hand-written SQL for the US EPA 2024 AQI.
- ``pt.aqi.compute``: the engine called from Python on the whole table (every output).
- ``pt_aqi`` / ``pt_aqi_all`` through DuckDB SQL (``pollutrack.duckdb.register``).
- A no-op Arrow UDF (returns a ready array of the right length): DuckDB's own cost of calling
  Python once per vector.
- ``pt_aqi``'s body called from a Python loop on 2,048-row slices, as DuckDB calls it, without
  DuckDB: pollutrack's own cost per call.

Every SQL result is materialised as a pyarrow Table (the AQI column, or the four outputs), and
the AQI is checked against ``pt.aqi.compute`` on all rows before anything is timed. The
per-call overhead is (``pt_aqi`` through SQL - the engine alone on the same rows) / the calls
DuckDB made.

Run: ``python benches/bench_sql.py [--rows 10000000 --repeat 3 --threads 2]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Any

import pyarrow as pa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aqi_competitors import make_duckdb_aqi, make_table
from timing import best_of

VECTOR = 2048  # DuckDB's vector size: the rows of one UDF call


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    ap.add_argument("--seed", type=int, default=20240506)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()

    import duckdb
    import pollutrack as pt
    import pollutrack.duckdb
    from pollutrack import _sql_functions

    table = make_table(args.rows, args.seed)
    con = duckdb.connect()
    con.execute(f"SET threads={args.threads}")
    pollutrack.duckdb.register(con)
    con.register("aqi_input", table)
    ready: dict[int, pa.Array] = {}

    def noop(*cols: Any) -> pa.Array:
        n = len(cols[0])
        if n not in ready:
            ready[n] = pa.array(range(n), pa.int32())
        return ready[n]

    con.create_function("noop", noop, None, "INTEGER", type="arrow", null_handling="special")
    struct = "{'pm25': pm25, 'pm10': pm10}"

    def sql(query: str) -> pa.Table:
        return con.sql(query).to_arrow_table()

    body, _ = _sql_functions.make("pt_", None, {}, {}, labels="dictionary")["pt_aqi"]
    readings = pa.StructArray.from_arrays(
        [table["pm25"].combine_chunks(), table["pm10"].combine_chunks()], names=["pm25", "pm10"]
    )

    def sliced() -> list[pa.Array]:
        return [body(readings.slice(i, VECTOR)) for i in range(0, len(readings), VECTOR)]

    case_when = make_duckdb_aqi(args.threads)  # its own connection, made once
    variants = {
        "DuckDB CASE WHEN (hand-written SQL)": lambda: case_when(table),
        "pt.aqi.compute (Python, every output)": lambda: pt.aqi.compute(table),
        "pt_aqi through DuckDB SQL": lambda: sql(f"SELECT pt_aqi({struct}) AS aqi FROM aqi_input"),
        "pt_aqi_all through DuckDB SQL (the four outputs)": lambda: sql(
            f"SELECT unnest(pt_aqi_all({struct})) FROM aqi_input"
        ),
        "no-op Arrow UDF through DuckDB SQL": lambda: sql(
            f"SELECT noop({struct}) AS x FROM aqi_input"
        ),
        "pt_aqi's body on 2,048-row slices (no DuckDB)": sliced,
    }

    want = pt.aqi.compute(table)["aqi"]
    checks = {
        "DuckDB CASE WHEN (hand-written SQL)": variants["DuckDB CASE WHEN (hand-written SQL)"]()[
            "aqi"
        ],
        "pt_aqi through DuckDB SQL": variants["pt_aqi through DuckDB SQL"]()["aqi"],
        "pt_aqi's body on 2,048-row slices (no DuckDB)": pa.chunked_array(sliced()),
    }
    for name, got in checks.items():
        if not got.equals(want.cast(got.type)):
            raise SystemExit(f"{name} differs from pt.aqi.compute")
    print(f"DuckDB {duckdb.__version__}, {args.rows:,} rows, {args.threads} threads; checked")

    times = {}
    for name, run in variants.items():
        times[name] = best_of(run, args.repeat, warm_up=True)
        print(f"  {name:<52}{times[name]:8.3f} s")
    ours = times["pt_aqi through DuckDB SQL"]
    case = times["DuckDB CASE WHEN (hand-written SQL)"]
    engine = times["pt.aqi.compute (Python, every output)"]
    noop_s = times["no-op Arrow UDF through DuckDB SQL"]
    body_s = times["pt_aqi's body on 2,048-row slices (no DuckDB)"]
    n_calls = math.ceil(args.rows / VECTOR)

    def per_call(seconds: float) -> str:
        return f"{seconds / n_calls * 1e6:.0f} us"

    print(f"  {'pt_aqi / DuckDB CASE WHEN':<52}{ours / case:8.2f}")
    print(f"  {'pt_aqi / pt.aqi.compute':<52}{ours / engine:8.2f}")
    print(
        f"  per call ({n_calls:,} calls of {VECTOR} rows): pt_aqi through SQL minus the engine "
        f"{per_call(ours - engine)}; a no-op UDF {per_call(noop_s)}; pt_aqi's body alone "
        f"{per_call(body_s)}"
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {"rows": args.rows, "threads": args.threads, "calls": n_calls, "seconds": times},
                f,
                indent=1,
            )


if __name__ == "__main__":
    main()
