"""Benchmark ``pt.aqi.compute`` under every built-in standard against US EPA 2024.

Workload: the foundation benchmark's table (``aqi_competitors.make_table``: seeded PM2.5 + PM10,
float64, default 10 million rows). Every standard rates that same table, except where the
standard itself needs other columns:

* ``us_epa_1999`` rates PM2.5 only (its table has no PM10);
* ``in_naqi`` publishes an index only with three pollutants, so it is timed twice: on the same
  two columns (every row ``insufficient_pollutants``) and with a seeded NO2 column added,
  compared with US EPA 2024 on those same three columns;
* ``ca_aqhi`` is a formula over NO2, O3 and PM2.5 (3-hour means), so it gets seeded NO2 and O3
  columns next to PM2.5; it is compared with US EPA 2024 on the same three columns.

Target: no standard more than 1.5x slower than US EPA 2024. Prints one line per
standard with the time, the ratio and PASS/MISS, and writes ``results_aqi_standards.json``.

    python benches/bench_aqi_standards.py --rows 10000000 --repeat 7
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from typing import Any

import numpy as np
import pollutrack as pt
import pyarrow as pa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aqi_competitors import make_table
from bench_aqi import best_of

TARGET = 1.5


def gases(rows: int, seed: int) -> dict[str, np.ndarray]:
    """Seeded NO2 and O3 columns: ppb for the AQHI, µg/m³ for India (typical urban levels)."""
    rng = np.random.default_rng(seed)
    no2 = np.round(rng.lognormal(np.log(20.0), 0.7, rows), 1)
    o3 = np.round(rng.lognormal(np.log(30.0), 0.5, rows), 1)
    return {"no2": no2, "o3": o3}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20240506)
    parser.add_argument(
        "--out", default=os.path.join(os.path.dirname(__file__), "results_aqi_standards.json")
    )
    args = parser.parse_args()

    base = make_table(args.rows, args.seed)
    extra = gases(args.rows, args.seed + 1)
    with_no2 = base.append_column("no2", pa.array(extra["no2"]))
    aqhi = pa.table({"pm25": base.column("pm25"), "no2": extra["no2"], "o3": extra["o3"]})
    # (standard, columns, table, options, the US EPA 2024 run it is compared with)
    pm, pm_no2, aqhi_cols = "pm25+pm10", "pm25+pm10+no2", "pm25+no2+o3"
    runs: list[tuple[str, str, pa.Table, dict[str, Any], str]] = [
        ("us_epa_2024", pm, base, {}, pm),
        ("us_epa_2024", pm_no2, with_no2, {}, pm_no2),
        ("us_epa_2024", aqhi_cols, aqhi, {"units": {"o3": "ppb"}}, aqhi_cols),
        ("us_epa_2012", pm, base, {}, pm),
        ("us_epa_1999", "pm25", base, {"columns": {"pm10": None}}, pm),
        ("in_naqi", "pm25+pm10 (all insufficient)", base, {}, pm),
        ("in_naqi", pm_no2, with_no2, {}, pm_no2),
        ("cn_hj633_2012", pm, base, {}, pm),
        ("eu_eaqi_2024", pm, base, {}, pm),
        ("eu_eaqi_pre2024", pm, base, {}, pm),
        ("uk_daqi", pm, base, {}, pm),
        ("ca_aqhi", aqhi_cols, aqhi, {}, aqhi_cols),
    ]
    pt.aqi.compute(base.slice(0, 1000))  # warm the pool and the compiled tables
    results = []
    reference: dict[str, float] = {}
    print(f"{args.rows:,} rows, best of {args.repeat}, {pt.get_num_threads()} threads")
    for standard, columns, table, options, compared_with in runs:
        seconds = best_of(
            lambda t=table, s=standard, o=options: pt.aqi.compute(t, standard=s, **o), args.repeat
        )
        if standard == "us_epa_2024":
            reference[columns] = seconds
        ratio = seconds / reference[compared_with]
        verdict = "" if standard == "us_epa_2024" else ("PASS" if ratio <= TARGET else "MISS")
        print(f"{standard:16} {columns:30} {seconds:7.3f} s  {ratio:5.2f}x EPA 2024  {verdict}")
        results.append(
            {
                "standard": standard,
                "columns": columns,
                "seconds": seconds,
                "ratio_to_us_epa_2024": ratio,
                "us_epa_2024_on": compared_with,
            }
        )
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(
            {
                "rows": args.rows,
                "repeat": args.repeat,
                "threads": pt.get_num_threads(),
                "machine": platform.platform(),
                "target_max_ratio": TARGET,
                "results": results,
            },
            f,
            indent=2,
        )


if __name__ == "__main__":
    main()
