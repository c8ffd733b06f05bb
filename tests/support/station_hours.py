"""Random hourly PM2.5 per station, with gaps: the input of the Spark hourly tests."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa


def station_hours(stations: str, hours: int, seed: int, start: dt.datetime) -> pa.Table:
    """`hours` hours from `start` for each station (one letter each), about 10 % missing;
    times in UTC."""
    rng = random.Random(seed)
    rows = [
        (s, start + dt.timedelta(hours=h), round(rng.uniform(0, 150), 1))
        for s in stations
        for h in range(hours)
        if rng.random() < 0.9
    ]
    return pa.table(
        {
            "station": [r[0] for r in rows],
            "time": pa.array([r[1] for r in rows], pa.timestamp("us", "UTC")),
            "pm25": [r[2] for r in rows],
        }
    )
