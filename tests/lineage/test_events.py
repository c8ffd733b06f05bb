"""pt.lineage: RunEvents that parse back with the OpenLineage client's own classes, carry the
schema, column-lineage, quality and statistics facets with the right column names, and reach
a local HTTP server through the client's HTTP transport."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pollutrack as pt
import pyarrow as pa
import pytest
from openlineage.client.event_v2 import RunEvent
from openlineage.client.facet_v2 import column_lineage_dataset, schema_dataset
from openlineage.client.serde import Serde
from pollutrack import quality as q
from support.lineage_events import lineage_server, parse_run_event, read_events

READINGS = pa.table({"site": ["A", "B"], "PM2.5": [9.0, 60.0], "o3": [0.05, 0.09]})


@pytest.fixture
def environment() -> Iterator[None]:
    """The OpenLineage client writes aliases of OPENLINEAGE_URL into os.environ: undo them."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def roundtrip(event: RunEvent) -> RunEvent:
    parsed = parse_run_event(json.loads(Serde.to_json(event)))
    assert isinstance(parsed, RunEvent)
    return parsed


def lineage_of(event: RunEvent, output: int = 0) -> dict[str, list[tuple[str, str, str]]]:
    facet = event.outputs[output].facets["columnLineage"]
    assert isinstance(facet, column_lineage_dataset.ColumnLineageDatasetFacet)
    return {
        column: [(i.name, i.field, i.transformations[0].subtype) for i in f.inputFields]
        for column, f in facet.fields.items()
    }


def test_aqi_output_column_lineage_schema_statistics_and_checks() -> None:
    out = pt.aqi.compute(READINGS, subindices=True)
    checks = pt.quality.check(out, [q.in_range("aqi", 0, 100, severity="warn"), q.unique("site")])
    src = pt.lineage.Dataset("/data/readings.csv", schema=READINGS.schema, bytes=120, files=1)
    dst = pt.lineage.Dataset(
        "/data/aqi.parquet", schema=out.schema, rows=2, bytes=900, files=1, rows_set_aside=3
    )
    dst.checks = checks
    run_id = pt.lineage.new_run_id()
    event = roundtrip(
        pt.lineage.run_event(
            "COMPLETE", job="aqi_daily", run_id=run_id, inputs=[src], outputs=[dst]
        )
    )
    assert (event.eventType.value, event.run.runId, event.job.name) == (
        "COMPLETE",
        run_id,
        "aqi_daily",
    )
    assert event.job.namespace == "pollutrack"
    (read,) = event.inputs
    schema = read.facets["schema"]
    assert isinstance(schema, schema_dataset.SchemaDatasetFacet)
    assert [(f.name, f.type, f.ordinal_position) for f in schema.fields] == [
        ("site", "string", 1),
        ("PM2.5", "double", 2),
        ("o3", "double", 3),
    ]
    assert read.facets["dataSource"].uri == "file:///data/readings.csv"
    assert (
        read.inputFacets["inputStatistics"].size,
        read.inputFacets["inputStatistics"].fileCount,
    ) == (120, 1)
    written = event.outputs[0]
    assert [f.name for f in written.facets["schema"].fields] == out.schema.names
    source = "/data/readings.csv"
    computed = [(source, "PM2.5", "TRANSFORMATION"), (source, "o3", "TRANSFORMATION")]
    assert lineage_of(event) == {
        "site": [(source, "site", "IDENTITY")],
        "PM2.5": [(source, "PM2.5", "IDENTITY")],
        "o3": [(source, "o3", "IDENTITY")],
        "aqi": computed,
        "aqi_category": computed,
        "aqi_dominant": computed,
        "aqi_status": computed,
        "aqi_pm25": [(source, "PM2.5", "TRANSFORMATION")],
        "aqi_o3": [(source, "o3", "TRANSFORMATION")],
    }
    stats = written.outputFacets["outputStatistics"]
    assert (stats.rowCount, stats.size, stats.fileCount, stats.rowsSetAside) == (2, 900, 1, 3)
    assertions = written.outputFacets["dataQualityAssertions"].assertions
    assert [(a.assertion, a.column, a.success, a.severity, a.actual) for a in assertions] == [
        ("in_range", "aqi", False, "warn", "1"),
        ("unique", "site", True, "error", "0"),
    ]
    engine = event.run.facets["processing_engine"]
    assert (engine.name, engine.version) == ("pollutrack", pt.__version__)


def test_mapped_columns_and_an_aqhi_output() -> None:
    m = pt.Mapping.from_dict({"cbwd": {"NE": "northeast"}, "site": {"A": "Alpha"}})
    data = pa.table({"cbwd": ["NE", "x"], "site": ["A", "A"], "v": [1, 2]})
    res = m.apply(data, replace=True, fields=["site"])
    mapped = m.apply(data)
    inputs = [
        pt.lineage.Dataset("/in/a.parquet", schema=data.schema),
        pt.lineage.Dataset("/in/b.parquet", schema=data.schema),
        pt.lineage.Dataset("/in/sheet.xlsx"),  # no schema: no column comes from it
    ]
    event = roundtrip(
        pt.lineage.run_event(
            "COMPLETE",
            job="map",
            inputs=inputs,
            outputs=[
                pt.lineage.Dataset("/out/replaced.parquet", schema=res.table.schema),
                pt.lineage.Dataset("/out/mapped.parquet", schema=mapped.table.schema),
            ],
        )
    )
    both = ["/in/a.parquet", "/in/b.parquet"]
    replaced = lineage_of(event, 0)
    assert replaced["site"] == [(n, "site", "TRANSFORMATION") for n in both]
    assert replaced["cbwd"] == [(n, "cbwd", "IDENTITY") for n in both]
    appended = lineage_of(event, 1)
    assert appended["cbwd_mapped"] == [(n, "cbwd", "TRANSFORMATION") for n in both]
    assert appended["site_mapped"] == [(n, "site", "TRANSFORMATION") for n in both]
    assert set(appended) == {"cbwd", "site", "v", "cbwd_mapped", "site_mapped"}
    aqhi = pt.aqi.compute(
        {"o3": [30.0], "no2": [20.0], "pm25": [10.0]}, standard="ca_aqhi", subindices=True
    )
    lineage = pt.lineage.column_lineage(aqhi.schema)
    assert lineage["aqi_value"].columns == ("o3", "no2", "pm25")
    assert lineage["aqi_label"].subtype == "TRANSFORMATION"
    assert pt.lineage.column_lineage(pa.schema([("x", pa.int64())])) == {}


def test_a_fail_event_carries_the_error() -> None:
    try:
        pt.aqi.compute({"pm25": ["x"]})
    except pt.UnsupportedTypeError as exc:
        error = exc
    event = roundtrip(pt.lineage.run_event("FAIL", job="aqi", error=error))
    facet = event.run.facets["errorMessage"]
    assert facet.message == str(error) and "column 'pm25'" in facet.message
    assert facet.programmingLanguage == "python"
    assert "UnsupportedTypeError" in facet.stackTrace
    assert (
        roundtrip(pt.lineage.run_event("FAIL", job="j", error="no data"))
        .run.facets["errorMessage"]
        .message
        == "no data"
    )


def test_events_reach_a_local_http_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENLINEAGE_API_KEY", "s3cret")
    run_id = pt.lineage.new_run_id()
    events = [
        pt.lineage.run_event(kind, job="j", run_id=run_id, outputs=["/tmp/x.parquet"])
        for kind in ("START", "COMPLETE")
    ]
    with lineage_server() as server:
        pt.lineage.emit(events, server.url)
        pt.lineage.emit(events[0], server.url + "/custom/endpoint")
    paths = [p for p, _, _ in server.received]
    assert paths == ["/api/v1/lineage", "/api/v1/lineage", "/custom/endpoint"]
    assert server.received[0][1]["Authorization"] == "Bearer s3cret"
    parsed = [parse_run_event(body) for _, _, body in server.received]
    assert [(e.eventType.value, e.run.runId) for e in parsed] == [
        ("START", run_id),
        ("COMPLETE", run_id),
        ("START", run_id),
    ]


def test_the_clients_own_configuration(
    monkeypatch: pytest.MonkeyPatch, environment: None, tmp_path: Path
) -> None:
    with lineage_server() as server:
        monkeypatch.setenv("OPENLINEAGE_URL", server.url)
        monkeypatch.setenv("OPENLINEAGE_NAMESPACE", "team_air")
        pt.lineage.emit(pt.lineage.run_event("START", job="j"))  # no target: the client's own
    ((path, _, body),) = server.received
    assert path == "/api/v1/lineage" and body["job"]["namespace"] == "team_air"
    target = tmp_path / "deep" / "events.ndjson"
    pt.lineage.emit(pt.lineage.run_event("START", job="j"), target)
    pt.lineage.emit(pt.lineage.run_event("COMPLETE", job="j"), f"file://{target}")
    assert [e.eventType.value for e in read_events(target)] == ["START", "COMPLETE"]  # appended


def test_a_refused_event_is_an_error_of_emit() -> None:
    with lineage_server(status=400) as server, pytest.raises(Exception, match="400"):
        pt.lineage.emit(pt.lineage.run_event("START", job="j"), server.url)


def test_datasets_of_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "d" / "year=2024").mkdir(parents=True)
    (tmp_path / "d" / "year=2024" / "a.parquet").write_bytes(b"12345")
    (tmp_path / "d" / "b.parquet").write_bytes(b"123")
    folder = pt.lineage.Dataset.file(tmp_path / "d")
    assert (folder.name, folder.bytes, folder.files) == (str(tmp_path / "d"), 8, 2)
    one = pt.lineage.Dataset.file(tmp_path / "d" / "b.parquet", rows=7)
    assert (one.bytes, one.files, one.rows) == (3, 1, 7)
