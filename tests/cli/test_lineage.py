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


# Without the extra: openlineage made unimportable in a fresh interpreter.
NO_OPENLINEAGE = "import sys; sys.modules['openlineage'] = None\n"


def without_openlineage(code: str, *args: str, env: dict | None = None) -> object:
    import subprocess

    return subprocess.run(
        [sys.executable, "-c", NO_OPENLINEAGE + code, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


CLI = "import sys; from pollutrack.cli import main; main(sys.argv[1:], prog_name='pollutrack')"


def test_without_the_extra_everything_else_works(stations: Path, tmp_path: Path) -> None:
    api = without_openlineage(
        "import pollutrack as pt\n"
        "assert not pt.lineage.available()\n"
        "print(pt.aqi.compute({'pm25': [5.0]}).column('aqi').to_pylist())\n"
        "print(sorted(pt.lineage.column_lineage(pt.aqi.compute({'pm25': [5.0]}).schema)))\n"
        "try:\n"
        "    pt.lineage.run_event('START', job='j')\n"
        "except pt.lineage.LineageUnavailableError as exc:\n"
        "    print(exc)\n"
    )
    assert api.returncode == 0, api.stderr
    assert api.stdout.splitlines() == [
        "[28]",
        "['aqi', 'aqi_category', 'aqi_dominant', 'aqi_status', 'pm25']",
        "OpenLineage events need the OpenLineage client: pip install 'pollutrack[lineage]'",
    ]
    out = tmp_path / "o.parquet"
    plain = without_openlineage(CLI, "aqi", str(stations), "-o", str(out))
    assert plain.returncode == 0, plain.stderr
    asked = without_openlineage(CLI, "aqi", str(stations), "-o", str(out), "--lineage", "e.json")
    assert asked.returncode == 2
    assert asked.stderr.splitlines() == [
        "pollutrack: --lineage needs the OpenLineage client: pip install 'pollutrack[lineage]'"
        " (see 'pollutrack aqi --help')"
    ]
    configured = without_openlineage(
        CLI, "aqi", str(stations), "-o", str(out), env={"OPENLINEAGE_URL": "http://127.0.0.1:9"}
    )
    assert configured.returncode == 0
    assert configured.stderr.splitlines()[0] == (
        "pollutrack: warning: OPENLINEAGE_URL configures OpenLineage, but no events are sent "
        "without the OpenLineage client: pip install 'pollutrack[lineage]'"
    )


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
