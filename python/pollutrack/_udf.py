"""The Arrow kernels behind the SQL functions of ``pollutrack.spark`` and ``pollutrack.duckdb``.

A SQL engine calls a function with Arrow arrays: readings as a struct whose field names are
recognised as :func:`pollutrack.aqi.compute` recognises column names, a value with a measure
name, a field with a value. Each kernel runs the engine on them with the options fixed when the
functions were made, keeps one engine plan per struct type, and pickles as its options (Spark
ships it to executors).

Labels leave the engine dictionary-encoded. :meth:`AqiKernel.codes` turns each into its
position in the standard's full label lists (:meth:`AqiKernel.labels`, read from a plan over
every measure of the standard), which do not depend on the pollutants a struct holds: a SQL
engine can turn a code back into its label itself, so labels need not cross as strings.

Examples:
    >>> import pyarrow as pa
    >>> kernel = AqiKernel("pt_aqi", {})
    >>> readings = pa.StructArray.from_arrays([pa.array([35.5, None])], names=["PM2.5"])
    >>> out = kernel.outputs(readings)
    >>> out.column("aqi").to_pylist(), out.column("aqi_status").to_pylist()
    ([101, None], ['ok', 'no_data'])
    >>> codes = kernel.codes(readings)
    >>> codes["aqi_category"].to_pylist()
    [2, None]
    >>> kernel.labels()["aqi_category"][2]
    'Unhealthy for Sensitive Groups'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pollutrack import _core
from pollutrack._mapping_args import apply_options
from pollutrack.aqi.options import AqiOptions, _aqi_options
from pollutrack.exceptions import InvalidSpecError
from pollutrack.mapping import ApplyOptions

#: The outputs of the AQI functions that return one value per row, in ``compute``'s order.
OUTPUTS = ("aqi", "aqi_category", "aqi_dominant", "aqi_status")

# A struct type seen once is usually seen again (every batch of a query); a bound on the plans
# kept, for a long-lived connection that sees many.
_PLANS_KEPT = 64


def whole(values: Any) -> pa.Array:
    """One array from what a UDF receives (DuckDB passes chunked arrays)."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values


def _null_where(array: pa.Array, valid: pa.Array) -> pa.Array:
    """``array`` with the rows where ``valid`` is false made null; a dictionary keeps its own."""
    if pa.types.is_dictionary(array.type):
        keys = pc.if_else(valid, array.indices, pa.scalar(None, array.indices.type))
        return pa.DictionaryArray.from_arrays(keys, array.dictionary)
    return pc.if_else(valid, array, pa.scalar(None, array.type))


def _text(values: Any, what: str, function: str) -> pa.Array:
    """A column of names (measure, standard, field), checked to be text."""
    values = whole(values)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        raise TypeError(f"{function}: the {what} is a name (text), not {values.type}")
    return values


def by_key(
    keys: pa.Array, apply: Callable[[str, pa.Array | None], pa.Array], empty: pa.DataType
) -> pa.Array:
    """``apply(key, row_indices)`` for each distinct key of ``keys``, reassembled in row order.

    Rows whose key is null are null. A column of one repeated key (a literal in SQL) is one
    call with ``None`` for the rows: every row, nothing taken.
    """
    distinct = pc.unique(keys).drop_null().to_pylist()
    if len(distinct) == 1 and keys.null_count == 0:
        return apply(distinct[0], None).cast(empty)
    parts, where = [], []
    for key in distinct:
        indices = pc.indices_nonzero(pc.equal(keys, key))
        parts.append(apply(key, indices))
        where.append(indices)
    missing = pc.indices_nonzero(pc.is_null(keys))
    parts.append(pa.nulls(len(missing), empty))
    where.append(missing)
    out = pa.concat_arrays([p.cast(empty) for p in parts])
    order = pc.sort_indices(pa.concat_arrays([w.cast(pa.int64()) for w in where]))
    return out.take(order)


def _standard(options: Mapping[str, object]) -> str:
    """The standard argument of `options`, else the engine's default (listed first)."""
    standard = options.get("standard")
    return str(standard) if standard is not None else _core.aqi.standard_ids()[0]


class AqiKernel:
    """:func:`pollutrack.aqi.compute` on a struct of readings, with options fixed once.

    Args:
        function: the name errors give (the SQL function's).
        options: :class:`~pollutrack.aqi.AqiOptions`; checked here, with the standard, so a bad
            one fails where the functions are made.
    """

    def __init__(self, function: str, options: AqiOptions) -> None:
        self.function = function
        self.options = _aqi_options(function, options)
        self.standard = _standard(self.options)
        self._plans: dict[Any, tuple[Any, dict[str, Any]]] = {}
        self._last: Any = None
        self._labels: dict[str, Any] = {}
        self.labels()  # plans every measure: bad options and standards fail now

    def __getstate__(self) -> tuple[str, dict[str, object], str]:
        return self.function, self.options, self.standard

    def __setstate__(self, state: tuple[str, dict[str, object], str]) -> None:
        self.function, self.options, self.standard = state
        self._plans, self._labels, self._last = {}, {}, None

    def labels(self, standard: str | None = None) -> dict[str, list[str]]:
        """Every label of each label column under ``standard``: the lists codes index.

        Read from the engine's plan over every measure of the standard, so a struct of fewer
        pollutants has its labels among them (the dominant pollutant of any combination).
        """
        return self._label_plan(standard)[0]

    def code_types(self, standard: str | None = None) -> dict[str, pa.DataType]:
        """The integer type of each label column's codes (the engine's dictionary keys)."""
        return self._label_plan(standard)[1]

    def _label_plan(
        self, standard: str | None
    ) -> tuple[dict[str, list[str]], dict[str, pa.DataType]]:
        standard = standard or self.standard
        if standard not in self._labels:
            spec = json.loads(_core.aqi.standard_spec(standard)[2])
            keys = [m["key"] for m in spec["measures"]]
            schema = pa.schema([(k, pa.float64()) for k in keys])
            options = {**self.options, "standard": standard, "columns": {k: k for k in keys}}
            empty = pa.RecordBatch.from_pylist([], schema=schema)
            out = _core.aqi.Plan(schema, options).compute_batch(empty)
            labels = [f.name for f in out.schema if pa.types.is_dictionary(f.type)]
            self._labels[standard] = (
                {n: out.column(n).dictionary.to_pylist() for n in labels},
                {n: out.schema.field(n).type.index_type for n in labels},
            )
        found: tuple[dict[str, list[str]], dict[str, Any]] = self._labels[standard]
        return found

    def _plan(self, schema: pa.Schema, standard: str | None) -> tuple[Any, dict[str, Any]]:
        """The plan of a struct type, with its label translations (see :meth:`_code`)."""
        options = self.options if standard is None else {**self.options, "standard": standard}
        if self.options.get("on_invalid") == "raise":
            # A new plan per batch, so that the row an error names counts within the batch.
            return _core.aqi.Plan(schema, options), {}
        last = self._last
        # Consecutive calls nearly always share a struct type; equals is cheaper than a hash.
        if last is not None and last[0] == standard and last[1].equals(schema):
            cached: tuple[Any, dict[str, Any]] = last[2]
            return cached
        key = (schema, standard)
        planned = self._plans.get(key)
        if planned is None:
            if len(self._plans) >= _PLANS_KEPT:
                self._plans.clear()
            planned = self._plans[key] = (_core.aqi.Plan(schema, options), {})
        self._last = (standard, schema, planned)
        return planned

    def _batch(self, readings: Any) -> pa.RecordBatch:
        readings = whole(readings)
        if not pa.types.is_struct(readings.type):
            raise TypeError(
                f"{self.function}: readings are a struct of pollutant columns, such as "
                f"struct(pm25, pm10) or named_struct('pm25', a), not {readings.type}"
            )
        return pa.RecordBatch.from_struct_array(readings)

    def _run(
        self, readings: Any, standard: str | None, codes: bool, labels: str = "dictionary"
    ) -> dict[str, pa.Array]:
        """The appended columns by name: a dict, which costs less per call than a batch."""
        readings = whole(readings)
        batch = self._batch(readings)
        plan, translations = self._plan(batch.schema, standard)
        out = plan.compute_batch(batch, labels=labels)
        first = batch.num_columns
        columns = dict(zip(out.schema.names[first:], out.columns[first:], strict=True))
        if codes:
            full = self.labels(standard)
            for name in full:
                columns[name] = self._code(name, columns[name], full[name], translations)
        if readings.null_count:  # a null struct gives null outputs, as a NULL argument in SQL
            valid = readings.is_valid()
            columns = {n: _null_where(c, valid) for n, c in columns.items()}
        return columns

    @staticmethod
    def _code(
        name: str, column: pa.Array, full: list[str], translations: dict[str, Any]
    ) -> pa.Array:
        """The label column's keys as positions in `full` (the plan's dictionary is a subset).

        The translation of a plan's dictionary is made once; ``None`` when the dictionary is
        `full` itself (the keys are the codes, nothing to take).
        """
        keys = column.indices
        if name not in translations:
            positions = pc.index_in(column.dictionary, value_set=pa.array(full, pa.string()))
            if positions.null_count:
                raise InvalidSpecError(f"the engine gave {name} labels outside the standard's")
            positions = positions.cast(keys.type)
            same = positions.equals(pa.array(range(len(positions)), keys.type))
            translations[name] = None if same else positions
        positions = translations[name]
        return keys if positions is None else positions.take(keys)

    def outputs(
        self, readings: Any, standard: str | None = None, labels: str = "dictionary"
    ) -> pa.RecordBatch:
        """The engine's appended columns for each row of ``readings``.

        ``labels``: ``"dictionary"`` (as ``compute``) or ``"string"``, written by the engine. A
        null struct gives nulls in every column.
        """
        columns = self._run(readings, standard, codes=False, labels=labels)
        return pa.RecordBatch.from_arrays(list(columns.values()), names=list(columns))

    def columns(self, readings: Any, labels: str = "dictionary") -> dict[str, pa.Array]:
        """:meth:`outputs` under the kernel's standard, by name (no batch to build)."""
        return self._run(readings, None, codes=False, labels=labels)

    def codes(self, readings: Any) -> dict[str, pa.Array]:
        """:meth:`outputs` under the kernel's standard by name, labels as codes.

        Each label becomes its position in :meth:`labels` (int8 or int16, null where the label
        is).
        """
        return self._run(readings, None, codes=True)

    def by_standard(self, readings: Any, standards: Any, output: str) -> pa.Array:
        """One output column with a standard per row (``standards``: names or JSON text).

        Labels are plain strings, since rows of several standards share the column.
        """
        standards = _text(standards, "standard", self.function)
        readings = whole(readings)
        self._batch(readings)  # the readings' type is checked even with no standard given
        kind = pa.int32() if output == "aqi" else pa.string()

        def apply(standard: str, rows: pa.Array | None) -> pa.Array:
            part = readings if rows is None else readings.take(rows)
            return self.outputs(part, standard, labels="string").column(output)

        return by_key(standards, apply, kind)


class SubindexKernel:
    """:func:`pollutrack.aqi.subindex` of values under measure names, with options fixed once.

    Args:
        function: the name errors give.
        options: :class:`~pollutrack.aqi.AqiOptions`; ``standard``, ``units`` (by measure or
            pollutant key) and ``beyond`` apply.
    """

    def __init__(self, function: str, options: AqiOptions) -> None:
        self.function = function
        self.options = _aqi_options(function, options)
        self.standard = _standard(self.options)
        _core.aqi.standard_spec(self.standard)
        self._units: dict[tuple[str, str], str | None] = {}

    def __getstate__(self) -> tuple[str, dict[str, object], str]:
        return self.function, self.options, self.standard

    def __setstate__(self, state: tuple[str, dict[str, object], str]) -> None:
        self.function, self.options, self.standard = state
        self._units = {}

    def _unit(self, measure: str, standard: str) -> str | None:
        units = self.options.get("units")
        if not isinstance(units, Mapping) or not units:
            return None
        if (measure, standard) not in self._units:
            key = _core.aqi.measure_key(standard, measure)
            spec = json.loads(_core.aqi.standard_spec(standard)[2])
            pollutant = next(m["pollutant"] for m in spec["measures"] if m["key"] == key)
            found = (units.get(n) for n in (measure, key, pollutant))
            self._units[measure, standard] = next((u for u in found if u is not None), None)
        return self._units[measure, standard]

    def subindex(self, values: Any, measure: str, standard: str | None = None) -> pa.Array:
        """The int32 sub-index of each value (null where none is defined)."""
        standard = standard or self.standard
        beyond = self.options.get("beyond")
        return _core.aqi.subindex(
            whole(values),
            measure,
            standard=standard,
            unit=self._unit(measure, standard),
            beyond=None if beyond is None else str(beyond),
        )

    def check(self, measure: str, standard: str | None = None) -> None:
        """Raises the engine's error now for a measure (or standard) it would refuse."""
        self.subindex(pa.array([], pa.float64()), measure, standard)

    def by_measure(self, values: Any, measures: Any, standards: Any = None) -> pa.Array:
        """The sub-index with a measure (and optionally a standard) per row."""
        values = whole(values)
        measures = _text(measures, "measure", self.function)
        keys = measures
        if standards is not None:
            standards = _text(standards, "standard", self.function)
            # One key per (measure, standard) pair; no name holds a NUL.
            keys = pc.binary_join_element_wise(measures, standards, "\x00")

        def apply(key: str, rows: pa.Array | None) -> pa.Array:
            measure, _, standard = key.partition("\x00")
            part = values if rows is None else values.take(rows)
            return self.subindex(part, measure, standard or None)

        return by_key(keys, apply, pa.int32())


class MapKernel:
    """:meth:`pollutrack.Mapping.apply` of one value column under a field's rules.

    Args:
        function: the name errors give.
        mapping: the :class:`~pollutrack.Mapping`.
        options: :class:`~pollutrack.mapping.ApplyOptions` but ``fields`` and ``replace``
            (the field is the function's first argument; the result is its value).
    """

    def __init__(self, function: str, mapping: Any, options: ApplyOptions) -> None:
        self.function = function
        self.mapping = mapping
        for key in ("fields", "replace"):
            if key in options:
                raise TypeError(
                    f"{function}() maps the field its first argument names and returns the "
                    f"mapped value; the option {key!r} does not apply"
                )
        apply_options(function, options)  # checked now, passed on as given
        self.options = dict(options)

    def check(self, field: str) -> None:
        """Raises now for a field the mapping does not hold."""
        if field not in self.mapping.fields:
            raise InvalidSpecError(
                f"{self.function}: the mapping has no field {field!r}; "
                f"its fields are {', '.join(self.mapping.fields)}"
            )

    def map(self, field: str, values: Any) -> pa.Array:
        """Each value mapped under ``field`` (text; ``on_unmapped`` decides the rest)."""
        self.check(field)
        table = pa.table({field: whole(values)})
        options: Any = {**self.options, "fields": [field], "replace": True}
        result = self.mapping.apply(table, output="arrow", **options)
        return result.table.column(0).combine_chunks().cast(pa.string())

    def by_field(self, fields: Any, values: Any) -> pa.Array:
        """Values mapped with a field per row."""
        values = whole(values)
        fields = _text(fields, "field", self.function)

        def apply(field: str, rows: pa.Array | None) -> pa.Array:
            return self.map(field, values if rows is None else values.take(rows))

        return by_key(fields, apply, pa.string())
