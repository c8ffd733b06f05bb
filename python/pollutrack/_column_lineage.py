"""Which input columns fed each output column, read from an output's ``pollutrack`` metadata.

``pt.aqi.compute`` records the column it read for each measure (``columns``) and the standard;
``pt.Mapping.apply`` records the output column of each field (``fields``). Nothing is
recomputed: a schema without that metadata (or from another function) has no column lineage.
"""

from __future__ import annotations

import json
from typing import Any, Literal, NamedTuple

import pyarrow as pa

#: The columns ``pt.aqi.compute`` appends besides one ``aqi_<pollutant>`` per pollutant.
AQI_COLUMNS = (
    "aqi",
    "aqi_category",
    "aqi_dominant",
    "aqi_status",
    "aqi_exceeding",
    "aqi_label",
    "aqi_value",
)


class Source(NamedTuple):
    """The input columns an output column comes from, and how."""

    columns: tuple[str, ...]
    #: ``IDENTITY`` (passed through) or ``TRANSFORMATION`` (computed from the columns).
    subtype: Literal["IDENTITY", "TRANSFORMATION"]
    description: str


def provenance(schema: pa.Schema) -> dict[str, Any] | None:
    """The ``pollutrack`` metadata record of a schema, or None."""
    raw = (schema.metadata or {}).get(b"pollutrack")
    if raw is None:
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _pollutants(record: dict[str, Any]) -> dict[str, str]:
    """Measure key -> pollutant key, from the standard the output names."""
    spec = record.get("custom_standard")
    if not isinstance(spec, dict):
        from pollutrack.aqi import Standard

        try:
            spec = Standard(str(record.get("standard"))).to_dict()
        except ValueError:
            spec = {}
    return {m["key"]: m["pollutant"] for m in spec.get("measures", []) if "key" in m}


def _aqi(record: dict[str, Any], names: list[str]) -> dict[str, Source]:
    measures: dict[str, str] = record.get("columns") or {}
    standard = record.get("standard", "?")
    # In the data's column order (the record's keys are sorted by measure).
    order = {n: i for i, n in enumerate(names)}
    rated = tuple(sorted(set(measures.values()), key=lambda c: (order.get(c, len(order)), c)))
    out: dict[str, Source] = {}
    pollutants = _pollutants(record)
    by_pollutant: dict[str, list[str]] = {}
    for measure, column in measures.items():
        key = pollutants.get(measure, measure.split("_")[0])
        by_pollutant.setdefault(key, []).append(column)
    for name in names:
        if name in AQI_COLUMNS:
            out[name] = Source(rated, "TRANSFORMATION", f"{name} of {standard} from {rated}")
        elif name.startswith("aqi_") and name[4:] in by_pollutant:
            columns = tuple(c for c in rated if c in by_pollutant[name[4:]])
            out[name] = Source(columns, "TRANSFORMATION", f"{name[4:]} sub-index of {standard}")
    return out


def _mapping(record: dict[str, Any]) -> dict[str, Source]:
    fields: dict[str, str] = record.get("fields") or {}
    return {
        column: Source((field,), "TRANSFORMATION", f"values of '{field}' mapped by the sheet")
        for field, column in fields.items()
    }


def column_lineage(output: pa.Schema, input: pa.Schema | None = None) -> dict[str, Source]:
    """Output column -> :class:`Source`, for outputs of ``aqi.compute`` and ``Mapping.apply``.

    Computed columns name the input columns they were computed from; every other output column
    is passed through (``IDENTITY``), when it is a column of ``input`` (or of any input, when
    ``input`` is not given). Other schemas give ``{}``.

    Examples:
        >>> import pollutrack as pt
        >>> out = pt.aqi.compute({"site": ["A"], "PM2.5": [9.0], "o3": [0.05]}, subindices=True)
        >>> lineage = column_lineage(out.schema)
        >>> lineage["aqi"].columns, lineage["aqi_pm25"].columns, lineage["site"].subtype
        (('PM2.5', 'o3'), ('PM2.5',), 'IDENTITY')
    """
    record = provenance(output)
    if record is None:
        return {}
    names = output.names
    function = record.get("function")
    if function == "aqi.compute":
        computed = _aqi(record, names)
    elif function == "mapping.apply":
        computed = _mapping(record)
    else:
        return {}
    known = set(input.names) if input is not None else None
    lineage: dict[str, Source] = {}
    for name in names:
        if name in computed:
            lineage[name] = computed[name]
        elif known is None or name in known:
            lineage[name] = Source((name,), "IDENTITY", "passed through")
    return lineage
