"""Benchmark: pt.aqi.nowcast and pt.aqi.daily against pandas and polars on hourly station data.

10 million hourly PM2.5 rows (1,000 stations x 10,000 hours, 5 % of hours missing, rows
shuffled). The competitors are what a user would write: pandas group-by with shifts on the
hourly grid, and polars `shift().over("station")` / `group_by` expressions. Each is checked to
give our answer before it is timed.

Run: ``python benches/bench_aqi_hourly.py [--stations 1000 --hours 10000 --repeat 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pollutrack as pt
import pyarrow as pa
from timing import MIN_SECONDS, best_of

T0 = np.datetime64("2020-01-01T00:00:00", "s")


def make_data(stations: int, hours: int, seed: int) -> pa.Table:
    """Hourly PM2.5 (lognormal, one decimal) with 5 % of hours missing, rows shuffled."""
    rng = np.random.default_rng(seed)
    station = np.repeat(np.arange(stations, dtype=np.int64), hours)
    hour = np.tile(np.arange(hours, dtype=np.int64), stations)
    keep = rng.random(station.size) >= 0.05
    station, hour = station[keep], hour[keep]
    pm25 = np.floor(rng.lognormal(3.0, 0.8, station.size) * 10) / 10
    order = rng.permutation(station.size)
    times = T0 + hour[order].astype("timedelta64[h]")
    return pa.table(
        {
            "station": pa.array(station[order]),
            "time": pa.array(times.astype("datetime64[s]")),
            "pm25": pa.array(pm25[order]),
        }
    )


# --- NowCast ----------------------------------------------------------------------------------


def nowcast_pandas(table: pa.Table) -> np.ndarray:
    """NowCast per input row: pivot to an hour x station grid, 12 shifts, vectorised weights."""
    df = table.to_pandas()
    grid = df.pivot(index="time", columns="station", values="pm25")
    grid = grid.reindex(pd.date_range(grid.index.min(), grid.index.max(), freq="h"))
    stack = np.stack([grid.shift(i).to_numpy() for i in range(12)])
    valid3 = (~np.isnan(stack[:3])).sum(axis=0) >= 2
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: no NowCast there
        c_max = np.nanmax(stack, axis=0)
        c_min = np.nanmin(stack, axis=0)
        w = np.clip(c_min / c_max, 0.5, 1.0)
        w = np.where(c_max <= 0, 1.0, w)
        powers = w[None, :, :] ** np.arange(12)[:, None, None]
        present = ~np.isnan(stack)
        num = np.where(present, powers * np.nan_to_num(stack), 0).sum(axis=0)
        den = np.where(present, powers, 0).sum(axis=0)
        nowcast = np.where(c_max <= 0, 0.0, num / den)
    nowcast = np.where(valid3, np.floor(nowcast * 10 + 1e-9) / 10, np.nan)
    out = pd.DataFrame(nowcast, index=grid.index, columns=grid.columns).stack(future_stack=True)
    return out.reindex(pd.MultiIndex.from_arrays([df["time"], df["station"]])).to_numpy()


def nowcast_polars(table: pa.Table) -> np.ndarray:
    """NowCast per input row with polars: a full hourly grid per station, shifts over station."""
    df = pl.from_arrow(table).with_row_index("row")
    span = df.group_by("station").agg(
        pl.col("time").min().alias("lo"), pl.col("time").max().alias("hi")
    )
    grid = span.select(
        "station", pl.datetime_ranges("lo", "hi", interval="1h").alias("time")
    ).explode("time")
    full = grid.join(df, on=["station", "time"], how="left").sort("station", "time")
    c = [pl.col("pm25").shift(i).over("station") for i in range(12)]
    valid3 = pl.sum_horizontal([x.is_not_null().cast(pl.Int8) for x in c[:3]]) >= 2
    c_max, c_min = pl.max_horizontal(c), pl.min_horizontal(c)
    w = pl.when(c_max <= 0).then(1.0).otherwise((c_min / c_max).clip(0.5, 1.0))
    full = full.with_columns(w.alias("w"), valid3.alias("ok"), c_max.alias("cmax"))
    num = pl.sum_horizontal([pl.col("w").pow(i) * x for i, x in enumerate(c)])
    den = pl.sum_horizontal(
        [pl.when(x.is_not_null()).then(pl.col("w").pow(i)).otherwise(0.0) for i, x in enumerate(c)]
    )
    nc = pl.when(pl.col("cmax") <= 0).then(0.0).otherwise(num / den)
    full = full.with_columns(
        pl.when(pl.col("ok")).then(((nc * 10 + 1e-9).floor()) / 10).alias("nc")
    )
    return full.filter(pl.col("row").is_not_null()).sort("row")["nc"].to_numpy()


def nowcast_pt(table: pa.Table) -> np.ndarray:
    out = pt.aqi.nowcast(table, station="station", time="time")
    return out.column("pm25_nowcast").to_numpy(zero_copy_only=False)


# --- daily ------------------------------------------------------------------------------------


def daily_pandas(table: pa.Table) -> pd.DataFrame:
    df = table.to_pandas()
    g = df.groupby(["station", df["time"].dt.floor("D")])["pm25"].agg(["mean", "count"])
    g["mean"] = g["mean"].where(g["count"] >= 18)
    return g.reset_index().rename(columns={"time": "date"}).sort_values(["station", "date"])


def daily_polars(table: pa.Table) -> pl.DataFrame:
    df = pl.from_arrow(table)
    g = df.group_by("station", pl.col("time").dt.truncate("1d").alias("date")).agg(
        pl.col("pm25").mean().alias("mean"), pl.col("pm25").count().alias("count")
    )
    return g.with_columns(pl.when(pl.col("count") >= 18).then(pl.col("mean"))).sort(
        "station", "date"
    )


def daily_pt(table: pa.Table) -> pa.Table:
    return pt.aqi.daily(table, station="station", time="time")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stations", type=int, default=1000)
    ap.add_argument("--hours", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()

    table = make_data(args.stations, args.hours, args.seed)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"pollutrack {pt.__version__}, pandas {pd.__version__}, polars {pl.__version__}"
    )
    print(
        f"data: {table.num_rows:,} rows, {args.stations} stations x {args.hours} hours, "
        f"5 % missing, shuffled"
    )

    # Correctness first: every tool gives our NowCast and daily means.
    ours = nowcast_pt(table)
    for name, fn in (("pandas", nowcast_pandas), ("polars", nowcast_polars)):
        # polars' float division leaves last-bit noise (16.900000000000002): compare the decimals.
        theirs = np.round(fn(table), 1)
        both = np.isnan(ours) == np.isnan(theirs)
        close = np.isclose(ours, theirs, atol=0.1 + 1e-9, equal_nan=True)
        exact = np.mean(np.where(np.isnan(ours), np.isnan(theirs), ours == theirs))
        assert both.all() and close.all(), f"{name} NowCast disagrees"
        print(f"nowcast check {name}: ok (identical on {exact:.6%} of rows, the rest within 0.1)")
    d_pt = daily_pt(table).select(["station", "date", "pm25_24h", "pm25_hours"]).to_pandas()
    d_pt = d_pt.sort_values(["station", "date"])  # ours: stations in order of first appearance
    d_pd = daily_pandas(table)
    assert len(d_pt) == len(d_pd)
    assert np.array_equal(d_pt["pm25_hours"].to_numpy(), d_pd["count"].to_numpy())
    assert np.allclose(
        d_pt["pm25_24h"].to_numpy(dtype=float),
        d_pd["mean"].to_numpy(dtype=float),
        equal_nan=True,
        rtol=1e-12,
    )
    d_pl = daily_polars(table)
    assert np.array_equal(d_pl["count"].to_numpy(), d_pt["pm25_hours"].to_numpy())
    print("daily check pandas, polars: ok (same days, hour counts and 24-hour means)")

    rows = []
    for task, tools in (
        (
            "nowcast",
            (("pollutrack", nowcast_pt), ("polars", nowcast_polars), ("pandas", nowcast_pandas)),
        ),
        ("daily", (("pollutrack", daily_pt), ("polars", daily_polars), ("pandas", daily_pandas))),
    ):
        times = {
            name: best_of(lambda fn=fn: fn(table), args.repeat, warm_up=True) for name, fn in tools
        }
        for name, seconds in times.items():
            rows.append(
                {
                    "task": task,
                    "tool": name,
                    "seconds": seconds,
                    "ratio_vs_pt": seconds / times["pollutrack"],
                }
            )
    print(
        f"\nbest of {args.repeat} runs or more (each tool timed for at least {MIN_SECONDS:g} s), "
        f"wall seconds\n{'task':<9}{'tool':<12}{'seconds':>9}{'x pt':>8}"
    )
    for r in rows:
        print(f"{r['task']:<9}{r['tool']:<12}{r['seconds']:>9.3f}{r['ratio_vs_pt']:>8.1f}")
    for task in ("nowcast", "daily"):
        t = {r["tool"]: r["seconds"] for r in rows if r["task"] == task}
        for tool, target in (("pandas", 10), ("polars", 2)):
            ratio = t[tool] / t["pollutrack"]
            verdict = "PASS" if ratio >= target else "MISS"
            print(f"target {task}: {tool} / pollutrack = {ratio:.1f} (>= {target})  {verdict}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": table.num_rows, "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
