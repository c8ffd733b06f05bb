"""Hypothesis: any split of a history into batches, rows shuffled within the lateness, with
gaps, nulls, sentinels, duplicates, too-late rows and a save/restore anywhere, streamed through
pt.aqi.HourlyState, ends on the values pt.aqi.nowcast / pt.aqi.daily give on the whole history."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pollutrack as pt
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

T0 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
PROPS = settings(max_examples=40, deadline=None)
SENTINEL = -999.0


def reading(rng: random.Random, scale: float, decimals: int) -> float | None:
    u = rng.random()
    if u < 0.06:
        return None
    if u < 0.1:
        return SENTINEL
    return round(rng.uniform(0, scale), decimals)


def history(seed: int, hours: int, stations: int, present: float, ints: bool) -> list[dict]:
    """Rows of a random history: each station's hours present with probability ``present``,
    each at a random minute of its hour."""
    rng = random.Random(seed)
    out = []
    for s in range(stations):
        for h in range(hours):
            if rng.random() < present:
                t = T0 + dt.timedelta(hours=h, minutes=rng.randrange(60))
                out.append(
                    {
                        "site": 10 + s if ints else f"st{s}",
                        "t": t,
                        "hour": h,
                        "pm25": reading(rng, 120.0, 1),
                        "o3": reading(rng, 0.09, 3),
                        "co": reading(rng, 9.0, 1),
                    }
                )
    return out


def arrivals(rows: list[dict], lateness: int, seed: int) -> list[dict]:
    """``rows`` in an arrival order where no row is later than ``lateness`` hours: sorted by
    hour plus a jitter of at most ``lateness``, then duplicates of some rows after them."""
    rng = random.Random(seed)
    order = sorted(rows, key=lambda r: r["hour"] + rng.uniform(0, lateness))
    out: list[dict] = []
    for r in order:
        out.append(r)
        if rng.random() < 0.05:  # a resent reading with another value: set aside
            out.append({**r, "pm25": 5.0, "dup": True})
    return out


def table(rows: list[dict], columns: list[str], *, zoned: bool = True) -> pa.Table:
    unit = pa.timestamp("s", "UTC") if zoned else pa.timestamp("s")
    times = [r["t"] if zoned else r["t"].replace(tzinfo=None) for r in rows]
    data: dict[str, Any] = {"site": [r["site"] for r in rows], "t": pa.array(times, unit)}
    for c in columns:
        data[c] = pa.array([r[c] for r in rows], pa.float64())
    return pa.table(data)


def stream(
    state: pt.aqi.HourlyState, feed: list[dict], columns: list[str], cuts: list[int], save_at: int
) -> tuple[pt.aqi.HourlyState, list[pa.Table], int]:
    """Feeds ``feed`` split at ``cuts``; saves and restores the state before batch ``save_at``."""
    bounds = [0, *sorted(c % (len(feed) + 1) for c in cuts), len(feed)]
    emitted, set_aside = [], 0
    for i, (a, b) in enumerate(itertools.pairwise(bounds)):
        if i == save_at:
            saved = state.to_bytes()
            state = pt.aqi.HourlyState.from_bytes(saved)
            assert state.to_bytes() == saved
        emitted.append(state.update(table(feed[a:b], columns)))
        set_aside += state.set_aside.num_rows
    return state, emitted, set_aside


def last_per_key(tables: list[pa.Table], key: list[str]) -> list[dict]:
    last: dict[tuple, dict] = {}
    for t in tables:
        for row in t.to_pylist():
            last[tuple(row[k] for k in key)] = row
    return [last[k] for k in sorted(last)]


def sorted_rows(t: pa.Table, key: list[str]) -> list[dict]:
    return sorted(t.to_pylist(), key=lambda r: tuple(r[k] for k in key))


cases = st.tuples(
    st.integers(0, 2**32),  # seed
    st.integers(0, 4),  # lateness
    st.lists(st.integers(0, 10**6), max_size=8),  # cuts
    st.integers(0, 8),  # save before this batch
    st.booleans(),  # integer station ids
)


@PROPS
@given(cases, st.sampled_from([["pm25"], ["pm25", "o3"], ["o3"]]))
def test_streamed_nowcast_equals_the_batch_nowcast(case: tuple, columns: list[str]) -> None:
    seed, lateness, cuts, save_at, ints = case
    rows = history(seed, hours=40, stations=3, present=0.85, ints=ints)
    feed = arrivals(rows, lateness, seed)
    state = pt.aqi.HourlyState(
        station="site",
        time="t",
        lateness=lateness,
        pollutants=columns,
        na_values=[SENTINEL],
    )
    state, emitted, set_aside = stream(state, feed, columns, cuts, save_at)
    batch = pt.aqi.nowcast(table(rows, columns), station="site", time="t", na_values=[SENTINEL])
    assert last_per_key(emitted, ["site", "t"]) == sorted_rows(batch, ["site", "t"])
    dups = sum(1 for r in feed if r.get("dup"))
    assert state.counts == {"late": 0, "duplicate": dups, "rows": len(feed)}
    assert set_aside == dups
    # Rows older than the watermark are set aside as late, counted, and change nothing.
    newest = max(r["hour"] for r in rows)
    old = [
        {**r, "t": T0 + dt.timedelta(hours=newest - lateness - 1 - r["hour"] % 5)} for r in rows[:4]
    ]
    out = state.update(table(old, columns))
    assert out.num_rows == 0
    assert state.set_aside.column("reason").to_pylist() == ["late"] * len(old)
    assert state.counts["late"] == len(old)
    c = state.counts
    assert c["rows"] == len(rows) + c["late"] + c["duplicate"]


@PROPS
@given(cases, st.sampled_from([None, "+08:00", "America/New_York"]))
def test_streamed_daily_equals_the_batch_daily(case: tuple, tz: str | None) -> None:
    seed, lateness, cuts, save_at, ints = case
    columns = ["pm25", "o3", "co"]
    rows = history(seed, hours=24 * 4 + 5, stations=2, present=0.9, ints=ints)
    feed = arrivals(rows, lateness, seed)
    options: dict[str, Any] = {"tz": tz} if tz else {}
    state = pt.aqi.HourlyState(
        station="site", time="t", emit="daily", lateness=lateness, na_values=[SENTINEL], **options
    )
    state, emitted, set_aside = stream(state, feed, columns, cuts, save_at)
    dups = sum(1 for r in feed if r.get("dup"))
    assert state.counts == {"late": 0, "duplicate": dups, "rows": len(feed)} and set_aside == dups
    emitted.append(state.flush())
    batch = pt.aqi.daily(
        table(rows, columns), station="site", time="t", na_values=[SENTINEL], **options
    )
    got = last_per_key(emitted, ["station", "date"])
    assert got == sorted_rows(batch, ["station", "date"])
    # Each day is emitted once: a day waits until it can no longer change.
    assert sum(t.num_rows for t in emitted) == batch.num_rows
