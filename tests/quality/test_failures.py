"""pt.quality failing rows, severity and mostly: the failing rows are exactly the rows the
report counts (against a pure-Python oracle), and the verdicts follow the documented rules."""

from __future__ import annotations

import pickle
import warnings

import pollutrack as pt
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pollutrack import quality as q
from support.quality_oracle import failing_rows, passes

LETTERS = ["a", "b", "c", "<d>"]

rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "x": st.one_of(st.none(), st.integers(-5, 15)),
            "f": st.one_of(st.none(), st.floats(-10, 10), st.just(float("nan"))),
            "s": st.one_of(st.none(), st.sampled_from(LETTERS)),
        }
    ),
    max_size=40,
)
mostly_strategy = st.one_of(st.none(), st.sampled_from([0.0, 0.07, 0.5, 0.75, 0.9, 0.99, 1.0]))


@st.composite
def rule_strategy(draw: st.DrawFn) -> dict:
    mostly = draw(mostly_strategy)
    severity = draw(st.sampled_from(["error", "warn"]))
    lo = draw(st.one_of(st.none(), st.integers(-5, 10)))
    hi = draw(st.one_of(st.none(), st.integers(0, 15)))
    return draw(
        st.sampled_from(
            [
                q.not_null("x", severity=severity, mostly=mostly),
                q.not_null("f", allow_nan=draw(st.booleans()), severity=severity, mostly=mostly),
                q.in_range("x", lo, hi, severity=severity, mostly=mostly),
                q.in_range("f", lo, hi, severity=severity, mostly=mostly),
                q.accepted_values("s", LETTERS[:2], severity=severity, mostly=mostly),
                q.unique("s", severity=severity, mostly=mostly),
                q.unique("x", "s", severity=severity, mostly=mostly),
                q.row_count(min=hi, severity=severity),
            ]
        )
    )


def table_of(rows: list[dict]) -> pa.Table:
    schema = pa.schema([("x", pa.int64()), ("f", pa.float64()), ("s", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


@settings(max_examples=150, deadline=None)
@given(rows=rows_strategy, rules=st.lists(rule_strategy(), min_size=1, max_size=5))
def test_failing_rows_are_the_rows_the_report_counts(rows: list[dict], rules: list[dict]) -> None:
    data = table_of(rows)
    report = pt.quality.check(data, rules, max_examples=3, failures=True)
    assert report.failures is not None
    failures = report.failures.to_pylist()
    for i, (rule, line) in enumerate(zip(rules, report.to_pylist(), strict=True)):
        expected = failing_rows(rows, rule)
        mine = [f for f in failures if f["rule_index"] == i]
        assert [f["row_number"] for f in mine] == expected
        assert line["failing_rows"] == len(expected)
        assert line["example_rows"] == expected[:3]
        assert {f["rule"] for f in mine} <= {rule["rule"]}
        assert all(f["severity"] == rule.get("severity", "error") for f in mine)
        for f in mine:  # the data of the failing row itself, NaN compared as NaN
            want = rows[f["row_number"]]
            assert repr([f[k] for k in "xfs"]) == repr([want[k] for k in "xfs"])
        if rule["rule"] != "row_count":
            assert line["passed"] == passes(rule, len(expected), len(rows))
    assert [f["rule_index"] for f in failures] == sorted(f["rule_index"] for f in failures)
    alone = pt.quality.failures(data, rules)
    assert repr(alone.to_pylist()) == repr(failures)  # NaN is not equal to itself


def test_failures_columns_and_table_rules() -> None:
    data = pa.table({"site": ["A", "B", "B"], "aqi": pa.array([10, 900, None], pa.int32())})
    rules = [q.row_count(min=5), q.in_range("aqi", 0, 500), q.not_null("aqi", severity="warn")]
    failures = pt.quality.failures(data, rules)
    assert failures.schema.names == [
        "rule_index",
        "rule",
        "rule_column",
        "severity",
        "row_number",
        "site",
        "aqi",
    ]
    assert failures.schema.field("aqi").type == pa.int32()  # the data's own types
    assert failures.to_pylist() == [
        {
            "rule_index": 1,
            "rule": "in_range",
            "rule_column": "aqi",
            "severity": "error",
            "row_number": 1,
            "site": "B",
            "aqi": 900,
        },
        {
            "rule_index": 2,
            "rule": "not_null",
            "rule_column": "aqi",
            "severity": "warn",
            "row_number": 2,
            "site": "B",
            "aqi": None,
        },
    ]
    assert pt.quality.check(data, rules).failures is None
    out = pt.aqi.compute({"pm25": [5.0, 900.0]})
    # the output's provenance describes the output, not the failing rows
    assert pt.quality.failures(out, [q.in_range("aqi", 0, 500)]).schema.metadata is None
    with pytest.raises(pt.InvalidSpecError, match="the data has a column named 'rule'"):
        pt.quality.failures({"rule": [1]}, [q.not_null("rule")])


def test_mostly_decides_pass_and_says_so() -> None:
    data = {"aqi": [10] * 93 + [900] * 7}
    rows = pt.quality.check(
        data,
        [
            q.in_range("aqi", 0, 500, mostly=0.93),
            q.in_range("aqi", 0, 500, mostly=0.94),
            q.in_range("aqi", 0, 500),
        ],
    ).to_pylist()
    assert [(r["passed"], r["failing_rows"], r["mostly"]) for r in rows] == [
        (True, 7, 0.93),
        (False, 7, 0.94),
        (False, 7, None),
    ]
    assert rows[0]["detail"].endswith("; 93 of 100 rows pass (mostly 0.93)")
    assert rows[2]["detail"] == "outside [0, 500] or NaN; nulls not checked"


def test_severity_decides_the_verdict_not_the_rule_row() -> None:
    data = {"aqi": [10, 900]}
    warn = pt.quality.check(data, [q.in_range("aqi", 0, 500, severity="warn")])
    assert warn.column("passed").to_pylist() == [False]  # the rule itself failed
    assert warn.column("severity").to_pylist() == ["warn"]
    assert warn.passed  # but only errors fail the report
    assert warn.summary() == "0 of 1 rule passed; 0 errors, 1 warning failed"
    error = pt.quality.check(data, [q.in_range("aqi", 0, 500), q.row_count(min=1)])
    assert not error.passed
    assert error.summary() == "1 of 2 rules passed; 1 error, 0 warnings failed"


def test_bad_severity_and_mostly_are_named() -> None:
    with pytest.raises(pt.InvalidSpecError, match='rule 1: severity must be "error" or "warn"'):
        pt.quality.check({"a": [1]}, [q.not_null("a"), {**q.not_null("a"), "severity": "info"}])
    with pytest.raises(pt.InvalidSpecError, match=r"rule 0: mostly must be a number in \[0, 1\]"):
        pt.quality.check({"a": [1]}, [q.not_null("a", mostly=1.01)])
    with pytest.raises(pt.InvalidSpecError, match="mostly applies to rules that check rows"):
        pt.quality.check({"a": [1]}, [{"rule": "row_count", "min": 1, "mostly": 0.5}])


def test_assert_quality_warns_on_warnings_and_fails_on_errors() -> None:
    data = {"aqi": [10, 900]}
    with pytest.warns(q.QualityWarning, match="1 quality rules of severity warn failed"):
        pt.testing.assert_quality(data, [q.in_range("aqi", 0, 500, severity="warn")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pt.testing.assert_quality(data, [q.in_range("aqi", 0, 500, mostly=0.5)])
    with pytest.raises(AssertionError) as err:
        pt.testing.assert_quality(
            data, [q.in_range("aqi", 0, 500), q.in_range("aqi", 0, 100, severity="warn")]
        )
    assert str(err.value) == (
        "1 of 2 quality rules failed:\n"
        "  in_range aqi: outside [0, 500] or NaN; nulls not checked; e.g. 900\n"
        "and rules of severity warn:\n"
        "  in_range aqi: outside [0, 100] or NaN; nulls not checked; e.g. 900"
    )


def test_the_report_keeps_the_table_api() -> None:
    report = pt.quality.check({"aqi": [1, None]}, [q.not_null("aqi")], failures=True)
    assert report.num_rows == 1 and len(report) == 1
    assert report["rule"].to_pylist() == ["not_null"]
    assert pa.table(report).equals(report.table)  # the Arrow stream interface
    assert report == report.table and report.table == report
    assert isinstance(report.table, pa.Table)
    back = pickle.loads(pickle.dumps(report))
    assert back == report and back.failures.equals(report.failures)


def test_the_report_renders_as_html() -> None:
    data = {"cat": ["Good", "<script>", "Good"]}
    rules = [
        q.accepted_values("cat", ["Good"]),
        q.unique("cat", severity="warn"),
        q.row_count(min=3),
    ]
    page = pt.quality.check(data, rules)._repr_html_()
    assert page.count("<tr>") == 4  # a header and one row per rule
    assert "&#10008; FAIL" in page and "&#9888; warn" in page and "&#10004; pass" in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "1 of 3 rules passed; 1 error, 1 warning failed" in page
