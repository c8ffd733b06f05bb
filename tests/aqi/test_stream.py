"""pt.aqi.HourlyState: hand-worked streams, policies, bytes, bounded state, bad input."""

from __future__ import annotations

import datetime as dt
import pickle

import pollutrack as pt
import pyarrow as pa
import pytest

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


def test_duplicates_and_late_rows_are_set_aside_and_counted() -> None:
    state = nowcast_state(lateness=2)
    state.update(rows(["A", "B"], [0, 0], pm25=[10.0, 20.0]))
    out = state.update(rows(["A", "A", "B", "B"], [5, 5, 0, 1], pm25=[1.0, 2.0, 3.0, 4.0]))
    # A@5 twice in one batch: the first is kept. B@0 again: a duplicate of the first batch's.
    assert out.select(["site", "pm25"]).to_pylist() == [
        {"site": "A", "pm25": 1.0},
        {"site": "B", "pm25": 4.0},
    ]
    aside = state.set_aside
    assert aside.column_names == ["site", "t", "pm25", "reason"]
    assert aside.select(["site", "pm25", "reason"]).to_pylist() == [
        {"site": "A", "pm25": 2.0, "reason": "duplicate"},
        {"site": "B", "pm25": 3.0, "reason": "duplicate"},
    ]
    # The watermark is now 5 - 2 = 3: hour 2 is late, hour 3 is not.
    out = state.update(rows(["B", "B"], [2, 3], pm25=[7.0, 8.0]))
    assert [t.hour for t in out.column("t").to_pylist()] == [3]
    assert state.set_aside.select(["site", "reason"]).to_pylist() == [
        {"site": "B", "reason": "late"}
    ]
    assert state.counts == {"late": 1, "duplicate": 2, "rows": 8}


def test_raise_policies_refuse_the_batch_and_leave_the_state() -> None:
    state = nowcast_state(lateness=0, on_late="raise", on_duplicate="raise")
    state.update(rows(["A"], [4], pm25=[10.0]))
    saved = state.to_bytes()
    with pytest.raises(pt.InvalidValueError, match=r"row 1, column 't'.*older than the watermark"):
        state.update(rows(["A", "A"], [5, 3], pm25=[1.0, 2.0]))
    with pytest.raises(pt.InvalidValueError, match=r"row 0.*already has a reading in this hour"):
        state.update(rows(["A"], [4], pm25=[1.0]))
    assert state.to_bytes() == saved  # nothing of either batch was taken
    assert state.update(rows(["A"], [5], pm25=[1.0])).num_rows == 1


def test_daily_days_wait_for_the_watermark_and_flush() -> None:
    # Naive local times; day 1 is emitted once the watermark passes its end plus 7 hours
    # (the 8-hour window starting at 23:00 reaches 06:00 next day).
    state = pt.aqi.HourlyState(
        station="site", time="t", emit="daily", lateness=2, pollutants=["pm25"]
    )
    t = [dt.datetime(2024, 1, 1) + dt.timedelta(hours=h) for h in range(34)]
    out = state.update(pa.table({"site": ["A"] * 33, "t": t[:33], "pm25": [40.0] * 33}))
    assert out.num_rows == 0  # watermark 32 - 2 = 30: day 1's windows still open
    out = state.update(pa.table({"site": ["A"], "t": [t[33]], "pm25": [40.0]}))
    assert out.select(["date", "pm25_24h", "pm25_hours", "aqi"]).to_pylist() == [
        {"date": dt.date(2024, 1, 1), "pm25_24h": 40.0, "pm25_hours": 24, "aqi": 112}
    ]
    last = state.flush()
    assert last.select(["date", "pm25_hours", "day_status"]).to_pylist() == [
        {"date": dt.date(2024, 1, 2), "pm25_hours": 10, "day_status": "incomplete"}
    ]
    # After flush the flushed days are closed: a row for them is late.
    state.update(pa.table({"site": ["A"], "t": [t[33]], "pm25": [1.0]}))
    assert state.set_aside.column("reason").to_pylist() == ["late"]


def test_bytes_restore_the_state_exactly_options_included() -> None:
    state = pt.aqi.HourlyState(
        station="site",
        time="t",
        lateness=5,
        pollutants={"pm25": "pm"},
        na_values=[-999],
        on_late="raise",
    )
    state.update(rows(["A"] * 6, list(range(6)), pm=N01[:6]))
    restored = pt.aqi.HourlyState.from_bytes(state.to_bytes())
    assert restored.options == state.options
    assert restored.options["lateness"] == 5 and restored.options["na_values"] == [-999.0]
    assert (restored.stations, restored.nbytes, restored.counts) == (1, state.nbytes, state.counts)
    a = state.update(rows(["A"] * 6, list(range(6, 12)), pm=N01[6:]))
    b = restored.update(rows(["A"] * 6, list(range(6, 12)), pm=N01[6:]))
    assert a.equals(b)
    assert a.column("pm25_nowcast").to_pylist()[-1] == 53.7


def test_a_pickled_state_is_its_bytes() -> None:
    state = nowcast_state(lateness=1)
    state.update(rows(["A"] * 11, list(range(11)), pm25=N01[:11]))
    copy = pickle.loads(pickle.dumps(state))
    assert copy.to_bytes() == state.to_bytes()
    assert copy.update(rows(["A"], [11], pm25=[80.0])).column("nowcast_aqi").to_pylist() == [146]
    assert (
        repr(copy) == "HourlyState(emit='nowcast', stations=1, rows=12, nbytes=" + f"{copy.nbytes})"
    )


def test_bytes_of_another_kind_or_version_are_refused() -> None:
    good = nowcast_state().to_bytes()
    assert good[:8] == b"PTHOURLY" and int.from_bytes(good[8:10], "little") == 1
    with pytest.raises(pt.InvalidSpecError, match="do not start with the HourlyState magic"):
        pt.aqi.HourlyState.from_bytes(b"PAR1" + good)
    with pytest.raises(
        pt.InvalidSpecError, match="format version 2; this pollutrack reads version 1"
    ):
        pt.aqi.HourlyState.from_bytes(good[:8] + (2).to_bytes(2, "little") + good[10:])
    with pytest.raises(pt.InvalidSpecError, match="not a readable HourlyState"):
        pt.aqi.HourlyState.from_bytes(good[:14])


def test_state_stays_bounded_over_a_long_run() -> None:
    # 2,000 hours, 5 stations, one batch an hour: the bytes at hour 1,000 and 2,000 are equal.
    state = nowcast_state(lateness=3)
    sizes = {}
    for h in range(2000):
        state.update(rows([f"s{i}" for i in range(5)], [h] * 5, pm25=[float(h % 50)] * 5))
        if h + 1 in (1000, 2000):
            sizes[h + 1] = (state.nbytes, len(state.to_bytes()))
    assert sizes[1000][0] == sizes[2000][0]
    assert abs(sizes[1000][1] - sizes[2000][1]) <= 16  # varint-coded hours grow by a byte
    daily = pt.aqi.HourlyState(station="site", time="t", emit="daily", pollutants=["pm25"])
    for day in range(60):
        hours = list(range(24 * day, 24 * day + 24))
        daily.update(rows(["A"] * 24, hours, pm25=[12.0] * 24))
        if day in (29, 59):
            sizes[day] = (daily.nbytes, 0)
    assert sizes[29][0] == sizes[59][0]


def test_integer_stations_pandas_and_polars_in_their_kind_out() -> None:
    pd = pytest.importorskip("pandas")
    state = pt.aqi.HourlyState(station="site", time="t", pollutants=["pm25"])
    times = [T0 + dt.timedelta(hours=h) for h in range(12)]
    out = state.update(pd.DataFrame({"site": [7] * 12, "t": times, "pm25": N01}))
    assert isinstance(out, pd.DataFrame)
    assert out["site"].tolist() == [7] * 12 and out["nowcast_aqi"].iloc[-1] == 146
    pl = pytest.importorskip("polars")
    more = state.update(
        pl.DataFrame({"site": [7], "t": [T0 + dt.timedelta(hours=12)], "pm25": [80.0]})
    )
    assert isinstance(more, pl.DataFrame) and more["site"].to_list() == [7]


def test_bad_input_is_refused_clearly() -> None:
    state = nowcast_state()
    with pytest.raises(pt.ColumnNotFoundError, match="station column 'site'"):
        state.update(pa.table({"t": [T0], "pm25": [1.0]}))
    with pytest.raises(pt.UnsupportedTypeError, match="need a timestamp column"):
        state.update(pa.table({"site": ["A"], "t": ["2024-01-01"], "pm25": [1.0]}))
    state.update(rows(["A"], [0], pm25=[1.0]))
    with pytest.raises(pt.UnsupportedTypeError, match="the stream's station ids are"):
        state.update(rows([1], [1], pm25=[1.0]))
    with pytest.raises(pt.UnsupportedTypeError, match="a zone or none throughout"):
        state.update(pa.table({"site": ["A"], "t": [dt.datetime(2024, 1, 1, 2)], "pm25": [1.0]}))
    auto = pt.aqi.HourlyState(station="site", time="t")
    auto.update(rows(["A"], [0], pm25=[1.0]))
    with pytest.raises(pt.InvalidSpecError, match=r"pollutant columns are \[pm25, o3\]"):
        auto.update(rows(["A"], [1], pm25=[1.0], o3=[0.01]))
    with pytest.raises(TypeError, match="on_duplicate"):
        pt.aqi.HourlyState(station="site", time="t", duplicates="first")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="lateness"):
        pt.aqi.HourlyState(station="site", time="t", lateness=-1)
    with pytest.raises(pt.InvalidSpecError, match="emit must be 'nowcast' or 'daily'"):
        pt.aqi.HourlyState(station="site", time="t", emit="hourly")  # type: ignore[arg-type]
    with pytest.raises(pt.InvalidSpecError, match="tz is a daily option"):
        pt.aqi.HourlyState(station="site", time="t", tz="+08:00")
    with pytest.raises(pt.InvalidSpecError, match="US EPA averaging rules"):
        pt.aqi.HourlyState(station="site", time="t", standard="in_naqi")


def test_results_are_the_same_at_one_and_two_threads() -> None:
    # 3,000 stations: enough rows for the NowCast and day loops to split across threads.
    n = 3000
    batches = [
        rows(
            [f"s{i}" for i in range(n)],
            [h] * n,
            pm25=[float((i * 7 + h * 13) % 90) for i in range(n)],
        )
        for h in range(30)
    ]
    before = pt.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            pt.set_num_threads(threads)
            for emit in ("nowcast", "daily"):
                state = pt.aqi.HourlyState(station="site", time="t", emit=emit, pollutants=["pm25"])  # type: ignore[arg-type]
                out = [state.update(b) for b in batches] + [state.flush()]
                results.append(pa.concat_tables([t for t in out if t.num_rows]))
    finally:
        pt.set_num_threads(before)
    assert results[0].equals(results[2]) and results[1].equals(results[3])
    assert results[0].num_rows == 30 * n and results[1].num_rows == 2 * n
