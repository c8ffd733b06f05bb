"""Benchmark ``pt.Mapping.apply`` against the usual ways of mapping values in Python.

Workload (seeded): ``--rows`` rows (10 million by default) with three string fields of 1,000
distinct values each, drawn uniformly; 10 of each field's 1,000 values have no rule (1 % of
values unmapped), and the sheet has 3,000 rules (990 used + 10 unused per field). Unmapped
values become null.

Competitors, each timed on the three fields and starting from its own form of the same data
(prepared before timing):

* pandas ``Series.map(dict)`` on a pandas DataFrame,
* polars ``replace_strict(old, new, default=None)``,
* pyarrow ``pc.index_in`` + ``pc.take``,
* DuckDB: a LEFT JOIN per field against the rule tables (no ORDER BY: a row id is returned
  and the rows are put back in order outside the timing, which favours DuckDB).

pollutrack's time includes its unmapped report (counts, first rows, suggestions). It is timed
on plain strings at all threads and at one thread, and on dictionary-encoded columns. Before
timing, every competitor's output is checked to equal pollutrack's on every row.

Run ``python benches/bench_mapping.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pollutrack as pt
import pyarrow as pa
import pyarrow.compute as pc
from timing import MIN_SECONDS, best_of

FIELDS = ("department", "status", "cost_centre")
DISTINCT = 1_000
UNMAPPED = 10  # per field: 1 % of the distinct values
UNUSED_RULES = 10  # per field: rules for values the data never has
TARGET_VS_FASTEST = 2.0
TARGET_DICT_VS_PLAIN = 10.0


def value(field: str, k: int) -> str:
    return f"{field.title()} {k:04d}"


def target(field: str, k: int) -> str:
    return f"{field.upper()}-{k * 7919 % 100_000:05d}"


def make_rules() -> dict[str, dict[str, str]]:
    """Per field: rules for values 0..989 and for 10 values the data never has."""
    rules: dict[str, dict[str, str]] = {}
    for field in FIELDS:
        mapped = range(DISTINCT - UNMAPPED)
        unused = range(DISTINCT, DISTINCT + UNUSED_RULES)
        rules[field] = {value(field, k): target(field, k) for k in [*mapped, *unused]}
    return rules


def make_tables(rows: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """The same data as plain strings and dictionary-encoded."""
    rng = np.random.default_rng(seed)
    plain, encoded = {}, {}
    for field in FIELDS:
        dictionary = pa.array([value(field, k) for k in range(DISTINCT)])
        indices = pa.array(rng.integers(0, DISTINCT, rows, dtype=np.int32))
        encoded[field] = pa.DictionaryArray.from_arrays(indices, dictionary)
        plain[field] = encoded[field].cast(pa.string())
    return pa.table(plain), pa.table(encoded)


def write_sheet(rules: dict[str, dict[str, str]], path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["field", "source", "target"])
    for field, pairs in rules.items():
        for s, t in pairs.items():
            ws.append([field, s, t])
    wb.save(path)
    return path


# --- the tools; each returns the three mapped columns in FIELDS order -------------------------
def make_pt(mapping: pt.Mapping) -> Callable[[Any], list[Any]]:
    def run(table: pa.Table) -> list[Any]:
        res = mapping.apply(table)
        assert res.report.num_rows == UNMAPPED * len(FIELDS)
        return [res.table.column(f"{f}_mapped") for f in FIELDS]

    return run


def make_pandas(rules: dict[str, dict[str, str]]) -> Callable[[Any], list[Any]]:
    return lambda df: [df[f].map(rules[f]) for f in FIELDS]


def make_polars(rules: dict[str, dict[str, str]]) -> Callable[[Any], list[Any]]:
    import polars as pl

    def run(df: Any) -> list[Any]:
        exprs = [
            pl.col(f).replace_strict(
                list(rules[f]), list(rules[f].values()), default=None, return_dtype=pl.String
            )
            for f in FIELDS
        ]
        out = df.select(exprs)
        return [out[f] for f in FIELDS]

    return run


def make_pyarrow(rules: dict[str, dict[str, str]]) -> Callable[[Any], list[Any]]:
    keys = {f: pa.array(list(rules[f])) for f in FIELDS}
    targets = {f: pa.array(list(rules[f].values())) for f in FIELDS}
    return lambda t: [
        pc.take(targets[f], pc.index_in(t.column(f), value_set=keys[f])) for f in FIELDS
    ]


def make_duckdb(rules: dict[str, dict[str, str]], threads: int) -> Callable[[Any], list[Any]]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    for i, f in enumerate(FIELDS):
        con.register(
            f"rules{i}", pa.table({"source": list(rules[f]), "target": list(rules[f].values())})
        )
    joins = " ".join(
        f"LEFT JOIN rules{i} r{i} ON t.{f} = r{i}.source" for i, f in enumerate(FIELDS)
    )
    select = ", ".join(f"r{i}.target AS {f}" for i, f in enumerate(FIELDS))

    def run(table: pa.Table) -> list[Any]:
        con.register("t", table)  # Arrow scan, no copy
        try:
            return [con.sql(f"SELECT t.rid, {select} FROM t {joins}").to_arrow_table()]
        finally:
            con.unregister("t")

    return run


def duckdb_in_order(out: list[Any]) -> list[Any]:
    table = out[0]
    order = pc.sort_indices(table.column("rid"))
    return [pc.take(table.column(f), order) for f in FIELDS]


def as_arrow(columns: list[Any]) -> list[pa.Array]:
    out = []
    for c in columns:
        if hasattr(c, "to_arrow"):  # polars Series
            c = c.to_arrow()
        elif hasattr(c, "array") and not isinstance(c, pa.ChunkedArray | pa.Array):  # pandas
            c = pa.array(c, pa.string(), from_pandas=True)
        if isinstance(c, pa.ChunkedArray):
            c = c.combine_chunks()
        out.append(c.cast(pa.string()))
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=10_000_000, help="rows (default 10_000_000)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per tool, best kept (3)")
    p.add_argument("--seed", type=int, default=20261121, help="data seed")
    p.add_argument(
        "--duckdb-threads", type=int, default=os.cpu_count() or 1, help="DuckDB threads (all)"
    )
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rules = make_rules()
    plain, encoded = make_tables(args.rows, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        sheet = write_sheet(rules, Path(tmp) / "rules.xlsx")
        start = time.perf_counter()
        mapping = pt.Mapping.from_excel(sheet)
        load_seconds = time.perf_counter() - start
    assert len(mapping) == sum(len(r) for r in rules.values()) == 3_000

    import pandas as pd
    import polars as pl

    inputs: dict[str, Any] = {
        "pandas": pd.DataFrame({f: plain.column(f).to_numpy(zero_copy_only=False) for f in FIELDS}),
        "polars": pl.from_arrow(plain),
        "pyarrow": plain,
        "duckdb": plain.append_column("rid", pa.array(np.arange(args.rows))),
    }
    tools: dict[str, tuple[Callable[[Any], list[Any]], Any]] = {
        "pandas Series.map": (make_pandas(rules), inputs["pandas"]),
        "polars replace_strict": (make_polars(rules), inputs["polars"]),
        "pyarrow index_in + take": (make_pyarrow(rules), inputs["pyarrow"]),
        f"DuckDB LEFT JOIN ({args.duckdb_threads} threads)": (
            make_duckdb(rules, args.duckdb_threads),
            inputs["duckdb"],
        ),
    }
    ours = make_pt(mapping)
    expected = as_arrow(ours(plain))
    for name, (fn, data) in tools.items():
        out = fn(data)
        got = as_arrow(duckdb_in_order(out) if name.startswith("DuckDB") else out)
        for f, e, g in zip(FIELDS, expected, got, strict=True):
            if not e.equals(g):
                print(f"MISMATCH: {name} differs from pollutrack on field {f}", file=sys.stderr)
                return 1
    encoded_out = as_arrow(ours(encoded))
    assert all(e.equals(g) for e, g in zip(expected, encoded_out, strict=True)), (
        "dictionary output differs"
    )
    print(
        f"verified: every tool gives pollutrack's output on all {args.rows:,} rows "
        f"x {len(FIELDS)} fields"
    )

    timings: dict[str, float] = {}
    threads = pt.get_num_threads()
    timings[f"pollutrack, plain strings, {threads} threads"] = best_of(
        lambda: ours(plain), args.repeat
    )
    pt.set_num_threads(1)
    timings["pollutrack, plain strings, 1 thread"] = best_of(lambda: ours(plain), args.repeat)
    pt.set_num_threads(threads)
    timings[f"pollutrack, dictionary-encoded, {threads} threads"] = best_of(
        lambda: ours(encoded), args.repeat
    )
    for name, (fn, data) in tools.items():
        timings[name] = best_of(lambda fn=fn, data=data: fn(data), args.repeat)

    ours_plain = timings[f"pollutrack, plain strings, {threads} threads"]
    ours_dict = timings[f"pollutrack, dictionary-encoded, {threads} threads"]
    print(
        f"\n{args.rows:,} rows x {len(FIELDS)} string fields, {len(mapping):,} rules, "
        f"best of {args.repeat} runs or more (each tool is timed for at least {MIN_SECONDS:g} s)"
    )
    print(f"{'tool':<46} {'seconds':>9} {'x pollutrack plain':>19}")
    for name, seconds in sorted(timings.items(), key=lambda kv: kv[1]):
        print(f"{name:<46} {seconds:>9.3f} {seconds / ours_plain:>19.2f}")
    print(f"(loading the 3,000-rule .xlsx: {load_seconds:.3f} s, not included above)")

    fastest_name = min(tools, key=lambda n: timings[n])
    vs_fastest = timings[fastest_name] / ours_plain
    dict_ratio = ours_plain / ours_dict
    verdict = lambda ok: "PASS" if ok else "MISS"  # noqa: E731
    print(
        f"\ntarget: >= {TARGET_VS_FASTEST:g}x faster than the fastest other tool ({fastest_name}): "
        f"{vs_fastest:.2f}x {verdict(vs_fastest >= TARGET_VS_FASTEST)}"
    )
    print(
        f"target: dictionary input >= {TARGET_DICT_VS_PLAIN:g}x faster than our plain strings: "
        f"{dict_ratio:.1f}x {verdict(dict_ratio >= TARGET_DICT_VS_PLAIN)}"
    )
    if args.json:
        result = {
            "rows": args.rows,
            "fields": len(FIELDS),
            "rules": len(mapping),
            "repeat": args.repeat,
            "seconds": timings,
            "load_xlsx_seconds": load_seconds,
            "fastest_other": fastest_name,
            "speedup_vs_fastest": vs_fastest,
            "dictionary_speedup": dict_ratio,
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "pollutrack": pt.__version__,
            },
        }
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
