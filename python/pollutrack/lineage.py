"""OpenLineage RunEvents of what pollutrack knows about a run (the ``lineage`` extra).

``pip install 'pollutrack[lineage]'`` brings the ``openlineage-python`` client; without it this
module imports, and every function that builds or sends an event raises
:class:`LineageUnavailableError` saying which extra to install.

A run sends a ``START`` and then a ``COMPLETE`` (or ``FAIL``, with the error) event with the same
run id (:func:`run_event`). Each :class:`Dataset` carries:

- ``schema`` (the Arrow schema as a schema facet, types as Arrow writes them) and
  ``dataSource`` (the file's URI);
- inputs: ``inputStatistics`` (bytes, files, rows when known);
- outputs: ``outputStatistics`` (rows, bytes, files, and ``rowsSetAside``: records the JSON
  reader set aside), and ``columnLineage``: which input columns fed ``aqi``, each sub-index and
  each mapped column (read from the output's ``pollutrack`` metadata; other columns pass
  through as ``IDENTITY``);
- ``dataQualityAssertions`` from a quality report, on the dataset the checks ran on (an input's
  ``inputFacets``, an output's ``outputFacets``): one assertion per rule with its column,
  severity, verdict and failing rows.

Events go where :func:`client` says: the client's own configuration (``OPENLINEAGE_URL``,
``OPENLINEAGE_CONFIG``, ``openlineage.yml``, ``OPENLINEAGE__TRANSPORT__*``), an
``http(s)://`` URL (the HTTP transport), or a file (one JSON event per line, appended).

Examples:
    >>> import pyarrow as pa
    >>> import pollutrack as pt
    >>> out = pt.aqi.compute(pa.table({"site": ["A"], "pm25": [12.0]}))
    >>> event = pt.lineage.run_event(
    ...     "COMPLETE",
    ...     job="daily_aqi",
    ...     inputs=[pt.lineage.Dataset("/data/readings.parquet", schema=pa.schema(
    ...         [("site", pa.string()), ("pm25", pa.float64())]))],
    ...     outputs=[pt.lineage.Dataset("/data/aqi.parquet", schema=out.schema, rows=1)],
    ... )
    >>> lineage = event.outputs[0].facets["columnLineage"].fields
    >>> [(f.name, f.field) for f in lineage["aqi"].inputFields]
    [('/data/readings.parquet', 'pm25')]
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import pyarrow as pa

from pollutrack._column_lineage import column_lineage
from pollutrack._core import __version__
from pollutrack._lineage_facets import input_dataset, output_dataset

if TYPE_CHECKING:
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import RunEvent

__all__ = [
    "PRODUCER",
    "Dataset",
    "LineageUnavailableError",
    "available",
    "client",
    "column_lineage",
    "emit",
    "new_run_id",
    "run_event",
]

#: The ``producer`` of every event and facet pollutrack writes.
PRODUCER = f"urn:pollutrack:{__version__}"
#: The job namespace when ``OPENLINEAGE_NAMESPACE`` is not set.
DEFAULT_NAMESPACE = "pollutrack"
INSTALL_HINT = "pip install 'pollutrack[lineage]'"

EventType = Literal["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"]


class LineageUnavailableError(ImportError):
    """The OpenLineage client is not installed; the message says which extra to install."""


def available() -> bool:
    """Whether the OpenLineage client (the ``lineage`` extra) can be imported."""
    try:
        import openlineage.client  # noqa: F401
    except ImportError:
        return False
    return True


def _require() -> None:
    if not available():
        raise LineageUnavailableError(
            f"OpenLineage events need the OpenLineage client: {INSTALL_HINT}"
        )


@dataclass
class Dataset:
    """One dataset of a run, as OpenLineage names it: a ``namespace`` and a ``name``.

    Files and folders are namespace ``file`` and their absolute path (see :meth:`file`).

    Attributes:
        name: the dataset's name (a file's absolute path).
        namespace: ``file`` for local files, else the data source (``s3://bucket`` ...).
        schema: its Arrow schema, for the schema facet and column lineage.
        rows: rows read or written.
        bytes: bytes read or written.
        files: files read or written (a partitioned output has many).
        rows_set_aside: records the JSON reader set aside instead of reading (outputs).
        checks: a quality report (:func:`pollutrack.quality.check`) run on this dataset.
    """

    name: str
    namespace: str = "file"
    schema: pa.Schema | None = None
    rows: int | None = None
    bytes: int | None = None
    files: int | None = None
    rows_set_aside: int | None = None
    checks: Any = field(default=None, repr=False)

    @classmethod
    def file(cls, path: str | os.PathLike[str], **attributes: Any) -> Dataset:
        """A local file or folder by its absolute path; its bytes and files counted if it exists.

        Examples:
            >>> import pollutrack as pt
            >>> ds = pt.lineage.Dataset.file("/no/such/aqi.parquet", rows=3)
            >>> ds.namespace, ds.name, ds.rows, ds.bytes
            ('file', '/no/such/aqi.parquet', 3, None)
        """
        p = Path(path).resolve()
        if p.is_file():
            attributes.setdefault("bytes", p.stat().st_size)
            attributes.setdefault("files", 1)
        elif p.is_dir():
            found = [f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")]
            attributes.setdefault("bytes", sum(f.stat().st_size for f in found))
            attributes.setdefault("files", len(found))
        return cls(str(p), "file", **attributes)


def new_run_id() -> str:
    """A new run id (a UUIDv7, as the OpenLineage client makes them)."""
    _require()
    from openlineage.client.uuid import generate_new_uuid

    return str(generate_new_uuid())


def _as_dataset(ds: Dataset | str | os.PathLike[str]) -> Dataset:
    return ds if isinstance(ds, Dataset) else Dataset.file(ds)


def run_event(
    event_type: EventType,
    *,
    job: str,
    run_id: str | None = None,
    inputs: Iterable[Dataset | str | os.PathLike[str]] = (),
    outputs: Iterable[Dataset | str | os.PathLike[str]] = (),
    error: BaseException | str | None = None,
    namespace: str | None = None,
    event_time: dt.datetime | None = None,
    producer: str = PRODUCER,
) -> RunEvent:
    """One OpenLineage ``RunEvent`` (the client's own class), facets as the module says.

    Args:
        event_type: ``START``, ``COMPLETE``, ``FAIL`` ... (``RUNNING``, ``ABORT``, ``OTHER``).
        job: the job's name in ``namespace``.
        run_id: the run's id, the same for its START and COMPLETE; a new UUIDv7 if None.
        inputs: what the run read: :class:`Dataset` objects, or file paths.
        outputs: what it wrote; an output whose schema carries pollutrack metadata gets
            column lineage from the inputs that have a schema.
        error: for ``FAIL``: the exception (its traceback goes in the stack trace) or message.
        namespace: the job namespace; default ``OPENLINEAGE_NAMESPACE`` or ``pollutrack``.
        event_time: when; now (UTC) if None.
        producer: the producer URI of the event and its facets.
    """
    _require()
    from openlineage.client import __version__ as client_version
    from openlineage.client.event_v2 import Job, Run, RunState
    from openlineage.client.event_v2 import RunEvent as Event
    from openlineage.client.facet_v2 import error_message_run, job_type_job, processing_engine_run

    ins = [_as_dataset(d) for d in inputs]
    outs = [_as_dataset(d) for d in outputs]
    run_facets: dict[str, Any] = {
        "processing_engine": processing_engine_run.ProcessingEngineRunFacet(
            version=__version__,
            name="pollutrack",
            openlineageAdapterVersion=client_version,
            producer=producer,
        )
    }
    if error is not None:
        stack = None
        if isinstance(error, BaseException) and error.__traceback__ is not None:
            stack = "".join(traceback.format_exception(error))
        run_facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
            message=str(error) or type(error).__name__,
            programmingLanguage="python",
            stackTrace=stack,
            producer=producer,
        )
    job_facets: dict[str, Any] = {
        "jobType": job_type_job.JobTypeJobFacet(
            processingType="BATCH", integration="POLLUTRACK", jobType="JOB", producer=producer
        )
    }
    when = event_time or dt.datetime.now(dt.UTC)
    return Event(
        eventTime=when.isoformat(),
        producer=producer,
        eventType=RunState[event_type],
        run=Run(runId=run_id or new_run_id(), facets=run_facets),
        job=Job(
            namespace=namespace or os.environ.get("OPENLINEAGE_NAMESPACE") or DEFAULT_NAMESPACE,
            name=job,
            facets=job_facets,
        ),
        inputs=[input_dataset(d, producer) for d in ins],
        outputs=[output_dataset(d, ins, producer) for d in outs],
    )


def _http(url: str) -> Any:
    from openlineage.client.transport.http import HttpConfig, HttpTransport

    parts = urlsplit(url)
    endpoint = parts.path.lstrip("/") or os.environ.get("OPENLINEAGE_ENDPOINT", "api/v1/lineage")
    if parts.query:
        endpoint += f"?{parts.query}"
    config: dict[str, Any] = {"url": f"{parts.scheme}://{parts.netloc}", "endpoint": endpoint}
    if key := os.environ.get("OPENLINEAGE_API_KEY"):
        config["auth"] = {"type": "api_key", "apiKey": key}
    return HttpTransport(HttpConfig.from_dict(config))


def client(target: str | os.PathLike[str] | None = None) -> OpenLineageClient:
    """An OpenLineage client that sends events to ``target``.

    Args:
        target: None for the client's own configuration (``OPENLINEAGE_URL``,
            ``OPENLINEAGE_CONFIG``, ``openlineage.yml``, ``OPENLINEAGE__TRANSPORT__*``);
            ``http://host:port`` (posts to ``OPENLINEAGE_ENDPOINT``, default
            ``api/v1/lineage``) or ``http://host:port/path`` (posts to that path), with
            ``OPENLINEAGE_API_KEY`` as a bearer token when set; anything else is a file path:
            each event is appended to it as one line of JSON (the folder is created).
    """
    _require()
    from openlineage.client import OpenLineageClient
    from openlineage.client.transport.file import FileConfig, FileTransport

    if target is None:
        return OpenLineageClient()
    text = os.fspath(target)
    if urlsplit(text).scheme in ("http", "https"):
        return OpenLineageClient(transport=_http(text))
    path = Path(text[len("file://") :] if text.startswith("file://") else text)
    path.parent.mkdir(parents=True, exist_ok=True)
    return OpenLineageClient(
        transport=FileTransport(FileConfig(log_file_path=str(path), append=True))
    )


def emit(events: RunEvent | Iterable[RunEvent], target: Any = None) -> None:
    """Sends one event or several, in order, to ``target`` (see :func:`client`).

    Examples:
        >>> import json, tempfile, pathlib, pollutrack as pt
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "events.ndjson"
        >>> run_id = pt.lineage.new_run_id()
        >>> pt.lineage.emit([pt.lineage.run_event(kind, job="j", run_id=run_id)
        ...                  for kind in ("START", "COMPLETE")], path)
        >>> [json.loads(line)["eventType"] for line in path.read_text().splitlines()]
        ['START', 'COMPLETE']
    """
    own = not hasattr(target, "emit")
    sender = client(target) if own else target
    listed: list[Any] = [events] if hasattr(events, "eventType") else list(events)
    try:
        for event in listed:
            sender.emit(event)
    finally:
        if own:
            sender.close()
