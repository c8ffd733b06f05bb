"""Reading and writing files for the command line.

Inputs (files, globs, folders; CSV, Parquet, JSON) become one Arrow stream; outputs are Parquet
(optionally Hive-partitioned), CSV or JSON lines; each input is fingerprinted for the run report.
"""

from __future__ import annotations

import glob
import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

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


def expand(inputs: Sequence[str]) -> list[Path]:
    """Files named, matched by globs, or found in folders (their readable files, sorted)."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS
            )
            if not files:
                raise InvalidSpecError(f"{path}: the folder holds no csv, parquet or json file")
            found += files
        elif any(ch in item for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                raise InvalidSpecError(f"{item}: no file matches")
            found += matches
        elif path.is_file():
            found.append(path)
        else:
            raise InvalidSpecError(f"{item}: no such file or folder")
    return found


class Rejected:
    """Collects the records JSON inputs set aside, for the run report."""

    def __init__(self) -> None:
        self.tables: list[pa.Table] = []

    def __call__(self, table: pa.Table) -> None:
        """Receives one batch of rejected records from ``pt.io.iter_json``."""
        self.tables.append(table)

    @property
    def rows(self) -> int:
        """How many records were set aside."""
        return sum(t.num_rows for t in self.tables)

    def reasons(self, limit: int = 20) -> list[dict[str, Any]]:
        """The first rejected records: file, line, offset and reason."""
        out: list[dict[str, Any]] = []
        for t in self.tables:
            out += t.select(["file", "line", "offset", "reason"]).to_pylist()
        return out[:limit]


def read(path: Path, rejected: Rejected | None = None) -> pa.RecordBatchReader:
    """One file as a stream of batches; JSON records that fail go to ``rejected``."""
    fmt = kind(path)
    try:
        if fmt == "csv":
            return pacsv.open_csv(path)
        if fmt == "parquet":
            return _parquet(path)
        from pollutrack import io  # JSON ingestion

        return io.iter_json(str(path), on_rejected=rejected)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InvalidSpecError(f"{path}: cannot be read: {exc}") from exc


def _parquet(path: Path) -> pa.RecordBatchReader:
    file = pq.ParquetFile(path)
    return pa.RecordBatchReader.from_batches(file.schema_arrow, file.iter_batches())


def read_all(paths: Sequence[Path], rejected: Rejected | None = None) -> pa.RecordBatchReader:
    """Every file as one stream; all must share one schema (after unifying types)."""
    readers = [read(p, rejected) for p in paths]
    names = readers[0].schema.names
    for path, reader in zip(paths, readers, strict=True):
        if sorted(reader.schema.names) != sorted(names):
            raise InvalidSpecError(
                f"{path}: columns {reader.schema.names} differ from {paths[0]}'s {names}"
            )
    try:
        schema = pa.unify_schemas([r.schema for r in readers], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InvalidSpecError(f"the inputs do not share one schema: {exc}") from exc

    def batches() -> Iterator[pa.RecordBatch]:
        for path, reader in zip(paths, readers, strict=True):
            for batch in reader:
                try:
                    yield batch if batch.schema == schema else batch.cast(schema)
                except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
                    raise InvalidSpecError(f"{path}: {exc}") from exc

    return pa.RecordBatchReader.from_batches(schema, batches())


def fingerprint(path: Path) -> dict[str, Any]:
    """Path, size and sha256 of an input, for lineage."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return {"path": str(path), "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def plain_labels(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings (CSV and JSON have no dictionary type)."""
    fields = [
        pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f for f in table.schema
    ]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def write(table: pa.Table, out: Path, *, partition_by: str | None = None) -> list[str]:
    """Writes Parquet (zstd), CSV or JSON lines; returns the files written.

    With ``partition_by``, ``out`` is a folder of Hive-style partitions (``column=value/``).
    """
    suffix = out.suffix.lower()
    if partition_by is not None:
        if partition_by not in table.column_names:
            raise InvalidSpecError(f"--partition-by: no column '{partition_by}' in the output")
        files: list[str] = []
        ds.write_dataset(
            table,
            out,
            format="parquet",
            partitioning=[partition_by],
            partitioning_flavor="hive",
            existing_data_behavior="delete_matching",
            file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
            # Few, large files: one per partition up to 5 M rows, row groups of >= 100 k rows.
            max_rows_per_file=5_000_000,
            max_rows_per_group=1_000_000,
            min_rows_per_group=100_000,
            file_visitor=lambda f: files.append(f.path),
        )
        return sorted(files)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        pacsv.write_csv(plain_labels(table), out)
    elif suffix in (".json", ".jsonl", ".ndjson"):
        with out.open("w") as f:
            for row in plain_labels(table).to_pylist():
                f.write(json.dumps(row, default=str) + "\n")
    else:
        pq.write_table(table, out, compression="zstd")
    return [str(out)]
