r"""JSON ingestion: NDJSON and JSON-array files (gzip or not) to Arrow, in parallel Rust.

Files are cut into chunks at record boundaries (a top-level array is split element by element,
never parsed as one document); each record is checked against RFC 8259 and the schema, and the
valid ones are decoded with the arrow-rs JSON decoder, on all cores with the GIL released; rows
come out in file order. A record that fails never stops the read by default: it goes to a
quarantine table with its line and the reason, so rows + rejected = records. See the README
section "JSON ingestion" for every rule.

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
from typing import Any, Literal, TypedDict, Unpack

import pyarrow as pa

from pollutrack import _core

__all__ = ["RAW_TEXT_LIMIT", "ReadOptions", "ReadResult", "iter_json", "read_json"]

Format = Literal["auto", "ndjson", "array"]
OnError = Literal["quarantine", "raise"]
EpochUnit = Literal["s", "ms", "us", "ns"]
PathLike = str | os.PathLike[str]

#: Bytes of a rejected record kept in ``ReadResult.rejected["raw"]``.
RAW_TEXT_LIMIT = 1024
#: Raw bytes per parallel chunk (the default of ``chunk_bytes``).
CHUNK_BYTES = 512 * 1024


class ReadOptions(TypedDict, total=False):
    r"""The keyword options of :func:`read_json` and :func:`iter_json` (every key optional).

    Any other keyword is a ``TypeError`` naming it.

    Attributes:
        schema: the JSON's shape as a pyarrow schema; default None: inferred from the first
            ``infer_rows`` valid records (rules in the README). Keys not in the schema are
            ignored; a missing key or ``null`` is null; a value the column cannot hold
            exactly rejects its record, naming the key.
        format: ``"ndjson"`` (one record per line), ``"array"`` (one top-level array) or
            ``"auto"`` (the default: per file, ``[`` as the first non-space byte means array).
        on_error: ``"quarantine"`` (the default) puts bad records in ``.rejected``;
            ``"raise"`` raises :class:`~pollutrack.JsonFormatError` for the first one in
            file order.
        flatten: replace struct columns by their leaves, named ``parent.child``; default
            False.
        infer_rows: valid records sampled to infer the schema; default 10,000.
        chunk_bytes: raw bytes per parallel chunk; default 524,288 (tuning: results do not
            depend on it).
        max_record_bytes: the longest record read; a longer one is rejected with its line
            and first bytes, without being held whole; default 16,777,216 (16 MiB).
        epoch_unit: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``: bare numbers in top-level
            timestamp columns count that unit since 1970-01-01 UTC; default None: such a
            number rejects its record.

    Examples:
        >>> import pathlib, tempfile
        >>> import pyarrow as pa
        >>> import pollutrack as pt
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.ndjson"
        >>> _ = path.write_text('{"t": 1714557600}\n')
        >>> options: pt.io.ReadOptions = {
        ...     "schema": pa.schema({"t": pa.timestamp("s", "UTC")}),
        ...     "epoch_unit": "s",
        ... }
        >>> pt.io.read_json(path, **options).table["t"][0].as_py().isoformat()
        '2024-05-01T10:00:00+00:00'
    """

    schema: pa.Schema | None
    format: Format
    on_error: OnError
    flatten: bool
    infer_rows: int
    chunk_bytes: int
    max_record_bytes: int
    epoch_unit: EpochUnit | None


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
    path_or_paths: PathLike | Iterable[PathLike], **options: Unpack[ReadOptions]
) -> ReadResult:
    """Reads NDJSON or JSON-array files into a pyarrow Table, quarantining bad records.

    Args:
        path_or_paths: a path, a glob pattern (``"data/*.ndjson.gz"``) or a list of them;
            files are read in the order given (glob matches sorted).
        **options: the keys of :class:`ReadOptions`, each documented there with its
            default.

    Returns:
        A :class:`ReadResult`; ``len(table) + len(rejected)`` is the number of records. The
        table's schema metadata key ``pollutrack`` records version, files, options and counts.

    Raises:
        JsonFormatError: with ``on_error="raise"``; has ``.file``, ``.line``, ``.offset``.
        FileNotFoundError: a path or pattern that matches no file.
        OSError: a file that cannot be read: a corrupt gzip stream, or an encoding or
            compression that is not read (UTF-16, zlib, bzip2, ...), named in the message.
        TypeError: an option that is not a key of :class:`ReadOptions`.
        KeyboardInterrupt: Ctrl-C; the read stops within a fraction of a second.

    Examples:
        >>> import gzip, pathlib, tempfile
        >>> import pollutrack as pt
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "readings.json.gz"
        >>> _ = path.write_bytes(gzip.compress(b'[{"pm25": "12.5"}, {"pm25": 40}]'))
        >>> pt.io.read_json(path).table["pm25"].to_pylist()
        [12.5, 40.0]
    """
    paths = _expand(path_or_paths)
    table, rejected, described = _core.io.read_json(paths, **options)
    provenance = {
        "version": _core.__version__,
        "function": "io.read_json",
        "files": paths,
        **json.loads(described),
        "rows": table.num_rows,
        "rejected": rejected.num_rows,
    }
    metadata = {"pollutrack": json.dumps(provenance)}
    if table.num_columns:
        table = table.replace_schema_metadata(metadata)
    else:  # replace_schema_metadata would lose a zero-column table's rows
        schema = table.schema.with_metadata(metadata)
        table = pa.Table.from_batches(table.to_batches(), schema=schema)
    return ReadResult(table=table, rejected=rejected)


def iter_json(
    path_or_paths: PathLike | Iterable[PathLike],
    *,
    on_rejected: Callable[[pa.Table], Any] | None = None,
    batch_rows: int = 65_536,
    **options: Unpack[ReadOptions],
) -> pa.RecordBatchReader:
    r"""Streams NDJSON or JSON-array files as record batches with bounded memory.

    Same records, rows and rejections as :func:`read_json`. Memory stays bounded by a window of
    chunks (a few MiB per thread), ``batch_rows`` and ``max_record_bytes``, whatever the file
    size, so a file larger than memory can flow into :func:`pollutrack.aqi.compute_stream`.

    Args:
        path_or_paths: as in :func:`read_json`.
        on_rejected: called with a pyarrow Table (the columns of ``ReadResult.rejected``)
            each time batches with rejected records are read; without it they are dropped.
            With ``on_error="raise"`` the reader raises when the batch holding the first bad
            record is read.
        batch_rows: the most rows per batch.
        **options: the keys of :class:`ReadOptions`, as in :func:`read_json` (inference
            reads only the first records).

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
    reader = _core.io.JsonReader(_expand(path_or_paths), batch_rows=batch_rows, **options)

    def batches() -> Iterator[pa.RecordBatch]:
        while (item := reader.next_batch()) is not None:
            batch, rejected = item
            if on_rejected is not None and rejected.num_rows > 0:
                on_rejected(pa.Table.from_batches([rejected]))
            if batch.num_rows > 0:
                yield batch

    return pa.RecordBatchReader.from_batches(reader.schema(), batches())
