r"""JSON ingestion: NDJSON and JSON-array files (gzip or not) to Arrow, in parallel Rust.

Files are cut into chunks at record boundaries (a top-level array is split element by element,
never parsed as one document), chunks are decoded with the arrow-rs JSON decoder on all cores
with the GIL released, and rows come out in file order. Records that cannot be decoded never
stop the read by default: they go to a quarantine table. See the README section
"JSON ingestion" for every rule.

Examples:
    >>> import pathlib, tempfile
    >>> import pollutrack as pt
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "readings.ndjson"
    >>> _ = path.write_text('{"station": "A", "pm25": 12.0}\n{"station": "B", "pm25": }\n')
    >>> result = pt.io.read_json(path)
    >>> result.table.to_pylist()
    [{'station': 'A', 'pm25': 12.0}]
    >>> result.rejected.select(["line", "offset", "raw"]).to_pylist()
    [{'line': 2, 'offset': 31, 'raw': '{"station": "B", "pm25": }'}]
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import pyarrow as pa

from pollutrack import _core

__all__ = ["RAW_TEXT_LIMIT", "ReadResult", "iter_json", "read_json"]

Format = Literal["auto", "ndjson", "array"]
OnError = Literal["quarantine", "raise"]
PathLike = str | os.PathLike[str]

#: Bytes of a rejected record kept in ``ReadResult.rejected["raw"]``.
RAW_TEXT_LIMIT = 1024
#: Records sampled to infer a schema.
INFER_ROWS = 10_000
#: Raw bytes per parallel chunk.
CHUNK_BYTES = 512 * 1024


@dataclass(frozen=True)
class ReadResult:
    """What :func:`read_json` returns.

    Attributes:
        table: the records that decoded, in file order.
        rejected: one row per record that did not: ``file`` (string), ``line`` (uint64, from
            1), ``offset`` (uint64, byte offset in the decompressed file, from 0), ``reason``
            (string), ``raw`` (the record's first 1,024 bytes, string) and ``raw_bytes``
            (uint64, the record's full length).
    """

    table: pa.Table
    rejected: pa.Table


def _expand(path_or_paths: PathLike | Iterable[PathLike]) -> list[str]:
    """Paths as a list, with glob patterns expanded in sorted order."""
    if isinstance(path_or_paths, str | os.PathLike):
        items: list[PathLike] = [path_or_paths]
    else:
        items = list(path_or_paths)
    paths: list[str] = []
    for item in items:
        text = os.fspath(item)
        if glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise FileNotFoundError(f"no file matches {text!r}")
            paths.extend(matches)
        else:
            paths.append(text)
    if not paths:
        raise FileNotFoundError("no path given")
    return paths


def read_json(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    schema: pa.Schema | None = None,
    format: Format = "auto",
    on_error: OnError = "quarantine",
    flatten: bool = False,
    infer_rows: int = INFER_ROWS,
    chunk_bytes: int = CHUNK_BYTES,
) -> ReadResult:
    """Reads NDJSON or JSON-array files into a pyarrow Table, quarantining bad records.

    Args:
        path_or_paths: a path, a glob pattern (``"data/*.ndjson.gz"``) or a list of them;
            files are read in the order given (glob matches sorted).
        schema: the JSON's shape as a pyarrow schema; inferred from the first
            ``infer_rows`` records when None. Numbers written as strings (``"12.3"``) and
            integers are read into float columns, ISO-8601 strings into timestamp columns,
            and numbers into string columns as their text. Keys not in the schema are
            ignored; missing keys are null.
        format: ``"ndjson"`` (one record per line), ``"array"`` (one top-level array) or
            ``"auto"`` (per file: ``[`` as the first non-space byte means array).
        on_error: ``"quarantine"`` puts bad records in ``.rejected``; ``"raise"`` raises
            :class:`~pollutrack.JsonFormatError` for the first one in file order.
        flatten: replace struct columns by their leaves, named ``parent.child``.
        infer_rows: records sampled to infer the schema.
        chunk_bytes: raw bytes per parallel chunk (tuning; results do not depend on it).

    Returns:
        A :class:`ReadResult`; ``len(table) + len(rejected)`` is the number of records. The
        table's schema metadata key ``pollutrack`` records version, files, options and counts.

    Raises:
        JsonFormatError: with ``on_error="raise"``; has ``.file``, ``.line``, ``.offset``.
        FileNotFoundError: a path or pattern that matches no file.
        OSError: a file that cannot be read (a corrupt gzip stream included).

    Examples:
        >>> import gzip, pathlib, tempfile
        >>> import pollutrack as pt
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "readings.json.gz"
        >>> _ = path.write_bytes(gzip.compress(b'[{"pm25": "12.5"}, {"pm25": 40}]'))
        >>> schema = pa.schema({"pm25": pa.float64()})
        >>> pt.io.read_json(path, schema=schema).table["pm25"].to_pylist()
        [12.5, 40.0]
    """
    paths = _expand(path_or_paths)
    table, rejected = _core.io.read_json(
        paths,
        schema=schema,
        format=format,
        on_error=on_error,
        flatten=flatten,
        infer_rows=infer_rows,
        chunk_bytes=chunk_bytes,
    )
    provenance = {
        "version": _core.__version__,
        "function": "io.read_json",
        "files": paths,
        "format": format,
        "on_error": on_error,
        "flatten": flatten,
        "schema": "given" if schema is not None else f"inferred from {infer_rows} records",
        "rows": table.num_rows,
        "rejected": rejected.num_rows,
    }
    table = table.replace_schema_metadata({"pollutrack": json.dumps(provenance)})
    return ReadResult(table=table, rejected=rejected)


def iter_json(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    schema: pa.Schema | None = None,
    format: Format = "auto",
    on_error: OnError = "quarantine",
    on_rejected: Callable[[pa.Table], Any] | None = None,
    flatten: bool = False,
    batch_rows: int = 65_536,
    infer_rows: int = INFER_ROWS,
    chunk_bytes: int = CHUNK_BYTES,
) -> pa.RecordBatchReader:
    r"""Streams NDJSON or JSON-array files as record batches with bounded memory.

    Same rules as :func:`read_json`. Memory stays bounded by a window of chunks (a few MiB
    per thread) and ``batch_rows``, whatever the file size, so a file larger than memory
    can flow into :func:`pollutrack.aqi.compute_stream`.

    Args:
        path_or_paths: as in :func:`read_json`.
        schema: as in :func:`read_json` (inference reads only the first records).
        format: as in :func:`read_json`.
        on_error: ``"quarantine"`` skips bad records (see ``on_rejected``); ``"raise"``
            raises :class:`~pollutrack.JsonFormatError` when the batch holding the first one
            is read.
        on_rejected: called with a pyarrow Table (the columns of ``ReadResult.rejected``)
            each time batches with rejected records are read; without it they are dropped.
        flatten: as in :func:`read_json`.
        batch_rows: the most rows per batch.
        infer_rows: as in :func:`read_json`.
        chunk_bytes: as in :func:`read_json`.

    Returns:
        A ``pyarrow.RecordBatchReader``.

    Examples:
        >>> import pathlib, tempfile
        >>> import pollutrack as pt
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.ndjson"
        >>> _ = path.write_text("".join(f'{{"pm25": {v}}}\n' for v in (5.0, 40.0, 80.0)))
        >>> aqi = pt.aqi.compute_stream(pt.io.iter_json(path, batch_rows=2))
        >>> [b.column("aqi").to_pylist() for b in aqi]
        [[28, 112], [168]]
    """
    reader = _core.io.JsonReader(
        _expand(path_or_paths),
        schema=schema,
        format=format,
        on_error=on_error,
        flatten=flatten,
        infer_rows=infer_rows,
        chunk_bytes=chunk_bytes,
        batch_rows=batch_rows,
    )

    def batches() -> Iterator[pa.RecordBatch]:
        while (item := reader.next_batch()) is not None:
            batch, rejected = item
            if on_rejected is not None and rejected.num_rows > 0:
                on_rejected(pa.Table.from_batches([rejected]))
            if batch.num_rows > 0:
                yield batch

    return pa.RecordBatchReader.from_batches(reader.schema(), batches())
