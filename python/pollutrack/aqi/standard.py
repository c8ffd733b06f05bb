"""Standards as objects: the built-in ones by id, custom breakpoint tables, and comparisons.

A :class:`Standard` is accepted wherever a standard name is (``pt.aqi.compute``,
``subindex``, ``concentration``, ``breakpoints``, ``categories``, ``compare``, the Spark
helpers). It pickles as its id or its JSON, so Spark ships it to executors cheaply.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import pyarrow as pa
import pyarrow.compute as pc

from pollutrack import _core
from pollutrack._frames import Output, from_native
from pollutrack._input import as_arrow_tabular
from pollutrack._options import checked

if TYPE_CHECKING:
    from pollutrack.aqi.options import ColumnOptions


class Standard:
    """An AQI standard: a built-in one (``Standard("in_naqi")``) or a validated custom table.

    Examples:
        >>> import pollutrack as pt
        >>> india = pt.aqi.Standard("in_naqi")
        >>> india.id, india.title
        ('in_naqi', 'India National Air Quality Index (CPCB, 2014)')
        >>> spec = india.to_dict()
        >>> spec["id"] = "in_naqi_draft"
        >>> pt.aqi.Standard.from_json(spec).id
        'in_naqi_draft'
    """

    __slots__ = ("_arg", "id", "title")

    def __init__(self, standard: str) -> None:
        """Looks up a built-in standard by id (or validates a custom standard's JSON text)."""
        self.id, self.title, normalised = _core.aqi.standard_spec(standard)
        builtin = not standard.lstrip().startswith("{")
        self._arg: str = self.id if builtin else normalised

    @classmethod
    def from_json(cls, source: str | os.PathLike[str] | Mapping[str, Any]) -> Standard:
        """A custom standard from JSON text, a path to a ``.json`` file, or a dict.

        The shape is that of the built-in files (see ``Standard("us_epa_2024").to_json()`` and
        the README section "Custom standards"). Gaps, overlaps and falling rows are an
        :class:`~pollutrack.InvalidSpecError` naming the measure and row.
        """
        if isinstance(source, Mapping):
            text = json.dumps(dict(source))
        elif isinstance(source, os.PathLike) or not str(source).lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        else:
            text = str(source)
        if not text.lstrip().startswith("{"):
            raise ValueError("a custom standard is a JSON object: {...}")
        return cls(text)

    @classmethod
    def from_table(
        cls,
        breakpoints: Any,
        categories: Any = None,
        *,
        id: str,
        title: str = "",
        source: str = "",
        method: str | None = None,
        rounding: str | None = None,
        index_rounding: str = "half_up",
        temperature: int = 25,
        beyond: str = "extend",
        negative: str = "null",
    ) -> Standard:
        """A custom standard from a breakpoint table shaped like :func:`breakpoints` output.

        Args:
            breakpoints: any Arrow table-like with columns ``measure``, ``unit``, ``aqi_lo``,
                ``aqi_hi``, ``conc_lo``, ``conc_hi`` and optionally ``pollutant`` (else taken
                from the measure key, "o3_8h" -> o3), ``averaging``, ``category`` and
                ``resolution`` (what concentrations are rounded to, e.g. 0.1; by default the
                finest decimal among the measure's breakpoints).
            categories: a table with ``category``, ``aqi_lo``, ``aqi_hi`` and optionally
                ``colour``, ``hex``; by default taken from the breakpoints' ``category`` column.
            id: the new standard's id (lowercase letters, digits, "_"; not a built-in id).
            title: a readable name (default: the id).
            source: where the table comes from, recorded in every output's metadata.
            method: ``"linear"`` or ``"bands"``; by default bands when every row has
                ``aqi_lo == aqi_hi``.
            rounding: how concentrations are rounded to the table's resolution before the
                lookup: ``"truncate"`` (default for linear), ``"half_up"``, ``"half_even"`` or
                ``"none"`` (default for bands).
            index_rounding: ``"half_up"`` or ``"ceiling"`` for interpolated indices.
            temperature: 25 or 20 (°C) for µg/m³ <-> ppb conversions.
            beyond: default policy above the top row (``"extend"``, ``"cap"``, ``"null"``).
            negative: default for a negative concentration: ``"null"`` (no index) or
                ``"zero"`` (rated as 0, as the US EPA tables do).

        Examples:
            >>> import pollutrack as pt
            >>> bp = pt.aqi.breakpoints("us_epa_2012")
            >>> mine = pt.aqi.Standard.from_table(bp, id="epa_2012_copy")
            >>> pt.aqi.subindex(12.1, "pm25", standard=mine)
            51
        """
        rows = pa.table(as_arrow_tabular(breakpoints)).to_pylist()
        if not rows:
            raise ValueError("the breakpoint table has no rows")
        needed = {"measure", "unit", "aqi_lo", "aqi_hi", "conc_lo", "conc_hi"}
        missing = needed - set(rows[0])
        if missing:
            raise ValueError(f"the breakpoint table lacks columns {sorted(missing)}")
        if method is None:
            method = "bands" if all(r["aqi_lo"] == r["aqi_hi"] for r in rows) else "linear"
        measures: dict[str, dict[str, Any]] = {}
        for number, r in enumerate(rows, start=1):
            key = str(r["measure"])
            m = measures.setdefault(
                key,
                {
                    "key": key,
                    "pollutant": r.get("pollutant") or key.split("_")[0],
                    "averaging": r.get("averaging") or "",
                    "unit": r["unit"],
                    "rounding": rounding or ("truncate" if method == "linear" else "none"),
                    "rows": [],
                },
            )
            if r.get("resolution") is not None:
                m["decimals"] = _decimals(r["resolution"])
            if r["unit"] != m["unit"]:
                raise ValueError(f"row {number}: measure {key} has two units")
            lo, hi = _decimal(r["conc_lo"]), _decimal(r["conc_hi"])
            if method == "linear":
                m["rows"].append([lo, hi, r["aqi_lo"], r["aqi_hi"]])
            else:
                m["rows"].append([lo, hi, r["aqi_lo"]])
        spec: dict[str, Any] = {
            "id": id,
            "title": title,
            "source": source or "custom table",
            "method": method,
            "temperature": temperature,
            "beyond": beyond,
            "negative": negative,
            "measures": list(measures.values()),
            "categories": _categories(rows, categories),
        }
        if method == "linear":
            spec["index_rounding"] = index_rounding
        return cls.from_json(spec)

    def to_json(self) -> str:
        """The standard as JSON (the same shape ``from_json`` reads)."""
        return str(_core.aqi.standard_spec(self._arg)[2])

    def to_dict(self) -> dict[str, Any]:
        """The standard as a dict: edit it and pass it to :meth:`from_json` for a variant."""
        spec: dict[str, Any] = json.loads(self.to_json())
        return spec

    def measure(self, name: str) -> dict[str, Any]:
        """What the standard says of the measure ``name`` stands for, as :func:`compute` reads it.

        ``name`` is a measure key, a plain pollutant name (its default measure: ``"o3"`` is
        8-hour ozone under the US EPA) or a column name the standard recognises.

        Returns:
            ``key``, ``pollutant``, ``averaging``, ``unit``, ``rounding`` and, for tables that
            round concentrations, ``decimals`` (of their resolution: 1 for 0.1).

        Raises:
            InvalidSpecError: the standard has no such measure (naming the ones it has).

        Examples:
            >>> import pollutrack as pt
            >>> o3 = pt.aqi.Standard("us_epa_2024").measure("o3")
            >>> o3["key"], o3["unit"], o3["decimals"], o3["rounding"]
            ('o3_8h', 'ppm', 3, 'truncate')
        """
        key = _core.aqi.measure_key(self._arg, name)
        spec = next(m for m in self.to_dict()["measures"] if m["key"] == key)
        return {field: value for field, value in spec.items() if field != "rows"}

    def breakpoints(self) -> pa.Table:
        """The breakpoint table (see :func:`pollutrack.aqi.breakpoints`)."""
        return _core.aqi.breakpoints(self._arg)

    def categories(self) -> pa.Table:
        """The categories and colours (see :func:`pollutrack.aqi.categories`)."""
        return _core.aqi.categories(self._arg)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (Standard, (self._arg,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Standard) and other._arg == self._arg

    def __hash__(self) -> int:
        return hash(self._arg)

    def __repr__(self) -> str:
        if self._arg == self.id:
            return f"Standard({self.id!r})"
        return f"<custom Standard {self.id!r}: {self.title}>"


def _decimal(value: Any) -> str | None:
    """A breakpoint as exact decimal text (floats by their shortest repr)."""
    if value is None:
        return None
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def _decimals(resolution: Any) -> int:
    """Decimals of a resolution: 0.1 -> 1, 1 -> 0."""
    text = _decimal(float(resolution)) or "0"
    return len(text.partition(".")[2])


def _categories(rows: list[dict[str, Any]], categories: Any) -> list[dict[str, Any]]:
    if categories is not None:
        cats = pa.table(as_arrow_tabular(categories)).to_pylist()
        return [
            {
                "name": c["category"],
                "lo": c["aqi_lo"],
                "hi": c["aqi_hi"],
                "colour": c.get("colour"),
                "hex": c.get("hex"),
            }
            for c in cats
        ]
    if "category" not in rows[0]:
        raise ValueError("give categories= or a 'category' column in the breakpoint table")
    spans: dict[str, list[int]] = {}
    for r in rows:
        span = spans.setdefault(r["category"], [r["aqi_lo"], r["aqi_hi"]])
        span[0], span[1] = min(span[0], r["aqi_lo"]), max(span[1], r["aqi_hi"])
    ordered = sorted(spans.items(), key=lambda item: item[1][0])
    out = [{"name": name, "lo": lo, "hi": hi} for name, (lo, hi) in ordered]
    out[-1]["hi"] = None  # the top category is open-ended
    return out


def standard_arg(standard: str | Standard) -> str:
    """What the Rust core takes: a built-in id or a custom standard's JSON."""
    if isinstance(standard, Standard):
        return standard._arg
    if isinstance(standard, str):
        return standard
    raise TypeError(f"standard must be a name or a pt.aqi.Standard, not {type(standard).__name__}")


def standard_id(standard: str | Standard) -> str:
    """The id of a standard given by name or object."""
    return standard.id if isinstance(standard, Standard) else Standard(standard).id


def compare(
    data: Any,
    standards: Sequence[str | Standard],
    *,
    output: Output = "native",
    **options: Unpack[ColumnOptions],
) -> Any:
    """The same rows under several standards side by side, and what changes against the first.

    Options: :class:`~pollutrack.aqi.ColumnOptions`, the same for every standard.

    For each standard ``s`` (its id): ``s_aqi``, ``s_category``, ``s_dominant``, ``s_status``;
    for each after the first, ``s_aqi_change`` (its index minus the first's) and
    ``s_category_change`` (its category rank minus the first's; ranks count from the best
    category). Changes are null where either index is. Columns a standard does not rate are
    left out for that standard (recorded in the ``pollutrack`` metadata). The result is the
    input's kind as from :func:`compute` (``output="arrow"``: a pyarrow Table).

    Examples:
        >>> import pollutrack as pt
        >>> t = pt.aqi.compare({"pm25": [10.0, 40.0]}, ["us_epa_2012", "us_epa_2024"])
        >>> t.column("us_epa_2012_aqi").to_pylist(), t.column("us_epa_2024_aqi").to_pylist()
        ([42, 112], [53, 112])
        >>> t.column("us_epa_2024_category_change").to_pylist()
        [1, 0]
    """
    from pollutrack.aqi.options import ColumnOptions  # it imports this module

    given = checked("compare", options, ColumnOptions)
    if len(standards) == 0:
        raise ValueError("compare needs at least one standard")
    data, native = from_native(data, output)
    table = as_arrow_tabular(data)
    table = table if isinstance(table, pa.Table) else pa.table(table)
    ids = [standard_id(s) for s in standards]
    if len(set(ids)) != len(ids):
        raise ValueError(f"a standard is listed twice: {ids}")
    out = table
    records = []
    first: tuple[pa.Array, pa.Array] | None = None
    for standard, sid in zip(standards, ids, strict=True):
        core = {**given, "standard": standard_arg(standard), "skip_unrated": True}
        rated = _core.aqi.compute(table, core)
        records.append(json.loads(rated.schema.metadata[b"pollutrack"]))
        aqi = rated.column("aqi")
        rank = pa.chunked_array(
            [c.indices for c in rated.column("aqi_category").chunks], type=pa.int8()
        )
        for name in ("aqi", "aqi_category", "aqi_dominant", "aqi_status"):
            out = out.append_column(f"{sid}_{name.removeprefix('aqi_')}", rated.column(name))
        if first is None:
            first = (aqi, rank)
            continue
        out = out.append_column(f"{sid}_aqi_change", pc.subtract(aqi, first[0]))
        steps = pc.subtract(rank.cast(pa.int16()), first[1].cast(pa.int16())).cast(pa.int8())
        out = out.append_column(f"{sid}_category_change", steps)
    record = {"function": "aqi.compare", "standards": records}
    metadata = {**(table.schema.metadata or {}), b"pollutrack": json.dumps(record)}
    return native.to_native(out.replace_schema_metadata(metadata))
