"""Benchmark ``pt.aqi.compute`` against the usual ways of computing a US AQI in Python.

Workload: a seeded table of PM2.5 + PM10 24-h concentrations (float64, all valid, default
10 million rows), US EPA 2024 breakpoints, EPA truncation (PM2.5 to 0.1 ug/m3, PM10 to
1 ug/m3), linear interpolation, round half up, AQI = max of the two sub-indices, values above
the top breakpoint extend the Hazardous (301-500) segment.

Competitors, each starting from the same ``pyarrow.Table``:

* hand-written vectorised numpy,
* polars expressions,
* DuckDB SQL ``CASE WHEN`` over the Arrow table (``SET threads=2``),
* ``pyarrow.compute`` kernels,
* python-aqi (``aqi.to_aqi``) per row, timed on a sample and extrapolated; it uses the
  pre-2024 table and half-even rounding, so it is a speed reference only,
* a plain memory pass (``np.fmax`` of the two columns), the floor for any kernel.

Before timing, every competitor is checked on hand-derived vectors and then on the whole data
set against ``pt.aqi.compute(table)["aqi"]`` (or against each other while pollutrack is not
importable), with a pure-Python exact reference deciding who is right when they disagree.

Run ``python benches/bench_aqi.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aqi_competitors import (
    FMAX,
    JUDGED_ROWS,
    KNOWN_VECTORS,
    PM10_SEGMENTS,
    PM25_SEGMENTS,
    TARGET_DUCKDB_OVER_PT,
    TARGET_PT_OVER_FMAX,
    ToolFn,
    aqi_values,
    column_views,
    duckdb,
    fmax_baseline,
    make_duckdb_aqi,
    make_table,
    numpy_aqi,
    pl,
    polars_aqi,
    pt,
    pt_aqi,
    pyaqi,
    pyarrow_aqi,
    python_aqi_rows,
    python_aqi_sample,
    reference_aqi,
)


# --- timing and checks -------------------------------------------------------------------------
def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Times ``fn`` ``repeat`` times and returns the fastest wall time.

    The collector is paused inside the timed region and the result is freed outside it, so
    neither garbage collection nor deallocation is charged to the tool.

    Args:
        fn: Zero-argument callable.
        repeat: Number of timed runs.

    Returns:
        Seconds.
    """
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
        del out
    return min(times)


def check_known_vectors(tools: dict[str, ToolFn]) -> list[str]:
    """Runs every tool on the hand-derived vectors.

    Args:
        tools: Name -> function.

    Returns:
        One message per failure (empty if all pass).
    """
    failures = []
    for x, y, want in KNOWN_VECTORS:
        got = reference_aqi(x, y)
        if got != want:
            failures.append(f"reference: ({x}, {y}) -> {got}, expected {want}")
    pm25, pm10, want = (np.array(v) for v in zip(*KNOWN_VECTORS, strict=True))
    table = pa.table({"pm25": pm25.astype(np.float64), "pm10": pm10.astype(np.float64)})
    for name, fn in tools.items():
        got = aqi_values(fn(table))
        for i in np.flatnonzero(got != want):
            failures.append(f"{name}: ({pm25[i]}, {pm10[i]}) -> {got[i]}, expected {want[i]}")
    return failures


def verify_full(
    table: pa.Table, results: dict[str, np.ndarray], oracle: str, spot: int, seed: int
) -> tuple[dict[str, str], list[str]]:
    """Compares every tool with the oracle on all rows; the exact reference judges.

    Every tool is also checked against :func:`reference_aqi` on ``spot`` random rows, so an
    error shared by all tools (the oracle included) is caught too. Where a tool and the oracle
    disagree, the reference decides who is wrong on up to ``JUDGED_ROWS`` of those rows.

    Args:
        table: Benchmark input.
        results: Tool name -> int64 AQI array (oracle included).
        oracle: Name of the tool the others are compared with.
        spot: Random rows checked against the reference.
        seed: Seed for choosing those rows.

    Returns:
        (tool -> "ok" or "WRONG: ..." / "ok: ..." note, example rows).
    """
    a, b = column_views(table)
    want = results[oracle]
    notes: list[str] = []
    spot_rows = np.random.default_rng(seed + 1).choice(len(a), min(spot, len(a)), replace=False)
    ref_spot = np.array([reference_aqi(a[i], b[i]) for i in spot_rows.tolist()])
    findings: dict[str, list[str]] = {name: [] for name in results}
    wrong = dict.fromkeys(results, False)
    examples: dict[str, list[int]] = {name: [] for name in results}  # rows shown as evidence
    for name, got in results.items():
        diff = np.flatnonzero(got != want)
        spot_bad = spot_rows[got[spot_rows] != ref_spot]
        if spot_bad.size:
            wrong[name] = True
            findings[name].append(f"{spot_bad.size}/{spot_rows.size} random rows != reference")
        if diff.size:
            judged = diff[:JUDGED_ROWS]
            ref = np.array([reference_aqi(a[i], b[i]) for i in judged.tolist()])
            tool_bad = int(np.count_nonzero(got[judged] != ref))
            oracle_bad = int(np.count_nonzero(want[judged] != ref))
            wrong[name] |= tool_bad > 0
            findings[name].append(
                f"{diff.size} rows != {oracle}; of {judged.size} judged by the reference, "
                f"{name} wrong on {tool_bad}, {oracle} wrong on {oracle_bad}"
            )
            if oracle_bad and not wrong[oracle]:  # show the oracle's errors once
                wrong[oracle] = True
                examples[oracle].extend(judged[want[judged] != ref][:5].tolist())
            examples[name].extend(judged[got[judged] != ref][:5].tolist())
        examples[name].extend(spot_bad[:3].tolist())
    for name, rows in examples.items():
        got = results[name]
        notes.extend(
            f"{name} row {i}: pm25={float(a[i])!r} pm10={float(b[i])!r} -> {name} {got[i]}, "
            f"{oracle} {want[i]}, reference {reference_aqi(a[i], b[i])}"
            for i in rows
        )
    status = {
        name: ("WRONG" if wrong[name] else "ok") + (": " + "; ".join(f) if f else "")
        for name, f in findings.items()
    }
    return status, notes


def machine_info() -> dict[str, Any]:
    """Collects the machine and library versions.

    Returns:
        JSON-serialisable dict.
    """
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pyarrow": pa.__version__,
    }
    for name, mod in (
        ("polars", pl),
        ("duckdb", duckdb),
        ("python-aqi", pyaqi),
        ("pollutrack", pt),
    ):
        versions[name] = getattr(mod, "__version__", "?") if mod is not None else None
    if pl is not None:
        versions["polars_threads"] = pl.thread_pool_size()
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "usable_cores": usable,
        "versions": versions,
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv: Arguments (default: sys.argv[1:]).

    Returns:
        The options.
    """
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=10_000_000, help="rows (default 10_000_000)")
    p.add_argument("--repeat", type=int, default=5, help="timed runs per tool, best kept (5)")
    p.add_argument("--seed", type=int, default=20240506, help="data seed")
    p.add_argument(
        "--aqi-sample",
        type=int,
        default=20_000,
        help="rows timed with python-aqi, extrapolated to --rows (20_000)",
    )
    p.add_argument(
        "--spot",
        type=int,
        default=20_000,
        help="random rows checked against the exact pure-Python reference",
    )
    p.add_argument("--duckdb-threads", type=int, default=2, help="DuckDB threads (2)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    return p.parse_args(argv)


def build_tools(duckdb_threads: int) -> dict[str, ToolFn]:
    """Lists the tools to verify and time, pollutrack first (it is the oracle when present).

    Args:
        duckdb_threads: DuckDB worker threads.

    Returns:
        Name -> function from the input table to the tool's native output.
    """
    tools: dict[str, ToolFn] = {}
    if pt is not None:
        tools["pollutrack"] = pt_aqi
    else:
        print("pollutrack: not importable -> skipped; competitors verified against each other")
    tools["numpy"] = numpy_aqi
    if pl is not None:
        tools["polars"] = polars_aqi
    if duckdb is not None:
        tools[f"duckdb ({duckdb_threads} threads)"] = make_duckdb_aqi(duckdb_threads)
    tools["pyarrow.compute"] = pyarrow_aqi
    for name, mod in (("polars", pl), ("duckdb", duckdb), ("python-aqi", pyaqi)):
        if mod is None:
            print(f"{name}: not installed -> skipped")
    return tools


def run_checks(table: pa.Table, tools: dict[str, ToolFn], args: argparse.Namespace) -> dict:
    """Verifies every tool (known vectors, then all rows); this is also their warm-up run.

    Args:
        table: Benchmark input.
        tools: Name -> function.
        args: Options (spot, seed, rows).

    Returns:
        JSON-serialisable correctness report; key "status" maps tool -> "ok" or a note.
    """
    failures = check_known_vectors(tools)
    verdict = "all tools ok" if not failures else "FAILURES"
    print(f"known vectors ({len(KNOWN_VECTORS)}): {verdict}")
    for msg in failures:
        print("  " + msg)
    results = {name: aqi_values(fn(table)) for name, fn in tools.items()}
    oracle = next(iter(results))
    status, notes = verify_full(table, results, oracle, args.spot, args.seed)
    print(
        f"full-data check: all rows vs {oracle}, {min(args.spot, args.rows):_} random rows "
        "vs the exact reference"
    )
    for name, verdict in status.items():
        print(f"  {name}: {verdict}")
    for msg in notes:
        print("    " + msg)
    return {"known_vector_failures": failures, "oracle": oracle, "status": status, "notes": notes}


def time_pt_threads(table: pa.Table, repeat: int) -> dict[str, dict[str, Any]]:
    """Times pollutrack at 1 and 2 threads, restoring the thread count afterwards.

    Args:
        table: Benchmark input.
        repeat: Timed runs per setting.

    Returns:
        Timing rows keyed "pollutrack (1 thread)", "pollutrack (2 threads)".
    """
    if not hasattr(pt, "set_num_threads"):
        print("pollutrack: no set_num_threads yet -> thread comparison skipped")
        return {}
    default_threads = pt.get_num_threads()
    rows = {}
    try:
        for n in (1, 2):
            pt.set_num_threads(n)
            pt_aqi(table)  # warm-up at this thread count
            rows[f"pollutrack ({n} thread{'s' if n > 1 else ''})"] = {
                "seconds": best_of(lambda: pt_aqi(table), repeat),
                "threads": n,
            }
    finally:
        pt.set_num_threads(default_threads)
    return rows


def time_python_aqi(table: pa.Table, args: argparse.Namespace) -> dict[str, Any]:
    """Times python-aqi on a sample and extrapolates to all rows.

    Args:
        table: Benchmark input.
        args: Options (aqi_sample, repeat, rows).

    Returns:
        The timing row ("seconds" is the extrapolated figure).
    """
    pairs, clipped = python_aqi_sample(table, min(args.aqi_sample, args.rows))
    got = python_aqi_rows(pairs)  # warm-up
    sample_s = best_of(lambda: python_aqi_rows(pairs), args.repeat)
    ours = aqi_values(numpy_aqi(table.slice(0, len(pairs))))
    same = sum(int(g) == o for g, o in zip(got, ours.tolist(), strict=True))
    print(
        f"python-aqi: {len(pairs):_} rows in {sample_s:.3f} s, x{args.rows / len(pairs):g} "
        f"-> extrapolated; {clipped} rows clipped to its table top; same AQI as the 2024 "
        f"result on {same / len(pairs):.1%} of the sample (pre-2024 table, half-even "
        "rounding: speed reference only)"
    )
    return {
        "seconds": sample_s * args.rows / len(pairs),
        "extrapolated": True,
        "sample_rows": len(pairs),
        "sample_seconds": sample_s,
        "clipped_rows": clipped,
        "same_as_2024_result": same,
    }


def print_report(timings: dict[str, dict[str, Any]], args: argparse.Namespace) -> dict:
    """Prints the timing table and the target ratios, adding the ratios to ``timings``.

    Args:
        timings: Tool -> timing row (mutated: ratio_vs_pt, ratio_vs_fmax).
        args: Options (rows, repeat).

    Returns:
        The targets, JSON-serialisable (empty without pollutrack).
    """
    pt_s = timings["pollutrack"]["seconds"] if "pollutrack" in timings else None
    fmax_s = timings[FMAX]["seconds"]
    print()
    print(f"{args.rows:_} rows, best of {args.repeat} (wall, time.perf_counter)")
    print(f"{'tool':<36} {'seconds':>9} {'/ pt':>8} {'/ fmax':>8}  check")
    for name in sorted(timings, key=lambda k: timings[k]["seconds"]):
        row = timings[name]
        row["ratio_vs_pt"] = row["seconds"] / pt_s if pt_s else None
        row["ratio_vs_fmax"] = row["seconds"] / fmax_s
        vs_pt = f"{row['ratio_vs_pt']:7.2f}x" if pt_s else f"{'n/a':>8}"
        check = {True: "ok", False: "WRONG"}.get(row.get("correct"), "")
        print(f"{name:<36} {row['seconds']:9.4f} {vs_pt} {row['ratio_vs_fmax']:7.2f}x  {check}")
    print()
    if pt_s is None:
        print("targets: n/a (pollutrack not importable)")
        return {}
    targets: dict[str, Any] = {}
    duck = next((k for k in timings if k.startswith("duckdb")), None)
    if duck is not None:
        r = timings[duck]["seconds"] / pt_s
        ok = r >= TARGET_DUCKDB_OVER_PT
        targets["duckdb_over_pt"] = {"ratio": r, "target": f">= {TARGET_DUCKDB_OVER_PT}"}
        targets["duckdb_over_pt"]["pass"] = ok
        print(
            f"target DuckDB / pollutrack = {r:.2f}  (>= {TARGET_DUCKDB_OVER_PT})  "
            + ("PASS" if ok else "MISS")
        )
    r = pt_s / fmax_s
    ok = r <= TARGET_PT_OVER_FMAX
    targets["pt_over_fmax"] = {"ratio": r, "target": f"<= {TARGET_PT_OVER_FMAX}", "pass": ok}
    print(
        f"target pollutrack / fmax   = {r:.2f}  (<= {TARGET_PT_OVER_FMAX})  "
        + ("PASS" if ok else "MISS")
    )
    one, two = timings.get("pollutrack (1 thread)"), timings.get("pollutrack (2 threads)")
    if one and two:
        print(
            f"pollutrack threads: 1 -> {one['seconds']:.4f} s, 2 -> {two['seconds']:.4f} s, "
            f"speed-up {one['seconds'] / two['seconds']:.2f}x "
            f"(default {timings['pollutrack'].get('threads')})"
        )
    return targets


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the benchmark and prints the report.

    Args:
        argv: Arguments (default: sys.argv[1:]).

    Returns:
        Exit status: 0, or 1 when a correctness check failed.
    """
    args = parse_args(argv)
    info = machine_info()
    print(
        f"machine: {info['cpu']}, {info['cpu_count']} cores ({info['usable_cores']} usable), "
        f"{info['platform']}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))

    t0 = time.perf_counter()
    table = make_table(args.rows, args.seed)
    a, b = column_views(table)
    top25, top10 = PM25_SEGMENTS[-1][1] / 10, PM10_SEGMENTS[-1][1]
    print(
        f"data: {args.rows:_} rows, seed {args.seed}, built in {time.perf_counter() - t0:.1f} s; "
        f"pm25 max {a.max():.1f} ({np.mean(a > top25):.2%} above {top25}), "
        f"pm10 max {b.max():.1f} ({np.mean(b > top10):.2%} above {top10})"
    )

    tools = build_tools(args.duckdb_threads)
    checks = run_checks(table, tools, args)
    wrong = bool(checks["known_vector_failures"]) or any(
        v.startswith("WRONG") for v in checks["status"].values()
    )

    fmax_baseline(table)  # warm-up
    timings: dict[str, dict[str, Any]] = {
        FMAX: {"seconds": best_of(lambda: fmax_baseline(table), args.repeat)}
    }
    for name, fn in tools.items():
        timings[name] = {
            "seconds": best_of(lambda fn=fn: fn(table), args.repeat),
            "correct": not checks["status"][name].startswith("WRONG"),
        }
    if pt is not None:
        timings["pollutrack"]["threads"] = getattr(pt, "get_num_threads", lambda: None)()
        timings.update(time_pt_threads(table, args.repeat))
    if pyaqi is not None:
        timings["python-aqi per row (extrapolated)"] = time_python_aqi(table, args)

    targets = print_report(timings, args)
    if wrong:
        print("CORRECTNESS FAILURES: see the checks above")
    if args.json:
        report = {
            "machine": info,
            "rows": args.rows,
            "repeat": args.repeat,
            "seed": args.seed,
            "correctness": checks,
            "timings": timings,
            "targets": targets,
        }
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
        print(f"wrote {args.json}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
