"""OpenLineage test helpers: events parsed back into the client's own classes, and a bounded
local HTTP server (127.0.0.1 only) that records what the HTTP transport posts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    column_lineage_dataset,
    data_quality_assertions_dataset,
    datasource_dataset,
    environment_variables_run,
    error_message_run,
    input_statistics_input_dataset,
    job_type_job,
    output_statistics_output_dataset,
    processing_engine_run,
    schema_dataset,
    source_code_location_job,
    tags_job,
    tags_run,
)
from openlineage.client.serde import Serde


def _facet(cls: type, raw: dict[str, Any], **parsed: Any) -> Any:
    """``cls`` built from ``raw``: ``_producer`` given, ``_schemaURL`` set by the class itself;
    any key the class does not declare is an additional property (as the spec allows)."""
    fields = {a.name.lstrip("_") for a in cls.__attrs_attrs__}  # type: ignore[attr-defined]
    own = {k: v for k, v in raw.items() if k not in ("_producer", "_schemaURL")}
    known = {k: parsed.get(k, v) for k, v in own.items() if k in fields}
    extra = {k: v for k, v in own.items() if k not in fields}
    facet = cls(**known, producer=raw["_producer"])
    return facet.with_additional_properties(**extra) if extra else facet


def _schema_fields(raw: list[dict[str, Any]]) -> list[Any]:
    return [
        schema_dataset.SchemaDatasetFacetFields(
            **{**f, "fields": _schema_fields(f.get("fields", []))}
        )
        for f in raw
    ]


def _column_lineage(raw: dict[str, Any]) -> Any:
    cl = column_lineage_dataset
    fields = {
        name: cl.Fields(
            inputFields=[
                cl.InputField(
                    **{
                        **i,
                        "transformations": [
                            cl.Transformation(**t) for t in i.get("transformations", [])
                        ],
                    }
                )
                for i in f["inputFields"]
            ]
        )
        for name, f in raw["fields"].items()
    }
    return _facet(cl.ColumnLineageDatasetFacet, raw, fields=fields, dataset=raw.get("dataset"))


def _assertions(raw: dict[str, Any]) -> Any:
    dq = data_quality_assertions_dataset
    parsed = [dq.Assertion(**a) for a in raw["assertions"]]
    return _facet(dq.DataQualityAssertionsDatasetFacet, raw, assertions=parsed)


def _schema(raw: dict[str, Any]) -> Any:
    return _facet(schema_dataset.SchemaDatasetFacet, raw, fields=_schema_fields(raw["fields"]))


FACETS: dict[str, Any] = {
    "schema": _schema,
    "dataSource": lambda r: _facet(datasource_dataset.DatasourceDatasetFacet, r),
    "columnLineage": _column_lineage,
    "dataQualityAssertions": _assertions,
    "inputStatistics": lambda r: _facet(
        input_statistics_input_dataset.InputStatisticsInputDatasetFacet, r
    ),
    "outputStatistics": lambda r: _facet(
        output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet, r
    ),
    "processing_engine": lambda r: _facet(processing_engine_run.ProcessingEngineRunFacet, r),
    "errorMessage": lambda r: _facet(error_message_run.ErrorMessageRunFacet, r),
    "jobType": lambda r: _facet(job_type_job.JobTypeJobFacet, r),
    # What the client itself adds from its configuration (tags, environment, git).
    "sourceCodeLocation": lambda r: _facet(source_code_location_job.SourceCodeLocationJobFacet, r),
    "environmentVariables": lambda r: _facet(
        environment_variables_run.EnvironmentVariablesRunFacet,
        r,
        environmentVariables=[
            environment_variables_run.EnvironmentVariable(**v) for v in r["environmentVariables"]
        ],
    ),
}


def _tags(facet: type, fields: type) -> Any:
    return lambda r: _facet(facet, r, tags=[fields(**t) for t in r.get("tags", [])])


RUN_TAGS = _tags(tags_run.TagsRunFacet, tags_run.TagsRunFacetFields)
JOB_TAGS = _tags(tags_job.TagsJobFacet, tags_job.TagsJobFacetFields)


def _facets(raw: dict[str, Any] | None, tags: Any = None) -> dict[str, Any]:
    parsers = {**FACETS, "tags": tags} if tags is not None else FACETS
    return {name: parsers[name](value) for name, value in (raw or {}).items()}


def parse_run_event(raw: dict[str, Any]) -> RunEvent:
    """The client's ``RunEvent`` for a posted or written event, every facet its own class.

    Fails on an unknown facet or key, and unless the parsed event serialises back to exactly
    ``raw``: the event is what the client's classes describe, nothing more or less.
    """
    event = RunEvent(
        eventTime=raw["eventTime"],
        producer=raw["producer"],
        eventType=RunState(raw["eventType"]),
        run=Run(runId=raw["run"]["runId"], facets=_facets(raw["run"].get("facets"), RUN_TAGS)),
        job=Job(
            namespace=raw["job"]["namespace"],
            name=raw["job"]["name"],
            facets=_facets(raw["job"].get("facets"), JOB_TAGS),
        ),
        inputs=[
            InputDataset(
                namespace=d["namespace"],
                name=d["name"],
                facets=_facets(d.get("facets")),
                inputFacets=_facets(d.get("inputFacets")),
            )
            for d in raw.get("inputs", [])
        ],
        outputs=[
            OutputDataset(
                namespace=d["namespace"],
                name=d["name"],
                facets=_facets(d.get("facets")),
                outputFacets=_facets(d.get("outputFacets")),
            )
            for d in raw.get("outputs", [])
        ],
    )
    assert Serde.to_dict(event) == raw, "the event has keys the client's classes do not know"
    return event


def read_events(path: Path) -> list[RunEvent]:
    """The events a file transport appended, parsed back."""
    return [parse_run_event(json.loads(line)) for line in path.read_text().splitlines()]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server: Any = self.server
        server.received.append((self.path, dict(self.headers), json.loads(body)))
        self.send_response(server.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:  # quiet
        pass


@contextmanager
def lineage_server(status: int = 201) -> Iterator[Any]:
    """A lineage endpoint on 127.0.0.1 (a free port) answering ``status``; ``.url`` and
    ``.received`` (path, headers, JSON body). Stopped on exit; the thread is bounded."""
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.received = []
    server.status = status
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
