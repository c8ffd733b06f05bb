"""``--schema FILE``: a JSON object ``{"column": "type"}`` with pyarrow type names.

The names are those pyarrow prints and ``pyarrow.type_for_alias`` knows (``double``,
``float32``, ``int64``, ``string``, ``bool``, ``date32``, ``timestamp[us]`` ...), plus
``timestamp[UNIT, tz=ZONE]``, ``decimal128(P, S)`` / ``decimal256(P, S)`` and dictionaries as
``dictionary(INDEX, VALUE)`` or as pyarrow prints them (``dictionary<values=string, indices=int32,
ordered=0>``).

Examples:
    >>> type_from_name("timestamp[us, tz=UTC]"), type_from_name("decimal128(10, 2)")
    (TimestampType(timestamp[us, tz=UTC]), Decimal128Type(decimal128(10, 2)))
    >>> type_from_name("dictionary(int32, string)")
    DictionaryType(dictionary<values=string, indices=int32, ordered=0>)
    >>> type_from_name("dubble")
    Traceback (most recent call last):
    ...
    pollutrack.exceptions.InvalidSpecError: unknown type 'dubble' (pyarrow type names: \
double, int64, string, bool, date32, timestamp[us], timestamp[us, tz=UTC], decimal128(10, 2) ...)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa

from pollutrack.exceptions import InvalidSpecError

_TIMESTAMP = re.compile(r"timestamp\[(s|ms|us|ns),\s*tz=([^\]]+)\]")
_DECIMAL = re.compile(r"decimal(128|256)\(\s*(\d+)\s*,\s*(-?\d+)\s*\)")
_DICTIONARY = re.compile(
    r"dictionary\(\s*(\w+)\s*,\s*(\w+)\s*\)"
    r"|dictionary<values=(\w+),\s*indices=(\w+)(?:,\s*ordered=([01]))?>"
)
_EXAMPLES = (
    "double, int64, string, bool, date32, timestamp[us], timestamp[us, tz=UTC], "
    "decimal128(10, 2) ..."
)


def type_from_name(name: str) -> pa.DataType:
    """The pyarrow type a name stands for; an unknown name is an ``InvalidSpecError``."""
    text = name.strip()
    if match := _TIMESTAMP.fullmatch(text):
        return pa.timestamp(match[1], tz=match[2].strip())
    if match := _DECIMAL.fullmatch(text):
        make = pa.decimal128 if match[1] == "128" else pa.decimal256
        try:
            return make(int(match[2]), int(match[3]))
        except ValueError as exc:
            raise InvalidSpecError(f"bad type '{name}': {exc}") from exc
    if match := _DICTIONARY.fullmatch(text):
        index, value = (match[1], match[2]) if match[1] else (match[4], match[3])
        try:
            return pa.dictionary(type_from_name(index), type_from_name(value), match[5] == "1")
        except (TypeError, ValueError) as exc:
            raise InvalidSpecError(f"bad type '{name}': {exc}") from exc
    try:
        return pa.type_for_alias(text)
    except (ValueError, KeyError):
        raise InvalidSpecError(f"unknown type '{name}' (pyarrow type names: {_EXAMPLES})") from None


def load(path: Path) -> pa.Schema:
    """The schema a ``--schema`` file describes, its columns in the file's order."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InvalidSpecError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(spec, dict) or not spec:
        raise InvalidSpecError(
            f'{path}: a schema is a JSON object of column types, like {{"pm25": "double"}}'
        )
    fields = []
    for column, name in spec.items():
        if not isinstance(name, str):
            raise InvalidSpecError(f"{path}: column '{column}': the type must be a name")
        try:
            fields.append(pa.field(column, type_from_name(name)))
        except InvalidSpecError as exc:
            raise InvalidSpecError(f"{path}: column '{column}': {exc}") from None
    return pa.schema(fields)
