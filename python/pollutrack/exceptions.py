"""The pollutrack exception hierarchy.

Every error pollutrack raises is a :class:`PollutrackError`, itself a :class:`ValueError`; the
subclasses also derive from the builtin users already catch (``KeyError`` for a missing column,
``TypeError`` for a column of the wrong type). Messages name the column, file, row or line.
"""

from __future__ import annotations

__all__ = [
    "ColumnNotFoundError",
    "InvalidSpecError",
    "InvalidValueError",
    "JsonFormatError",
    "PollutrackError",
    "UnsupportedTypeError",
]


class PollutrackError(ValueError):
    """Base class of every pollutrack error."""


class ColumnNotFoundError(PollutrackError, KeyError):
    """A column that was named, or that is needed, is not in the data.

    Attributes:
        available: the columns the data has.
    """

    available: list[str]

    def __str__(self) -> str:
        # KeyError would repr() the message; show it as written.
        return str(self.args[0]) if self.args else ""


class UnsupportedTypeError(PollutrackError, TypeError):
    """A column has an Arrow type the operation cannot use.

    Attributes:
        column: the column name.
        data_type: its Arrow type as pyarrow prints it (``"string"``,
            ``"timestamp[us, tz=UTC]"``): ``str(table.schema.field(column).type)``.
    """

    column: str
    data_type: str


class InvalidSpecError(PollutrackError):
    """A bad option, standard, unit, mapping sheet or breakpoint table."""


class InvalidValueError(PollutrackError):
    """A data value refused under ``on_invalid="raise"`` or ``on_unmapped="error"``.

    Attributes:
        row: the row, counted from 0 over the whole input.
        column: the column holding the value (the mapped field).
        value: the value (a number for the AQI, the text for a mapping).
        reason: why it was refused.
    """

    row: int
    column: str
    value: float | str
    reason: str


class JsonFormatError(PollutrackError):
    """A malformed JSON record under ``on_error="raise"``.

    Attributes:
        file: the file, as given.
        line: the record's line, from 1.
        offset: the record's byte offset in the (decompressed) file, from 0.
        reason: why the record was refused.
    """

    file: str
    line: int
    offset: int
    reason: str
