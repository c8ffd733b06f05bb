"""Benchmark: pt.aqi.HourlyState fed one hour at a time, against the batch pt.aqi.nowcast and
pt.aqi.daily on the same history.

Default: 10,000 stations x 1,000 hours (about 9.5 M PM2.5 rows, 5 % of hours missing). Each
update is one hour of every station (about 9,500 rows), the operational case; the history is
streamed hour by hour and timed whole, against one batch call on all of it. Correctness first:
the streamed NowCast equals the batch NowCast row for row.

Run: ``python benches/bench_aqi_stream.py [--stations 10000 --hours 1000 --repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import pollutrack as pt
import pyarrow as pa
from timing import best_of

T0 = np.datetime64("2020-01-01T00:00:00", "s")


def make_hours(stations: int, hours: int, seed: int) -> list[pa.Table]:
    """One table per hour: every station's PM2.5 reading (lognormal, one decimal), 5 % missing."""
    rng = np.random.default_rng(seed)
    out = []
    for h in range(hours):
        station = np.arange(stations, dtype=np.int64)[rng.random(stations) >= 0.05]
        pm25 = np.floor(rng.lognormal(3.0, 0.8, station.size) * 10) / 10
        times = np.full(station.size, T0 + np.timedelta64(h, "h"))
        out.append(pa.table({"station": station, "time": times, "pm25": pm25}))
    return out


def stream(hours: list[pa.Table], emit: str) -> tuple[list[pa.Table], list[float], int]:
    """Feeds every hour; returns what came out, each update's seconds and the state's bytes."""
    state = pt.aqi.HourlyState(station="station", time="time", emit=emit, pollutants=["pm25"])  # type: ignore[arg-type]
    out, seconds = [], []
    for table in hours:
        start = time.perf_counter()
        out.append(state.update(table))
        seconds.append(time.perf_counter() - start)
    out.append(state.flush())
    return out, seconds, state.nbytes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=10_000)
    ap.add_argument("--hours", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()

    hours = make_hours(args.stations, args.hours, args.seed)
    whole = pa.concat_tables(hours)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; "
        f"pollutrack {pt.__version__}"
    )
    print(
        f"data: {whole.num_rows:,} rows, {args.stations:,} stations x {args.hours:,} hours, "
        f"5 % missing; one update per hour (~{whole.num_rows // args.hours:,} rows)"
    )

    # Correctness first: in order, every (station, hour) is emitted once, with the batch's values.
    streamed, _, _ = stream(hours, "nowcast")
    got = pa.concat_tables([t for t in streamed if t.num_rows]).sort_by(
        [("station", "ascending"), ("time", "ascending")]
    )
    batch = pt.aqi.nowcast(whole, station="station", time="time")
    want = batch.sort_by([("station", "ascending"), ("time", "ascending")])
    assert got.equals(want), "the streamed NowCast differs from the batch NowCast"
    print("check: the streamed NowCast equals pt.aqi.nowcast on every row")

    results = []
    for emit, batch_fn in (("nowcast", pt.aqi.nowcast), ("daily", pt.aqi.daily)):
        best_total, per_hour, nbytes = float("inf"), [], 0
        for _ in range(args.repeat):
            _, seconds, nbytes = stream(hours, emit)
            if sum(seconds) < best_total:
                best_total, per_hour = sum(seconds), seconds
        batch_seconds = best_of(
            lambda fn=batch_fn: fn(whole, station="station", time="time"), args.repeat, warm_up=True
        )
        steady = np.array(per_hour[24:])  # past the first day: the state at its full size
        row = {
            "emit": emit,
            "stream_seconds": best_total,
            "batch_seconds": batch_seconds,
            "ratio": best_total / batch_seconds,
            "hour_ms_median": float(np.median(steady) * 1e3),
            "hour_ms_p95": float(np.percentile(steady, 95) * 1e3),
            "row_us_median": float(np.median(steady) * 1e6 * args.hours / whole.num_rows),
            "bytes_per_station": nbytes / args.stations,
        }
        results.append(row)
    print(
        f"\nbest of {args.repeat} streams; batch: best of {args.repeat} runs or more, wall seconds"
    )
    print(
        f"{'emit':<9}{'stream s':>9}{'batch s':>9}{'x batch':>8}{'ms/hour':>9}{'p95':>7}"
        f"{'us/row':>8}{'B/station':>10}"
    )
    for r in results:
        print(
            f"{r['emit']:<9}{r['stream_seconds']:>9.3f}{r['batch_seconds']:>9.3f}{r['ratio']:>8.2f}"
            f"{r['hour_ms_median']:>9.2f}{r['hour_ms_p95']:>7.2f}{r['row_us_median']:>8.3f}"
            f"{r['bytes_per_station']:>10.0f}"
        )
    nowcast = results[0]
    hour_ok = "PASS" if nowcast["hour_ms_median"] <= 5 else "MISS"
    ratio_ok = "PASS" if nowcast["ratio"] <= 3 else "MISS"
    print(
        f"target: one hour of {args.stations:,} stations <= 5 ms: "
        f"{nowcast['hour_ms_median']:.2f} ms  {hour_ok}"
    )
    print(f"target: streamed history <= 3x batch nowcast: {nowcast['ratio']:.2f}x  {ratio_ok}")
    if args.json:
        with open(args.json, "w") as f:
            meta = {"stations": args.stations, "hours": args.hours, "rows": whole.num_rows}
            json.dump({**meta, "load_average": os.getloadavg(), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
