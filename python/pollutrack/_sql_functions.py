"""The SQL functions Spark and DuckDB register: names, arguments, result types and bodies.

Each body takes the Arrow arrays of its SQL arguments and returns one Arrow array; both
engines call it the same way (``pollutrack.spark.register``, ``pollutrack.duckdb.register``),
so a query gives the same results on either. Optional arguments make every function variadic:
the body checks how many it was given and says what it takes.

Examples:
    >>> import pyarrow as pa
    >>> functions = make("pt_", None, {}, {})
    >>> sorted(functions)  # doctest: +NORMALIZE_WHITESPACE
    ['pt_aqi', 'pt_aqi_all', 'pt_aqi_category', 'pt_aqi_dominant', 'pt_aqi_status',
     'pt_subindex']
    >>> body, kind = functions["pt_aqi_category"]
    >>> readings = pa.StructArray.from_arrays([pa.array([12.0, None])], names=["pm25"])
    >>> body(readings).to_pylist(), kind
    (['Moderate', None], DataType(string))
    >>> body(readings, pa.array(["eu_eaqi_2024", "eu_eaqi_2024"])).to_pylist()
    ['Fair', None]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pollutrack._udf import OUTPUTS, AqiKernel, MapKernel, SubindexKernel, whole
from pollutrack.aqi.options import AqiOptions
from pollutrack.mapping import ApplyOptions, Mapping

#: A function body and the Arrow type it returns.
Made = tuple[Callable[..., pa.Array], pa.DataType]


def _given(function: str, args: Sequence[Any], usage: str, least: int, most: int) -> bool:
    """Checks the number of arguments; True when one is a bare NULL (the result is NULL)."""
    if not least <= len(args) <= most:
        raise TypeError(f"{function} takes {usage}, not {len(args)} arguments")
    return any(pa.types.is_null(a.type) for a in args)


def _aqi_output(kernel: AqiKernel, output: str, labels: str, before: Callable[[], None]) -> Made:
    function = kernel.function
    usage = f"{function}(readings [, standard])"
    kind = pa.int32() if output == "aqi" else pa.string()

    def body(*args: pa.Array) -> pa.Array:
        before()
        if _given(function, args, usage, 1, 2):
            return pa.nulls(len(args[0]), kind)
        if len(args) == 2:
            return kernel.by_standard(args[0], args[1], output)
        return kernel.columns(args[0], labels=labels)[output]

    body.__name__ = function
    return body, kind


def _aqi_all(kernel: AqiKernel, labels: str, before: Callable[[], None]) -> Made:
    function = kernel.function
    usage = f"{function}(readings [, standard])"
    kind = pa.struct([(n, pa.int32() if n == "aqi" else pa.string()) for n in OUTPUTS])

    def body(*args: pa.Array) -> pa.Array:
        before()
        if _given(function, args, usage, 1, 2):
            return pa.nulls(len(args[0]), kind)
        if len(args) == 2:
            columns = [kernel.by_standard(args[0], args[1], n) for n in OUTPUTS]
        else:
            out = kernel.columns(args[0], labels=labels)
            columns = [out[n] for n in OUTPUTS]
        # NULL readings or standard: a NULL struct, not a struct of NULLs.
        missing = [pc.is_null(whole(a)) for a in args if whole(a).null_count]
        mask = functools.reduce(pc.or_, missing) if missing else None
        return pa.StructArray.from_arrays(columns, names=list(OUTPUTS), mask=mask)

    body.__name__ = function
    return body, kind


def _subindex(kernel: SubindexKernel, before: Callable[[], None]) -> Made:
    function = kernel.function
    usage = f"{function}(value, measure [, standard])"

    def body(*args: pa.Array) -> pa.Array:
        before()
        if _given(function, args, usage, 2, 3):
            return pa.nulls(len(args[0]), pa.int32())
        return kernel.by_measure(*args)

    body.__name__ = function
    return body, pa.int32()


def _map(kernel: MapKernel, before: Callable[[], None]) -> Made:
    function = kernel.function
    usage = f"{function}(field, value)"

    def body(*args: pa.Array) -> pa.Array:
        before()
        if _given(function, args, usage, 2, 2):
            return pa.nulls(len(args[0]), pa.string())
        return kernel.by_field(args[0], args[1])

    body.__name__ = function
    return body, pa.string()


def _nothing() -> None:
    """No work before a call."""


def make(
    prefix: str,
    mapping: Mapping | None,
    mapping_options: ApplyOptions,
    options: AqiOptions,
    *,
    labels: str = "string",
    before: Callable[[], None] = _nothing,
) -> dict[str, Made]:
    """Every SQL function, by name: its body and the Arrow type it returns.

    Args:
        prefix: put before each name.
        mapping: ``pt_map``'s mapping (no ``pt_map`` without one).
        mapping_options: :class:`~pollutrack.mapping.ApplyOptions` of ``pt_map``.
        options: :class:`~pollutrack.aqi.AqiOptions` of the AQI functions and ``pt_subindex``;
            checked here, with the standard.
        labels: how label functions return their labels: ``"string"`` or, for an engine that
            takes them, ``"dictionary"`` (nothing to copy). A standard argument gives strings.
        before: called at the start of every call (Spark fits the engine's threads there).
    """
    made: dict[str, Made] = {}
    for output in OUTPUTS:
        name = prefix + output
        made[name] = _aqi_output(AqiKernel(name, options), output, labels, before)
    made[f"{prefix}aqi_all"] = _aqi_all(AqiKernel(f"{prefix}aqi_all", options), labels, before)
    made[f"{prefix}subindex"] = _subindex(SubindexKernel(f"{prefix}subindex", options), before)
    if mapping is not None:
        kernel = MapKernel(f"{prefix}map", mapping, mapping_options)
        made[f"{prefix}map"] = _map(kernel, before)
    elif mapping_options:
        raise TypeError("mapping_options are pt_map's options; pt_map needs a mapping=")
    return made
