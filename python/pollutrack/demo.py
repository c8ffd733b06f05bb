"""The main job on the bundled sample data: hourly PM2.5 -> 24-hour means -> daily AQI.

The bundled file is the US Embassy Beijing hourly PM2.5 record, 2010-2014 (see ``data/README.md``).
A day is rated when at least 18 of its 24 hours are valid (AirNow's 75 % rule, reference §2.1).

Example:
    >>> from pollutrack import demo
    >>> result = demo.run()
    >>> result.daily.num_rows, result.rated_days, result.unrated_days
    (1826, 1722, 104)
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pollutrack import aqi

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


def run(path: Path | None = None, *, standard: str = "us_epa_2024") -> DemoResult:
    """Runs the job: hourly readings -> daily 24-hour means -> daily AQI (``pt.aqi.daily``)."""
    hourly = load_hourly(path)
    daily = aqi.daily(
        hourly, station="station", time="time", standard=standard, pollutants={"pm25": "pm2.5"}
    )
    rated = daily.num_rows - daily["aqi"].null_count
    empty = pc.sum(pc.equal(daily["day_status"], "no_data")).as_py() or 0
    return DemoResult(
        hourly_rows=hourly.num_rows,
        hourly_missing=hourly["pm2.5"].null_count,
        daily=daily,
        rated_days=rated,
        unrated_days=daily.num_rows - rated,
        empty_days=empty,
    )


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
    return "\n".join(lines)
