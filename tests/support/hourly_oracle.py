"""Slow, obviously-correct pandas versions of pt.aqi.nowcast and pt.aqi.daily (PM2.5)."""

from __future__ import annotations

import math

import pandas as pd


def nowcast_series(
    values: dict[pd.Timestamp, float], at: pd.Timestamp, hours: int = 12, min_weight: float = 0.5
) -> tuple[float, float] | None:
    """NowCast at hour ``at`` from {hour: value} (missing hours absent; docs/standards)."""
    c = [values.get(at - pd.Timedelta(hours=i), math.nan) for i in range(hours)]
    if sum(not math.isnan(x) for x in c[:3]) < 2:
        return None
    valid = [x for x in c if not math.isnan(x)]
    c_max, c_min = max(valid), min(valid)
    if c_max <= 0:
        return 0.0, 1.0
    w = min(max(c_min / c_max, min_weight), 1.0)
    num = sum(w**i * x for i, x in enumerate(c) if not math.isnan(x))
    den = sum(w**i for i, x in enumerate(c) if not math.isnan(x))
    return num / den, w


def nowcast(df: pd.DataFrame) -> list[tuple[float, float] | None]:
    """Per row of (station, time, pm25): the untruncated PM2.5 NowCast and weight."""
    out = []
    series = {
        s: dict(zip(g["time"], g["pm25"], strict=True))
        for s, g in df.dropna(subset=["pm25"]).groupby("station")
    }
    for s, t in zip(df["station"], df["time"], strict=True):
        out.append(nowcast_series(series.get(s, {}), t))
    return out


def daily_pm25(df: pd.DataFrame) -> dict[tuple[object, object], tuple[float | None, int]]:
    """{(station, date): (24-hour mean if >= 18 valid hours, valid hours)}; naive local times."""
    df = df.assign(date=df["time"].dt.date)
    out = {}
    for (s, d), g in df.groupby(["station", "date"]):
        n = int(g["pm25"].notna().sum())
        out[(s, d)] = (float(g["pm25"].mean()) if n >= 18 else None, n)
    return out
