"""Reading the command line's inputs.

Inputs (files, globs, folders; CSV, Parquet, JSON) become one Arrow stream, their columns
aligned by name; each input is fingerprinted for the run report. Outputs are in ``outputs``.
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pollutrack.cli import csv_input, outputs
from pollutrack.exceptions import InvalidSpecError

FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".ndjson": "json",
    ".jsonl": "json",
    ".gz": "json",
}


def kind(path: Path) -> str:
    """The format of a file, from its name (``.json.gz`` is JSON)."""
    suffix = path.suffix.lower()
    if suffix == ".gz" and path.with_suffix("").suffix.lower() not in (
        ".json",
        ".ndjson",
        ".jsonl",
    ):
        raise InvalidSpecError(f"{path}: only gzip-compressed JSON is read")
    if suffix not in FORMATS:
        raise InvalidSpecError(
            f"{path}: unknown file type '{suffix}' (csv, parquet, json, ndjson, jsonl, json.gz)"
        )
    return FORMATS[suffix]


REPORT_SUFFIX = ".report.json"


def is_run_report(path: Path) -> bool:
    """True for the name of a run report: ``<output>.report.json`` or the demo's."""
    return path.name.endswith(REPORT_SUFFIX) or path.name == "run_report.json"


def _written_by_us(path: Path, folder: Path) -> bool:
    """True for a file in ``folder`` that a pollutrack run wrote.

    That is: a file (or a file inside a folder) with its run report ``<name>.report.json``
    beside it, or a Parquet file with the ``pollutrack_cli`` stamp.
    """
    for part in [path, *path.parents]:
        if part == folder:
            break
        if part.with_name(part.name + REPORT_SUFFIX).is_file():
            return True
    return path.suffix.lower() in (".parquet", ".pq") and outputs.is_ours(path)


def _folder(folder: Path) -> tuple[list[Path], list[Path]]:
    """The data files in ``folder``, and those skipped as written by pollutrack."""
    data: list[Path] = []
    reports: list[Path] = []
    for p in sorted(folder.rglob("*")):
        # Hidden and underscore names (temporary files, _SUCCESS) are not data; pyarrow
        # datasets skip them too.
        if any(part.startswith((".", "_")) for part in p.relative_to(folder).parts):
            continue
        if p.is_file() and p.suffix.lower() in FORMATS:
            (reports if is_run_report(p) else data).append(p)
    ours = [p for p in data if _written_by_us(p, folder)]
    if len(ours) == len(data):  # a folder that is an output (partitioned, say) is read whole
        return data, reports
    return [p for p in data if p not in ours], ours + reports


def expand(inputs: Sequence[str]) -> tuple[list[Path], list[Path]]:
    """Files named, matched by globs, or found in folders; and the files skipped.

    A name that exists is taken as it is, before any glob (``[x].csv`` is that file). A
    folder gives its csv, parquet and json files, sorted, except hidden or ``_`` names, run
    reports and, when it also holds other data, the outputs of earlier pollutrack runs.
    Named files and globs are never skipped.
    """
    found: list[Path] = []
    skipped: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files, passed = _folder(path)
            skipped += passed
            if not files:
                extra = f" (skipped {len(passed)} run reports)" if passed else ""
                raise InvalidSpecError(
                    f"{path}: the folder holds no csv, parquet or json file{extra}"
                )
            found += files
        elif path.exists():
            if not path.is_file():
                raise InvalidSpecError(f"{item}: not a regular file")
            found.append(path)
        elif glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                raise InvalidSpecError(f"{item}: no file matches")
            found += matches
        else:
            raise InvalidSpecError(f"{item}: no such file or folder")
    return found, skipped


class Rejected:
    """Collects the records JSON inputs set aside, for stderr and the run report."""

    def __init__(self) -> None:
        self.tables: list[pa.Table] = []

    def __call__(self, table: pa.Table) -> None:
        """Receives one batch of rejected records from ``pt.io.iter_json``."""
        self.tables.append(table)

    @property
    def rows(self) -> int:
        """How many records were set aside."""
        return sum(t.num_rows for t in self.tables)

    def reasons(self) -> list[dict[str, Any]]:
        """Every rejected record: file, line, offset and reason."""
        out: list[dict[str, Any]] = []
        for t in self.tables:
            out += t.select(["file", "line", "offset", "reason"]).to_pylist()
        return out

    def summary(self, report: Path | None) -> str:
        """One line for stderr: how many records were set aside, the first, where the rest are."""
        first = self.tables[0].slice(0, 1).to_pylist()[0]
        where = f"; all in {report}" if report is not None else ""
        return (
            f"pollutrack: {self.rows:,} JSON record{'s' * (self.rows != 1)} set aside "
            f"(first: {first['file']} line {first['line']}: {first['reason']}){where}"
        )


def read(
    path: Path, rejected: Rejected | None = None, schema: pa.Schema | None = None
) -> pa.RecordBatchReader:
    """One file as a stream of batches; JSON records that fail go to ``rejected``.

    ``schema`` (from ``--schema``) gives the columns and types of JSON and CSV files; Parquet
    files keep their own.
    """
    fmt = kind(path)
    try:
        if fmt == "csv":
            reader = csv_input.read(path, schema).to_reader(max_chunksize=65_536)
        elif fmt == "parquet":
            reader = _parquet(path)
        else:
            from pollutrack import io  # JSON ingestion

            # Escaped: pt.io expands globs, and this is a file's own name.
            reader = io.iter_json(glob.escape(str(path)), schema=schema, on_rejected=rejected)
    except (OSError, pa.ArrowException) as exc:
        raise InvalidSpecError(f"{path}: cannot be read: {exc}") from exc
    names = reader.schema.names
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidSpecError(f"{path}: column '{twice[0]}' appears more than once")
    return reader


def _parquet(path: Path) -> pa.RecordBatchReader:
    file = pq.ParquetFile(path)
    return pa.RecordBatchReader.from_batches(file.schema_arrow, file.iter_batches())


def _conflict(paths: Sequence[Path], schemas: Sequence[pa.Schema]) -> str:
    """Names the first column whose types the files do not share."""
    first = schemas[0]
    for path, schema in zip(paths[1:], schemas[1:], strict=True):
        for f in schema:
            try:
                pa.unify_schemas(
                    [pa.schema([first.field(f.name)]), pa.schema([f])],
                    promote_options="permissive",
                )
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return (
                    f"{path}: column '{f.name}' is {f.type} where {paths[0]} has "
                    f"{first.field(f.name).type}"
                )
    return "the inputs do not share one schema"


def read_all(
    paths: Sequence[Path], rejected: Rejected | None = None, schema: pa.Schema | None = None
) -> pa.RecordBatchReader:
    """Every file as one stream, its columns aligned by name.

    Every file must have the same columns, in any order; types are unified (int64 and double
    give double).
    """
    readers = [read(p, rejected, schema) for p in paths]
    names = readers[0].schema.names
    for path, reader in zip(paths, readers, strict=True):
        theirs = reader.schema.names
        if set(theirs) != set(names):
            missing = [n for n in names if n not in theirs]
            extra = [n for n in theirs if n not in names]
            raise InvalidSpecError(
                f"{path}: columns differ from {paths[0]}'s: "
                + "; ".join(
                    [f"missing {missing}"] * bool(missing) + [f"extra {extra}"] * bool(extra)
                )
            )
    aligned = [pa.schema([r.schema.field(n) for n in names]) for r in readers]
    try:
        unified = pa.unify_schemas(aligned, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InvalidSpecError(_conflict(paths, aligned)) from exc

    def batches() -> Iterator[pa.RecordBatch]:
        for path, reader in zip(paths, readers, strict=True):
            for batch in reader:
                try:
                    batch = batch.select(names)
                    yield batch if batch.schema == unified else batch.cast(unified)
                except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                    raise InvalidSpecError(f"{path}: {exc}") from exc

    return pa.RecordBatchReader.from_batches(unified, batches())


def explain_text_column(
    paths: Sequence[Path], column: str, schema: pa.Schema | None = None
) -> str | None:
    """Where a column read as text first holds a value that is not a number.

    For the error of a column that needs numbers: file, line and value, if a CSV input
    holds one; else None.
    """
    for path in paths:
        if kind(path) == "csv":
            where = csv_input.explain_text_column(path, column, schema)
            if where is not None:
                return where
    return None


def fingerprint(path: Path) -> dict[str, Any]:
    """Path, size and sha256 of an input, for lineage."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}
