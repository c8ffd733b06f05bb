"""--lineage on every command: START and COMPLETE (or FAIL with the error) RunEvents with the
run's datasets, through the client's HTTP transport to a local server or into a file."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pollutrack as pt
import pytest
from support.lineage_events import lineage_server, parse_run_event, read_events

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def environment() -> Iterator[None]:
    """The OpenLineage client writes aliases of OPENLINEAGE_URL into os.environ: undo them."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def events_of(server: object) -> list:
    return [parse_run_event(body) for _, _, body in server.received]  # type: ignore[attr-defined]


def test_aqi_sends_start_and_complete_over_http(cli: Run, stations: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"rule": "in_range", "column": "aqi", "max": 500}]))
    out = tmp_path / "aqi.parquet"
    out.write_bytes(b"a previous output")  # replaced; START must not report its size
    with lineage_server() as server:
        code, _, err = cli(
            "aqi", stations, "-o", out, "--checks", rules, "--store-failures", tmp_path / "f",
            "--lineage", server.url, "--lineage-job", "daily_aqi",
        )  # fmt: skip
    assert code == 0, err
    start, complete = events_of(server)
    assert [start.eventType.value, complete.eventType.value] == ["START", "COMPLETE"]
    assert start.run.runId == complete.run.runId
    assert complete.job.name == "daily_aqi"
    assert [(d.name, d.outputFacets) for d in start.outputs] == [
        (str(out.resolve()), {}),
        (str((tmp_path / "f" / "aqi.failures.parquet").resolve()), {}),
    ]
    (read,) = complete.inputs
    assert read.name == str(stations.resolve())
    assert [f.name for f in read.facets["schema"].fields] == ["station", "date", "pm25"]
    written, failures = complete.outputs
    assert written.name == str(out.resolve())
    assert written.outputFacets["outputStatistics"].rowCount == 4
    assert written.outputFacets["outputStatistics"].size == out.stat().st_size
    assert written.outputFacets["outputStatistics"].rowsSetAside == 0
    fields = written.facets["columnLineage"].fields
    assert [(i.name, i.field) for i in fields["aqi"].inputFields] == [(read.name, "pm25")]
    assert fields["station"].inputFields[0].transformations[0].subtype == "IDENTITY"
    (assertion,) = written.outputFacets["dataQualityAssertions"].assertions
    assert (assertion.assertion, assertion.column, assertion.success) == ("in_range", "aqi", False)
    assert failures.name == str((tmp_path / "f" / "aqi.failures.parquet").resolve())
    assert failures.outputFacets["outputStatistics"].rowCount == 1
    report = json.loads((tmp_path / "aqi.parquet.report.json").read_text())
    assert report["lineage"] == {
        "run_id": start.run.runId,
        "job": "daily_aqi",
        "target": server.url,
    }


def test_a_run_that_fails_on_bad_input_sends_fail(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("station,pm25\nA,5\nB,abc\n")
    with lineage_server() as server:
        code, _, err = cli("aqi", bad, "-o", tmp_path / "o.parquet", "--lineage", server.url)
    assert code == 2 and "line 3, column 'pm25': 'abc' is not a number" in err
    start, fail = events_of(server)
    assert [start.eventType.value, fail.eventType.value] == ["START", "FAIL"]
    assert fail.run.runId == start.run.runId
    message = fail.run.facets["errorMessage"].message
    assert "line 3, column 'pm25': 'abc' is not a number" in message
    assert [d.name for d in fail.inputs] == [str(bad.resolve())]
    assert not (tmp_path / "o.parquet").exists()


def test_a_failure_before_reading_still_starts_and_fails(cli: Run, tmp_path: Path) -> None:
    events = tmp_path / "events.ndjson"
    code, _, err = cli(
        "aqi", tmp_path / "missing.csv", "-o", tmp_path / "o.parquet", "--lineage", events
    )
    assert code == 2 and "no such file or folder" in err
    start, fail = read_events(events)
    assert (start.eventType.value, fail.eventType.value) == ("START", "FAIL")
    assert "missing.csv: no such file or folder" in fail.run.facets["errorMessage"].message


def test_map_check_drift_and_demo_write_events_to_a_file(cli: Run, tmp_path: Path) -> None:
    codes = tmp_path / "codes.csv"
    codes.write_text("cbwd\nNE\nSW\n")
    sheet = pt.mapping.sample_sheet()
    events = tmp_path / "lineage" / "events.ndjson"
    xlsx = tmp_path / "fix.xlsx"
    code, _, err = cli(
        "map", codes, "--sheet", sheet, "-o", tmp_path / "m.parquet", "--xlsx", xlsx,
        "--lineage", events,
    )  # fmt: skip
    assert code == 0, err
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"rule": "not_null", "column": "cbwd_mapped", "mostly": 0.5}]))
    code, _, err = cli("check", tmp_path / "m.parquet", "--rules", rules, "--lineage", events)
    assert code == 0, err
    allowed = tmp_path / "allowed.json"
    allowed.write_text(json.dumps({"cbwd": ["northeast"]}))
    code, _, err = cli("drift", "--sheet", sheet, "--allowed", allowed, "--lineage", events)
    assert code == 0, err
    got = read_events(events)
    assert [(e.job.name, e.eventType.value) for e in got] == [
        ("pollutrack.map", "START"),
        ("pollutrack.map", "COMPLETE"),
        ("pollutrack.check", "START"),
        ("pollutrack.check", "COMPLETE"),
        ("pollutrack.drift", "START"),
        ("pollutrack.drift", "COMPLETE"),
    ]
    mapped = got[1]
    assert [d.name for d in mapped.inputs] == [str(codes.resolve()), str(sheet.resolve())]
    assert [d.name for d in mapped.outputs] == [
        str((tmp_path / "m.parquet").resolve()),
        str(xlsx.resolve()),
    ]
    fields = mapped.outputs[0].facets["columnLineage"].fields
    assert [(i.name, i.field) for i in fields["cbwd_mapped"].inputFields] == [
        (str(codes.resolve()), "cbwd")
    ]
    (checked,) = got[3].inputs
    (assertion,) = checked.inputFacets["dataQualityAssertions"].assertions
    assert (assertion.assertion, assertion.column, assertion.success) == (
        "not_null",
        "cbwd_mapped",
        True,
    )
    assert assertion.params == {"failing_rows": 1, "mostly": 0.5}
    assert [d.name for d in got[5].inputs] == [str(sheet.resolve()), str(allowed.resolve())]


def test_the_environment_turns_lineage_on(
    cli: Run, stations: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: None
) -> None:
    with lineage_server() as server:
        monkeypatch.setenv("OPENLINEAGE_URL", server.url)
        code, _, err = cli("aqi", stations, "-o", tmp_path / "o.parquet")
        assert code == 0, err
        monkeypatch.setenv("OPENLINEAGE_DISABLED", "true")
        assert cli("aqi", stations, "-o", tmp_path / "o.parquet")[0] == 0
    assert [e.eventType.value for e in events_of(server)] == ["START", "COMPLETE"]


def test_lineage_that_cannot_be_sent_does_not_fail_the_run(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    with lineage_server(status=400) as server:
        code, _, err = cli("aqi", stations, "-o", tmp_path / "o.parquet", "--lineage", server.url)
    assert code == 0
    warnings = [line for line in err.splitlines() if "warning:" in line]
    assert len(warnings) == 2 and warnings[0].startswith(
        f"pollutrack: warning: lineage to {server.url}: the START event was not sent (400"
    )
    assert (tmp_path / "o.parquet").exists()


def test_bad_lineage_targets(cli: Run, stations: Path, tmp_path: Path) -> None:
    code, _, err = cli("aqi", stations, "-o", tmp_path / "o.parquet", "--lineage", "kafka://x")
    assert code == 2 and "give an http(s) URL or a file; other transports (kafka ...)" in err
    code, _, err = cli("aqi", stations, "-o", tmp_path / "o.parquet", "--lineage", stations)
    assert code == 2 and "would overwrite the input" in err
    assert stations.read_text().startswith("station,date,pm25")


# Without the extra: openlineage made unimportable in a fresh interpreter, which runs the
# Python API and then each command through click's runner, and prints what it saw as JSON.
WITHOUT_OPENLINEAGE = """
import json, os, sys
sys.modules["openlineage"] = None
import pollutrack as pt
from click.testing import CliRunner
from pollutrack.cli import main

seen = {"available": pt.lineage.available()}
seen["aqi"] = pt.aqi.compute({"pm25": [5.0]}).column("aqi").to_pylist()
seen["column_lineage"] = sorted(pt.lineage.column_lineage(pt.aqi.compute({"pm25": [5.0]}).schema))
try:
    pt.lineage.run_event("START", job="j")
except pt.lineage.LineageUnavailableError as exc:
    seen["error"] = str(exc)
runs = []
for args, env in json.loads(sys.argv[1]):
    result = CliRunner().invoke(main, args, env=env, prog_name="pollutrack")
    runs.append([result.exit_code, result.stderr])
seen["runs"] = runs
print(json.dumps(seen))
"""


def test_without_the_extra_everything_else_works(stations: Path, tmp_path: Path) -> None:
    import subprocess

    out, rules, allowed = tmp_path / "o.parquet", tmp_path / "rules.json", tmp_path / "a.json"
    rules.write_text('[{"rule": "not_null", "column": "aqi", "severity": "warn"}]')
    allowed.write_text('{"cbwd": ["northeast"]}')
    sheet, xlsx, failures = pt.mapping.sample_sheet(), tmp_path / "d.xlsx", tmp_path / "f"
    commands = [
        (["aqi", stations, "-o", out], {}),
        (["aqi", stations, "-o", out, "--lineage", tmp_path / "e.ndjson"], {}),
        (["aqi", stations, "-o", out], {"OPENLINEAGE_URL": "http://127.0.0.1:9"}),
        (["check", out, "--rules", rules, "--store-failures", failures], {}),
        (["drift", "--sheet", sheet, "--allowed", allowed, "--xlsx", xlsx], {}),
    ]
    args = json.dumps([[[str(a) for a in argv], env] for argv, env in commands])
    proc = subprocess.run(
        [sys.executable, "-c", WITHOUT_OPENLINEAGE, args],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("OPENLINEAGE")},
    )
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    hint = "pip install 'pollutrack[lineage]'"
    assert (seen["available"], seen["aqi"]) == (False, [28])
    assert seen["column_lineage"] == ["aqi", "aqi_category", "aqi_dominant", "aqi_status", "pm25"]
    assert seen["error"] == f"OpenLineage events need the OpenLineage client: {hint}"
    plain, asked, configured, checked, drifted = seen["runs"]
    assert plain[0] == 0, plain[1]
    assert asked == [
        2,
        f"pollutrack: --lineage needs the OpenLineage client: {hint} "
        "(see 'pollutrack aqi --help')\n",
    ]
    assert not (tmp_path / "e.ndjson").exists()
    assert configured[0] == 0
    assert configured[1].splitlines()[0] == (
        "pollutrack: warning: OPENLINEAGE_URL configures OpenLineage, but no events are sent "
        f"without the OpenLineage client: {hint}"
    )
    assert checked[0] == 0 and "1 failing rows -> " in checked[1]
    assert (failures / "rules.failures.parquet").exists()
    assert drifted[0] == 0 and xlsx.exists()


def test_the_demo_reports_its_daily_output_and_checks(cli: Run, tmp_path: Path) -> None:
    events = tmp_path / "events.ndjson"
    code, _, err = cli("demo", "--out", tmp_path / "demo", "--lineage", events)
    assert code == 0, err
    start, complete = read_events(events)
    assert (start.job.name, complete.eventType.value) == ("pollutrack.demo", "COMPLETE")
    (daily,) = complete.outputs
    assert daily.name == str((tmp_path / "demo" / "daily").resolve())
    statistics = daily.outputFacets["outputStatistics"]
    assert (statistics.rowCount, statistics.fileCount) == (1826, 5)
    assertions = daily.outputFacets["dataQualityAssertions"].assertions
    assert [a.assertion for a in assertions] == [
        "row_count",
        "unique",
        "not_null",
        "in_range",
        "accepted_values",
        "accepted_values",
    ]
    assert all(a.success for a in assertions)
    assert [Path(d.name).name for d in complete.inputs] == [
        "beijing_pm25_hourly.csv",
        "wind_direction_mapping.xlsx",
    ]


def test_sql_writes_events_with_its_tables_and_output(cli: Run, tmp_path: Path) -> None:
    readings = tmp_path / "r.csv"
    readings.write_text("station,pm25\nA,35.5\nB,-1\n")
    out = tmp_path / "aqi.parquet"
    events = tmp_path / "events.ndjson"
    query = "SELECT station, pt_aqi({'pm25': pm25}) AS aqi FROM input"
    code, _, err = cli("sql", query, readings, "-o", out, "--lineage", events)
    assert code == 0, err
    start, complete = read_events(events)
    assert [(e.job.name, e.eventType.value) for e in (start, complete)] == [
        ("pollutrack.sql", "START"),
        ("pollutrack.sql", "COMPLETE"),
    ]
    assert [d.name for d in complete.inputs] == [str(readings.resolve())]
    (written,) = complete.outputs
    assert written.name == str(out.resolve())
    assert written.outputFacets["outputStatistics"].rowCount == 2
