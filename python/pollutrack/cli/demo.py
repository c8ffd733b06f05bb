"""The main job on the bundled sample data, end to end.

Hourly PM2.5 and wind codes at the US Embassy in Beijing, 2010-2014 (see ``data/README.md``)
-> the wind codes mapped with the shipped sheet -> daily AQI (``pt.aqi.daily``: a day is rated
when 18 of its 24 hours are valid) with each day's prevailing wind -> quality checks ->
Hive-partitioned Parquet (by year) and a run report -> DuckDB SQL over the output folder:
which wind brings the worst air?

Examples:
    >>> from pollutrack.cli import demo
    >>> result = demo.run()
    >>> result.daily.num_rows, result.rated_days, result.unrated_days
    (1826, 1722, 104)
    >>> all(check["passed"] for check in result.checks)
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pollutrack import aqi, quality
from pollutrack.cli import files, outputs
from pollutrack.cli.run_report import RunReport
from pollutrack.mapping import Mapping, sample_sheet

#: Valid hours a day needs for a 24-hour mean (18 of 24), applied by ``pt.aqi.daily``.
MIN_HOURS = 18
SAMPLE_FILE = "beijing_pm25_hourly.csv"


def sample_path() -> Path:
    """Path of the bundled hourly CSV inside the installed package."""
    return Path(str(resources.files("pollutrack") / "data" / SAMPLE_FILE))


def load_hourly(path: Path | None = None) -> pa.Table:
    """Reads the hourly CSV (``NA`` = missing) and adds ``station`` and ``time`` columns."""
    table = pacsv.read_csv(path or sample_path())
    years = table["year"].to_numpy() - 1970
    months = table["month"].to_numpy() - 1
    days = table["day"].to_numpy() - 1
    dates = (
        years.astype("datetime64[Y]").astype("datetime64[M]") + months.astype("timedelta64[M]")
    ).astype("datetime64[D]") + days.astype("timedelta64[D]")
    # Local (Beijing) wall-clock hours, as the source gives them; no zone attached.
    hours = table["hour"].to_numpy().astype("timedelta64[h]")
    times = pa.array((dates.astype("datetime64[h]") + hours).astype("datetime64[s]"))
    table = table.append_column("station", pa.array(["US Embassy Beijing"] * table.num_rows))
    return table.append_column("time", times)


@dataclass
class DemoResult:
    """What the demo computed: the daily table and its summary counts."""

    hourly_rows: int
    hourly_missing: int
    daily: pa.Table
    rated_days: int
    unrated_days: int
    empty_days: int
    unmapped: int
    checks: list[dict[str, Any]]


def prevailing_wind(hourly: pa.Table) -> pa.Table:
    """Each local day's most frequent mapped wind direction (ties: alphabetical)."""
    days = pc.cast(hourly["time"], pa.date32())
    t = pa.table({"date": days, "wind": hourly["cbwd_mapped"]})
    counts = t.group_by(["date", "wind"]).aggregate([("wind", "count")])
    counts = counts.sort_by(
        [("date", "ascending"), ("wind_count", "descending"), ("wind", "ascending")]
    )
    first = counts.group_by("date", use_threads=False).aggregate([("wind", "first")])
    return first.rename_columns(["date", "prevailing_wind"])


CHECKS = [
    quality.row_count(min=1826, max=1826),
    quality.unique("station", "date"),
    quality.not_null("date"),
    quality.in_range("aqi", 0),
    quality.accepted_values(
        "aqi_category",
        [
            "Good",
            "Moderate",
            "Unhealthy for Sensitive Groups",
            "Unhealthy",
            "Very Unhealthy",
            "Hazardous",
        ],
    ),
    quality.accepted_values(
        "prevailing_wind", ["northeast", "northwest", "southeast", "calm or variable"]
    ),
]


def run(path: Path | None = None, *, standard: str = "us_epa_2024") -> DemoResult:
    """Runs the job in memory: readings -> mapped wind -> daily AQI -> checks."""
    hourly = load_hourly(path)
    mapped = Mapping.from_excel(sample_sheet()).apply(hourly, fields=["cbwd"])
    daily = aqi.daily(
        mapped.table,
        station="station",
        time="time",
        standard=standard,
        pollutants={"pm25": "pm2.5"},
    )
    daily = daily.join(prevailing_wind(mapped.table), "date").sort_by("date")
    daily = daily.append_column("year", pc.year(daily["date"]))
    checks = quality.check(daily, CHECKS).to_pylist()
    rated = daily.num_rows - daily["aqi"].null_count
    empty = pc.sum(pc.equal(daily["day_status"], "no_data")).as_py() or 0
    return DemoResult(
        hourly_rows=hourly.num_rows,
        hourly_missing=hourly["pm2.5"].null_count,
        daily=daily,
        rated_days=rated,
        unrated_days=daily.num_rows - rated,
        empty_days=empty,
        unmapped=mapped.unmapped,
        checks=checks,
    )


QUESTION = "Which prevailing wind brings the worst air?"
SQL = """
SELECT prevailing_wind,
       count(*) AS days,
       round(avg(aqi)) AS mean_aqi,
       round(100 * avg(CASE WHEN aqi > 150 THEN 1 ELSE 0 END), 1) AS pct_unhealthy_or_worse
FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = true)
WHERE aqi IS NOT NULL
GROUP BY prevailing_wind
ORDER BY mean_aqi DESC
"""


def write(result: DemoResult, out_dir: str | Path, *, standard: str = "us_epa_2024") -> Path:
    """Writes the daily Parquet (partitioned by year) and the run report; returns its path."""
    out = Path(out_dir)
    report = RunReport("demo", {"standard": standard, "partition_by": "year"})
    report.inputs = [files.fingerprint(sample_path()), files.fingerprint(sample_sheet())]
    report.counts = {
        "rows_in": result.hourly_rows,
        "days_out": result.daily.num_rows,
        "rows_rejected": 0,
        "days_rated": result.rated_days,
        "days_not_rated": result.unrated_days,
        "unmapped_wind_codes": result.unmapped,
    }
    report.checks = result.checks
    path = out / "run_report.json"
    outputs.check_targets([path], [sample_path(), sample_sheet()], folder=out / "daily")
    report.outputs = outputs.write(
        result.daily, out / "daily", partition_by="year", stamp=report.stamp()
    )
    report.lap("write")
    report.save(path)
    return path


def ask(out_dir: str | Path) -> list[tuple[Any, ...]]:
    """Runs :data:`SQL` with DuckDB over the Parquet the job wrote."""
    import duckdb

    folder = (Path(out_dir) / "daily").as_posix()
    relation = duckdb.sql(SQL.format(folder=folder))
    assert relation is not None  # a SELECT always gives a relation
    return relation.fetchall()


def summary(result: DemoResult) -> str:
    """A short text report: days per category, days not rated, the worst day, per year."""
    daily = result.daily
    first, last = daily["date"][0].as_py(), daily["date"][-1].as_py()
    lines = [
        f"Daily US EPA AQI from hourly PM2.5, US Embassy Beijing, {first} to {last}",
        f"hourly readings: {result.hourly_rows:,} ({result.hourly_missing:,} missing)",
        f"days: {daily.num_rows:,}; rated: {result.rated_days:,}; not rated: "
        f"{result.unrated_days:,} (fewer than {MIN_HOURS} valid hours, "
        f"of which {result.empty_days} with none)",
        "",
        f"wind codes mapped with the shipped sheet; unmapped: {result.unmapped}",
        "",
        "days per category:",
    ]
    categories = aqi.categories()["category"].to_pylist()
    labels = pc.value_counts(daily["aqi_category"].cast(pa.string())).to_pylist()
    counts = {row["values"]: row["counts"] for row in labels}
    for name in categories:
        n = counts.get(name, 0)
        lines.append(f"  {name:<32}{n:>6,}  {100 * n / max(result.rated_days, 1):5.1f} %")
    aqi_values = daily["aqi"].to_numpy(zero_copy_only=False)
    worst = int(np.nanargmax(aqi_values))
    row = daily.slice(worst, 1).to_pylist()[0]
    lines += [
        "",
        f"worst day: {row['date']}, 24-h PM2.5 {row['pm25_24h']:.1f} ug/m3, AQI {row['aqi']} "
        f"({row['aqi_category']}, status {row['aqi_status']})",
        "",
        "days by year (rated / Unhealthy or worse / not rated):",
    ]
    years = np.array([d.year for d in daily["date"].to_pylist()])
    unhealthy = np.nan_to_num(aqi_values, nan=0) > 150
    rated = ~np.isnan(aqi_values)
    for year in np.unique(years):
        sel = years == year
        lines.append(
            f"  {year}  {int(rated[sel].sum()):>4}  {int(unhealthy[sel].sum()):>4}"
            f"  {int((~rated[sel]).sum()):>4}"
        )
    failed = [c for c in result.checks if not c["passed"]]
    lines += [
        "",
        f"quality checks: {len(result.checks) - len(failed)} of {len(result.checks)} passed",
    ]
    lines += [f"  FAILED {c['rule']} {c['column'] or ''}: {c['detail']}" for c in failed]
    return "\n".join(lines)


def answer(rows: list[tuple[Any, ...]]) -> str:
    """The DuckDB answer as a small table."""
    lines = [QUESTION, f"  {'prevailing wind':<18}{'days':>6}{'mean AQI':>10}{'% Unhealthy+':>14}"]
    lines += [f"  {w:<18}{d:>6}{a:>10.0f}{p:>14.1f}" for w, d, a, p in rows]
    return "\n".join(lines)
