"""pt.quality: every rule, the report's shape, reconcile, and bad rules."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pollutrack as pt
import pyarrow as pa
import pytest
from pollutrack import quality as q


def data() -> pa.Table:
    return pa.table(
        {
            "station": ["A", "A", "B", "B", "C"],
            "day": [1, 2, 1, 1, 1],
            "aqi": pa.array([10, None, 600, 50, -1], pa.int32()),
            "pm25": [1.0, float("nan"), 2.0, None, 3.0],
            "category": ["Good", "Good", "Hazardous", "Sideways", None],
            "time": pa.array(
                [dt.datetime(2024, 1, 1, h) for h in (1, 2, 3, 4, 5)], pa.timestamp("s")
            ),
        }
    )


def by_rule(report: pa.Table) -> list[dict]:
    return report.to_pylist()


def test_every_rule_reports_rows_and_examples() -> None:
    rules = [
        q.not_null("aqi"),
        q.not_null("pm25"),
        q.not_null("pm25", allow_nan=True),
        q.in_range("aqi", 0, 500),
        q.accepted_values("category", ["Good", "Hazardous"]),
        q.unique("station", "day"),
        q.row_count(min=1, max=10),
        q.freshness("time", dt.timedelta(hours=2), as_of=dt.datetime(2024, 1, 1, 6)),
    ]
    r = by_rule(pt.quality.check(data(), rules))
    assert [x["rule"] for x in r] == [
        "not_null",
        "not_null",
        "not_null",
        "in_range",
        "accepted_values",
        "unique",
        "row_count",
        "freshness",
    ]
    assert (r[0]["passed"], r[0]["failing_rows"], r[0]["example_rows"]) == (False, 1, [1])
    assert (r[1]["failing_rows"], r[1]["example_rows"], r[1]["detail"]) == (
        2,
        [1, 3],
        "1 null, 1 NaN",
    )
    assert (r[2]["failing_rows"], r[2]["example_rows"]) == (1, [3])
    assert (r[3]["failing_rows"], r[3]["examples"], r[3]["example_rows"]) == (
        2,
        ["600", "-1"],
        [2, 4],
    )
    assert (r[4]["failing_rows"], r[4]["examples"]) == (1, ["Sideways"])  # the null is not checked
    assert (r[5]["column"], r[5]["failing_rows"], r[5]["examples"]) == (
        "station,day",
        2,
        ["B, 1", "B, 1"],
    )
    assert r[6]["passed"] and r[6]["detail"] == "5 rows, expected [1, 10]"
    assert r[7]["passed"] and r[7]["detail"] == "newest value is 3600 s old (at most 7200 s)"


def test_freshness_defaults_to_now() -> None:
    old = pa.table({"t": pa.array([dt.datetime(2020, 1, 1)], pa.timestamp("s"))})
    (row,) = by_rule(pt.quality.check(old, [q.freshness("t", 3600)]))
    assert not row["passed"] and row["examples"] == ["2020-01-01T00:00:00"]


def test_max_examples_and_input_kinds() -> None:
    big = pa.table({"x": list(range(100))})
    (row,) = by_rule(pt.quality.check(big, [q.in_range("x", max=9)], max_examples=3))
    assert row["failing_rows"] == 90 and row["example_rows"] == [10, 11, 12]
    same = pt.quality.check(
        pl.DataFrame({"x": list(range(100))}), [q.in_range("x", max=9)], max_examples=3
    )
    assert by_rule(same) == [row]


def test_bad_rules_are_named() -> None:
    with pytest.raises(pt.InvalidSpecError, match="rule 1: unknown variant `sometimes`"):
        pt.quality.check(data(), [q.not_null("aqi"), {"rule": "sometimes"}])
    with pytest.raises(pt.InvalidSpecError, match="rule 0"):
        pt.quality.check(data(), [{"rule": "in_range", "column": "aqi", "mni": 0}])
    with pytest.raises(pt.ColumnNotFoundError, match="column 'nope' of rule not_null"):
        pt.quality.check(data(), [q.not_null("nope")])
    with pytest.raises(pt.UnsupportedTypeError, match="category"):
        pt.quality.check(data(), [q.in_range("category", 0, 1)])
    with pytest.raises(pt.UnsupportedTypeError, match="freshness needs a timestamp"):
        pt.quality.check(data(), [q.freshness("aqi", 1)])


def test_checks_the_aqi_output() -> None:
    readings = pa.table({"pm25": [5.0, 40.0, None, 700.0]})
    out = pt.aqi.compute(readings)
    report = pt.quality.check(
        out,
        [
            q.row_count(min=readings.num_rows, max=readings.num_rows),
            q.in_range("aqi", 0, 500),
            q.accepted_values("aqi_status", ["ok", "no_data"]),
        ],
    )
    assert [r["passed"] for r in report.to_pylist()] == [True, False, False]
    assert report.column("examples").to_pylist()[2] == ["beyond_index"]


def test_reconcile_rows_and_keys() -> None:
    source = pa.table({"site": ["A", "A", "B", "C"], "day": [1, 2, 1, 1]})
    target = pa.table({"site": ["A", "B", "B", "D"], "day": pa.array([1, 1, 1, 1], pa.int32())})
    out = pt.quality.reconcile(source, target, key=["site", "day"]).to_pylist()
    got = {r["check"]: (r["passed"], r["value"], r["examples"]) for r in out}
    assert got == {
        "row_count": (True, 0, []),
        "keys_missing_from_target": (False, 2, ["A, 2", "C, 1"]),
        "keys_added_in_target": (False, 1, ["D, 1"]),
        "duplicate_keys_in_source": (True, 0, []),
        "duplicate_keys_in_target": (False, 1, ["B, 1"]),
    }
    only_rows = pt.quality.reconcile(source, target.slice(0, 3)).to_pylist()
    assert only_rows == [
        {
            "check": "row_count",
            "passed": False,
            "value": -1,
            "examples": [],
            "detail": "source 4 rows, target 3 rows",
        }
    ]
    with pytest.raises(pt.ColumnNotFoundError, match="column 'x' of rule reconcile"):
        pt.quality.reconcile(source, target, key="x")


def test_pytest_assertions() -> None:
    pt.testing.assert_quality(data(), [q.row_count(min=5, max=5), q.not_null("station")])
    with pytest.raises(AssertionError) as err:
        pt.testing.assert_quality(data(), [q.not_null("station"), q.unique("station", "day")])
    assert str(err.value) == (
        "1 of 2 quality rules failed:\n"
        "  unique station,day: 1 key values appear more than once; e.g. B, 1, B, 1"
    )
    pt.testing.assert_reconciled({"id": [1, 2]}, {"id": [2, 1]}, key="id")
    with pytest.raises(AssertionError, match="row_count: source 2 rows, target 1 rows"):
        pt.testing.assert_reconciled({"id": [1, 2]}, {"id": [2]})
