"""Writing the command line's outputs without ever destroying data.

Every output (Parquet, CSV, JSON lines, a partitioned folder, the run report) is written to a
temporary name in its own folder and renamed into place only when complete, so a failed write
(disk full, a file size limit) leaves the previous file as it was and removes only its own
temporary file. An output that is one of the run's inputs, or that exists and is not a regular
file (``/dev/full``, a FIFO), is refused before anything is read. An existing folder given to
``--partition-by`` is replaced as a whole only when it holds nothing but a previous pollutrack
output. Parquet outputs carry a ``pollutrack_cli`` schema metadata key, which is how a later
run recognises them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pollutrack.exceptions import InvalidSpecError

#: Output formats by extension.
FORMATS = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}
#: The schema metadata key that marks a Parquet file as written by the command line.
STAMP = b"pollutrack_cli"


def output_format(out: Path, partition_by: str | None) -> str:
    """The format ``out`` names; an unknown extension is an error listing the known ones.

    Examples:
        >>> output_format(Path("aqi.csv"), None), output_format(Path("daily"), "date")
        ('csv', 'parquet')
        >>> output_format(Path("out.xlsx"), None)
        Traceback (most recent call last):
        ...
        pollutrack.exceptions.InvalidSpecError: out.xlsx: unknown output type '.xlsx' \
(.parquet, .pq, .csv, .json, .jsonl, .ndjson; or a folder with --partition-by)
    """
    suffix = out.suffix.lower()
    if partition_by is not None:
        if FORMATS.get(suffix, "parquet") != "parquet":
            raise InvalidSpecError(
                f"{out}: --partition-by writes a folder of Parquet files, not '{suffix}'"
            )
        return "parquet"
    if suffix not in FORMATS:
        kind = f"'{suffix}'" if suffix else "(no extension)"
        raise InvalidSpecError(
            f"{out}: unknown output type {kind} ({', '.join(FORMATS)}; "
            "or a folder with --partition-by)"
        )
    return FORMATS[suffix]


def _same(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def is_ours(path: Path) -> bool:
    """True for a Parquet file the command line wrote (it carries the ``pollutrack_cli`` key)."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException):
        return False
    return STAMP in metadata


def check_targets(
    outputs: Sequence[Path], inputs: Sequence[Path], *, folder: Path | None = None
) -> None:
    """Refuses outputs that are inputs, that are not regular files, or that clash.

    Args:
        outputs: every file the run will write (the output and its report).
        inputs: every file the run reads (data, sheet, rules, standard, schema).
        folder: the output folder of ``--partition-by``: no input may lie inside it, and if it
            exists it may hold only a previous pollutrack output.
    """
    targets = [*outputs, *([folder] if folder is not None else [])]
    for i, out in enumerate(targets):
        for other in targets[i + 1 :]:
            if _same(out, other):
                raise InvalidSpecError(f"{out}: the output and the run report are one file")
        for path in inputs:
            if _same(out, path) or (out == folder and _inside(path, out)):
                raise InvalidSpecError(
                    f"{out}: the output would overwrite the input {path}; write elsewhere"
                )
    for out in outputs:
        if folder is not None and _inside(out, folder):
            raise InvalidSpecError(f"{out}: the run report cannot go inside the output folder")
        if out.exists() and not out.resolve().is_file():
            what = "a folder" if out.is_dir() else "not a regular file"
            raise InvalidSpecError(f"{out}: is {what}; the output must be a new or regular file")
    if folder is not None and folder.exists():
        if not folder.is_dir():
            raise InvalidSpecError(f"{folder}: is not a folder; --partition-by writes a folder")
        for path in sorted(folder.rglob("*")):
            if not path.is_dir() and not (path.suffix == ".parquet" and is_ours(path)):
                raise InvalidSpecError(
                    f"{folder}: the folder holds {path.relative_to(folder)}, which pollutrack "
                    "did not write; remove it or choose another folder"
                )


def _mode(path: Path, default: int) -> int:
    """The permission bits a replacement of ``path`` gets: its own, else ``default`` - umask."""
    if path.exists():
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return default & ~umask


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yields a temporary file beside ``path``, renamed onto it when the block completes.

    A symlink is written through (its target is replaced). When the block fails, only the
    temporary file is removed and ``path`` is left as it was.

    Examples:
        >>> folder = Path(tempfile.mkdtemp())
        >>> with replacing(folder / "a.txt") as tmp:
        ...     _ = tmp.write_text("done")
        >>> [p.name for p in folder.iterdir()], (folder / "a.txt").read_text()
        (['a.txt'], 'done')
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode(target, 0o666)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def plain_labels(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings (CSV and JSON have no dictionary type)."""
    fields = [
        pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f for f in table.schema
    ]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def finite_or_null(table: pa.Table) -> pa.Table:
    """Float columns with NaN and +-inf as null: JSON has no such numbers.

    Examples:
        >>> t = pa.table({"x": [1.5, float("inf"), float("nan")], "s": ["a", "b", "c"]})
        >>> finite_or_null(t).column("x").to_pylist()
        [1.5, None, None]
    """
    for i, f in enumerate(table.schema):
        if pa.types.is_floating(f.type):
            column = table.column(i)
            table = table.set_column(i, f, pc.if_else(pc.is_finite(column), column, None))
    return table


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):  # date, time, datetime
        return value.isoformat()
    return str(value)  # Decimal, timedelta, bytes


def _json_lines(table: pa.Table, path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for batch in finite_or_null(plain_labels(table)).to_batches(max_chunksize=65_536):
            for row in batch.to_pylist():
                f.write(json.dumps(row, allow_nan=False, default=_json_default) + "\n")


def stamped(table: pa.Table, stamp: dict[str, Any]) -> pa.Table:
    """``table`` with the ``pollutrack_cli`` metadata key added (other keys are kept)."""
    metadata = dict(table.schema.metadata or {})
    metadata[STAMP] = json.dumps(stamp).encode()
    return table.replace_schema_metadata(metadata)


def write(
    table: pa.Table,
    out: Path,
    *,
    partition_by: str | None = None,
    stamp: dict[str, Any] | None = None,
) -> list[str]:
    """Writes Parquet (zstd), CSV or JSON lines by extension; returns the files written.

    With ``partition_by``, ``out`` is a folder of Hive-style partitions (``column=value/``).
    ``stamp`` goes into Parquet schema metadata under ``pollutrack_cli``.
    """
    kind = output_format(out, partition_by)
    table = stamped(table, stamp or {})
    try:
        if partition_by is not None:
            return _write_partitioned(table, out, partition_by)
        with replacing(out) as tmp:
            if kind == "csv":
                pacsv.write_csv(plain_labels(table), tmp)
            elif kind == "json":
                _json_lines(table, tmp)
            else:
                pq.write_table(table, tmp, compression="zstd")
    except (OSError, pa.ArrowException) as exc:
        raise OSError(f"{out}: cannot be written: {exc}") from exc
    return [str(out)]


def _write_partitioned(table: pa.Table, out: Path, column: str) -> list[str]:
    if column not in table.column_names:
        raise InvalidSpecError(f"--partition-by: no column '{column}' in the output")
    out.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode(out, 0o777)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    files: list[str] = []
    try:
        ds.write_dataset(
            table,
            tmp,
            format="parquet",
            partitioning=[column],
            partitioning_flavor="hive",
            existing_data_behavior="overwrite_or_ignore",
            file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
            # Few, large files: one per partition up to 5 M rows, row groups of >= 100 k rows.
            max_rows_per_file=5_000_000,
            max_rows_per_group=1_000_000,
            min_rows_per_group=100_000,
            file_visitor=lambda f: files.append(f.path),
        )
        os.chmod(tmp, mode)
        _swap_in(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return sorted(str(out / Path(f).relative_to(tmp)) for f in files)


def _swap_in(new: Path, out: Path) -> None:
    """Moves the folder ``new`` to ``out``; a previous ``out`` is removed only once replaced."""
    if not out.exists():
        os.replace(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old / out.name, out)
        raise
    finally:
        if out.exists():
            shutil.rmtree(old, ignore_errors=True)


def write_workbook(path: Path, mapping: Any, sheet: Path | None, **findings: Any) -> None:
    """Writes ``pt.workbook.write_mapping_report`` to ``path``, renamed into place when done."""
    import click

    from pollutrack.workbook import write_mapping_report

    try:
        with replacing(path) as tmp:
            write_mapping_report(tmp, mapping, sheet_path=sheet, **findings)
    except OSError as exc:
        raise OSError(f"{path}: cannot be written: {exc}") from exc
    click.echo(f"workbook -> {path}", err=True)
