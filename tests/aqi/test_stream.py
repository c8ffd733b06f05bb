"""pt.aqi.HourlyState: hand-worked streams, policies, bytes, bounded state, bad input."""

from __future__ import annotations

import datetime as dt

import pollutrack as pt
import pyarrow as pa

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
N01 = [10.0] * 9 + [20.0, 40.0, 80.0]  # reference example N01: NowCast 53.7, AQI 146


def rows(site: list, hours: list[int], **columns: list) -> pa.Table:
    times = pa.array([T0 + dt.timedelta(hours=h) for h in hours], pa.timestamp("s", "UTC"))
    return pa.table({"site": site, "t": times, **columns})


def nowcast_state(**options: object) -> pt.aqi.HourlyState:
    return pt.aqi.HourlyState(station="site", time="t", pollutants=["pm25"], **options)  # type: ignore[arg-type]


def test_reference_n01_streamed_one_row_at_a_time() -> None:
    state = nowcast_state()
    emitted = []
    for h, c in enumerate(N01):
        out = state.update(rows(["A"], [h], pm25=[c]))
        assert out.num_rows == 1  # in order: each row's own hour only
        emitted.append(out)
    last = emitted[-1].to_pylist()[0]
    assert (last["pm25_nowcast"], last["pm25_nowcast_weight"], last["nowcast_aqi"]) == (
        53.7,
        0.5,
        146,
    )
    batch = pt.aqi.nowcast(rows(["A"] * 12, list(range(12)), pm25=N01), station="site", time="t")
    assert pa.concat_tables(emitted).equals(batch)
    assert state.counts == {"late": 0, "duplicate": 0, "rows": 12}
    assert state.stations == 1


def test_a_late_row_re_emits_the_later_hours_it_changes() -> None:
    # Hour 8 arrives after 9..11 (lateness 3 allows it): hours 8, 9, 10, 11 come out again.
    state = nowcast_state()
    state.update(rows(["A"] * 8, list(range(8)), pm25=N01[:8]))
    state.update(rows(["A"] * 3, [9, 10, 11], pm25=N01[9:]))
    out = state.update(rows(["A"], [8], pm25=[10.0]))
    assert [t.hour for t in out.column("t").to_pylist()] == [8, 9, 10, 11]
    assert out.column("pm25_nowcast").to_pylist()[-1] == 53.7
    assert out.column("nowcast_aqi").to_pylist()[-1] == 146
    assert state.set_aside.num_rows == 0
