"""CSV inputs: column types from the whole file, and the file line of a value that misfits.

``pyarrow.csv.read_csv`` infers each column's type over the whole file, widening as it goes
(int64 -> double -> string), where the streaming reader guesses from the first block and fails
on a later row. When a column turns to text because of a later row, :func:`first_non_number`
finds that row and :func:`line_of` the line it starts on, so an error can name file, line and
column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pollutrack.exceptions import InvalidSpecError

#: How pyarrow words a value that does not convert to a column's type.
_COLUMNS = re.compile(r"CSV parse error: Expected (\d+) columns, got (\d+)")
_CONVERSION = re.compile(r"In CSV column #(\d+): CSV conversion error to (\S+): invalid value '")


def read(path: Path, schema: pa.Schema | None = None) -> pa.Table:
    r"""A CSV file as a table; with ``schema``, exactly its columns with its types.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = path.write_text("n\n" + "1\n" * 300_000 + "1.5\n")
        >>> read(path).schema.field("n").type  # the last row makes the column float
        DataType(double)
    """
    convert = pacsv.ConvertOptions()
    if schema is not None:
        convert = pacsv.ConvertOptions(
            column_types=schema, include_columns=schema.names, include_missing_columns=True
        )
    try:
        return pacsv.read_csv(path, convert_options=convert)
    except pa.ArrowInvalid as exc:
        raise _located(path, str(exc)) from exc


def _located(path: Path, message: str) -> InvalidSpecError:
    """A conversion or parse error ``message`` with the line (and column) it happened at."""
    if counts := _COLUMNS.search(message):
        expected, got = int(counts[1]), int(counts[2])
        for i, (line, fields) in enumerate(records(path)):
            if i > 0 and len(fields) == got:
                return InvalidSpecError(
                    f"{path}: line {line}: {got} fields where the header has {expected}"
                )
    match = _CONVERSION.search(message)
    if match is None:
        return InvalidSpecError(f"{path}: {message}")
    index, type_name = int(match[1]), match[2]
    value = message[match.end() :].rsplit("'", 1)[0]
    header: list[str] = []
    for i, (line, fields) in enumerate(records(path)):
        if i == 0:
            header = fields
        elif index < len(fields) and fields[index] == value:
            name = header[index] if index < len(header) else f"#{index}"
            return InvalidSpecError(
                f"{path}: line {line}, column '{name}': '{value}' does not convert to {type_name}"
            )
    return InvalidSpecError(f"{path}: {message}")


def records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of every record, header first, skipping blank lines as pyarrow does.

    ``line`` is the line a record starts on, from 1; a quoted field may span lines.
    """
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        consumed = 0
        for fields in reader:
            start, consumed = consumed + 1, reader.line_num
            if fields:
                yield start, fields


def line_of(path: Path, row: int) -> int | None:
    r"""The line data row ``row`` (from 0, after the header) starts on.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = path.write_text('a,b\n1,"two\nlines"\n\n3,x\n')
        >>> line_of(path, 0), line_of(path, 1)
        (2, 5)
    """
    for i, (line, _) in enumerate(records(path)):
        if i == row + 1:
            return line
    return None


def first_non_number(column: pa.ChunkedArray) -> int | None:
    """The first row of a text column that is neither null, a null marker nor a number.

    Examples:
        >>> first_non_number(pa.chunked_array([["1", "NA", "2.5"], ["", "n.d.", "x"]]))
        4
    """
    nulls = pa.array(pacsv.ConvertOptions().null_values)
    values = pc.if_else(pc.is_in(column, value_set=nulls), None, column).combine_chunks()

    def fails(part: pa.Array) -> bool:
        try:
            pc.cast(part, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return True
        return False

    if not fails(values):
        return None
    good, bad = 0, len(values)  # values[:good] cast; values[:bad] does not
    while bad - good > 1:
        mid = (good + bad) // 2
        if fails(values[good:mid]):
            bad = mid
        else:
            good = mid
    return good


def explain_text_column(path: Path, column: str, schema: pa.Schema | None) -> str | None:
    """Where a CSV column read as text has its first value that is not a number, if any."""
    try:
        table = read(path, schema)
    except (OSError, pa.ArrowException, InvalidSpecError):
        return None
    if column not in table.column_names or not pa.types.is_string(table.schema.field(column).type):
        return None
    row = first_non_number(table.column(column))
    if row is None:
        return None
    value = table.column(column)[row].as_py()
    line = line_of(path, row)
    where = f"line {line}" if line is not None else f"row {row + 1}"
    return f"{path}: {where}, column '{column}': '{value}' is not a number"
