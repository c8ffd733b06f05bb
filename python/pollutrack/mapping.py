"""Translate field values by a mapping sheet, report what is unmapped, detect drift.

A mapping sheet is maintained by people, usually in Excel: one row per rule, *field*, *source
value*, *target value* (optionally *target field*), or one worksheet per field with *source* and
*target* columns. It is validated on load and compiled in Rust; :meth:`Mapping.apply` maps many
fields of a table in one parallel pass with the GIL released. The user guide's page "Mappings"
gives every rule.

Examples:
    >>> import pollutrack as pt
    >>> m = pt.Mapping.from_dict({"cbwd": {"NE": "northeast", "cv": "calm or variable"}})
    >>> res = m.apply({"cbwd": ["NE", "cv", "SE", None]})
    >>> res.table.column("cbwd_mapped").to_pylist()
    ['northeast', 'calm or variable', None, None]
    >>> res.report.to_pylist()
    [{'field': 'cbwd', 'value': 'SE', 'count': 1, 'first_row': 2, 'suggestion': None}]
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypedDict, Unpack

import pyarrow as pa

from pollutrack import _core
from pollutrack._frames import Output, from_native
from pollutrack._input import as_arrow_tabular
from pollutrack._mapping_args import apply_options, columns_arg, existing, key_text
from pollutrack._mapping_views import DriftReport, mapping_result_html

__all__ = [
    "ApplyOptions",
    "DriftReport",
    "Mapping",
    "MappingResult",
    "MatchOptions",
    "OnUnmapped",
    "sample_sheet",
]

OnUnmapped = Literal["null", "keep", "default", "error"]
PathLike = str | os.PathLike[str]


class MatchOptions(TypedDict, total=False):
    """Which values are looked up, and how keys match (:meth:`Mapping.apply`, Spark reports).

    Attributes:
        fields: the fields to map; all of the sheet's by default. Each must be a column.
        normalize: ``True`` (trim, case-fold, NFKC), or step names among ``"trim"``,
            ``"casefold"``, ``"nfkc"``; applied alike to sheet keys and data. Default: exact.
    """

    fields: Sequence[str] | None
    normalize: bool | str | Sequence[str] | None


class ApplyOptions(MatchOptions, total=False):
    """The options of :meth:`Mapping.apply`: :class:`MatchOptions` and what the output holds.

    Attributes:
        on_unmapped: what an unmapped value becomes: ``"null"`` (default), ``"keep"`` (the
            value as text), ``"default"`` (``default=``) or ``"error"`` (raise
            :class:`~pollutrack.InvalidValueError` naming field, value and first row).
        default: the text written under ``on_unmapped="default"``.
        replace: write each mapped column in place of its source column (named after the
            target field, or the field) instead of appending ``<target field>`` /
            ``<field>_mapped``. Default ``False``.
    """

    on_unmapped: OnUnmapped
    default: str | None
    replace: bool


def sample_sheet(kind: Literal["xlsx", "csv"] = "xlsx") -> Path:
    """Path of the bundled sample sheet mapping the Beijing ``cbwd`` wind codes.

    Examples:
        >>> import pollutrack as pt
        >>> pt.Mapping.from_excel(pt.mapping.sample_sheet()).fields
        ['cbwd']
    """
    return Path(str(resources.files("pollutrack") / "data" / f"wind_direction_mapping.{kind}"))


class MappingResult:
    """What :meth:`Mapping.apply` returns.

    Attributes:
        table: the input columns, then one mapped column per field (or in place with
            ``replace=True``). Same rows, same order. The input's kind, as from
            :func:`pollutrack.aqi.compute` (a pandas index kept); the report and counts are
            always pyarrow Tables.
        report: one row per distinct unmapped value: ``field``, ``value``, ``count``,
            ``first_row`` (from 0 over the whole input) and ``suggestion``: the sheet's source
            value it matches once trimmed, case-folded and NFKC-normalised, or else the most
            similar one (a typo such as ``Finanse`` for ``Finance``: similarity 0.8 or more), or
            null.
        counts: one row per field: ``field``, ``target_field``, ``column`` (the output
            column), ``rows``, ``mapped``,
            ``unmapped``, ``null_inputs``, ``distinct_unmapped``.
    """

    __slots__ = ("counts", "report", "table")

    def __init__(self, table: Any, report: pa.Table, counts: pa.Table) -> None:
        self.table = table
        self.report = report
        self.counts = counts

    @property
    def unmapped(self) -> int:
        """Rows, over all fields, whose value no rule maps."""
        return sum(self.counts.column("unmapped").to_pylist())

    def summary(self, max_values: int = 20) -> str:
        """A readable account of the unmapped values, one line per value.

        Examples:
            >>> import pollutrack as pt
            >>> m = pt.Mapping.from_dict({"dept": {"Finance": "FIN"}})
            >>> print(m.apply({"dept": ["Finance ", "Finance "]}).summary())
            2 of 2 values unmapped (1 distinct value):
              dept: 'Finance ' x2, first row 0; did you mean 'Finance'?
        """
        rows = self.report.to_pylist()
        total = sum(self.counts.column("rows").to_pylist())
        lines = [
            f"{self.unmapped} of {total} values unmapped "
            f"({len(rows)} distinct value{'s' * (len(rows) != 1)}):"
        ]
        for r in rows[:max_values]:
            hint = f"; did you mean {r['suggestion']!r}?" if r["suggestion"] is not None else ""
            lines.append(
                f"  {r['field']}: {r['value']!r} x{r['count']}, first row {r['first_row']}{hint}"
            )
        if len(rows) > max_values:
            lines.append(f"  ... and {len(rows) - max_values} more")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"MappingResult(rows={len(self.table)}, unmapped={self.unmapped})"

    def _repr_html_(self) -> str:
        # Jupyter: per-field counts with pass/fail, then the unmapped values.
        return mapping_result_html(self)


class Mapping:
    """A validated mapping sheet; build it with one of the ``from_*`` class methods.

    Pickles compactly (the sheet's rows as JSON), so it can be shipped to Spark executors.
    """

    __slots__ = ("_core",)

    def __init__(self, core: _core.mapping.Mapping) -> None:
        self._core = core

    def __getstate__(self) -> str:
        return self._core.state()

    def __setstate__(self, state: str) -> None:
        self._core = _core.mapping.from_state(state)

    # --- loading ----------------------------------------------------------------------------
    @classmethod
    def from_excel(
        cls,
        path: PathLike,
        *,
        sheet: str | Sequence[str] | None = None,
        columns: MappingABC[str, str] | None = None,
        include_hidden: bool = False,
    ) -> Mapping:
        """Loads a workbook (``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``), read in Rust.

        Args:
            path: the workbook.
            sheet: worksheet name(s) to read; all visible worksheets when ``None`` (empty ones
                are skipped). A worksheet with a field column holds many fields; one without is
                a single field named after the worksheet. A worksheet named here is read even
                when hidden.
            columns: header names to look for instead of the defaults, keyed ``field``,
                ``source``, ``target``, ``target_field``.
            include_hidden: with ``sheet=None``, read hidden worksheets too. By default they
                are skipped (they usually hold retired rules) and a ``UserWarning`` names them.

        Raises:
            InvalidSpecError: a header not understood (it names the headers found and the
                ones expected), two columns for one role, a missing worksheet, an empty
                worksheet, a blank source or target, an error cell, or conflicting rules
                (naming worksheet and row).
            FileNotFoundError: no such file (``IsADirectoryError``: a folder).

        Examples:
            >>> import pollutrack as pt
            >>> m = pt.Mapping.from_excel(pt.mapping.sample_sheet())
            >>> m.rules.select(["source", "target", "row"]).to_pylist()[0]
            {'source': 'NE', 'target': 'northeast', 'row': 2}
        """
        p = existing(path)
        sheets = [sheet] if isinstance(sheet, str) else (list(sheet) if sheet is not None else None)
        core, hidden = _core.mapping.from_excel(
            p, sheets=sheets, columns=columns_arg(columns), include_hidden=include_hidden
        )
        if hidden:
            names = ", ".join(repr(h) for h in hidden)
            warnings.warn(
                f"{p.name}: skipped the hidden worksheet{'s' * (len(hidden) > 1)} {names} "
                "(include_hidden=True reads hidden worksheets)",
                UserWarning,
                stacklevel=2,
            )
        return cls(core)

    @classmethod
    def from_csv(cls, path: PathLike, *, columns: MappingABC[str, str] | None = None) -> Mapping:
        """Loads a CSV sheet (UTF-8, header row); without a field column the file stem is the field.

        Examples:
            >>> import pollutrack as pt
            >>> len(pt.Mapping.from_csv(pt.mapping.sample_sheet("csv")))
            4
        """
        return cls(_core.mapping.from_csv(existing(path), columns=columns_arg(columns)))

    @classmethod
    def from_json(cls, path: PathLike, *, columns: MappingABC[str, str] | None = None) -> Mapping:
        """Loads JSON: a list of rule objects, or ``{field: {source: target}}``.

        Examples:
            >>> import json, pathlib, tempfile, pollutrack as pt
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.json"
            >>> _ = p.write_text(json.dumps([{"field": "s", "source": 1, "target": "One"}]))
            >>> pt.Mapping.from_json(p).apply({"s": [1, 2]}).table.column("s_mapped").to_pylist()
            ['One', None]
        """
        p = existing(path)
        return cls(
            _core.mapping.from_json(
                p.read_text(encoding="utf-8"), name=p.name, columns=columns_arg(columns)
            )
        )

    @classmethod
    def from_table(cls, data: Any, *, columns: MappingABC[str, str] | None = None) -> Mapping:
        """Loads rules from an Arrow table (pyarrow, polars, pandas ...); row = position from 1.

        Examples:
            >>> import pollutrack as pt
            >>> pt.Mapping.from_table({"field": ["s"], "source": ["a"], "target": ["A"]}).fields
            ['s']
        """
        return cls(_core.mapping.from_table(as_arrow_tabular(data), columns=columns_arg(columns)))

    @classmethod
    def from_dict(cls, rules: MappingABC[str, MappingABC[Any, Any]]) -> Mapping:
        """Builds a mapping from ``{field: {source: target}}``; numeric keys become canonical text.

        Rules keep the dict's order; messages name them ``worksheet 'dict' row N`` (N counts all
        rules from 1).

        Examples:
            >>> import pollutrack as pt
            >>> m = pt.Mapping.from_dict({"priority": {1.0: "High", 2: "Low"}})
            >>> m.rules.column("source").to_pylist()
            ['1', '2']
        """
        listed = [
            {"field": str(field), "source": key_text(k), "target": v}
            for field, pairs in rules.items()
            for k, v in pairs.items()
        ]
        return cls(_core.mapping.from_json(json.dumps(listed), name="dict"))

    # --- using ------------------------------------------------------------------------------
    def apply(
        self, data: Any, *, output: Output = "native", **options: Unpack[ApplyOptions]
    ) -> MappingResult:
        """Maps every field of the sheet (or ``fields``) in one parallel pass.

        Args:
            data: any Arrow tabular data (pyarrow, polars, pandas, DuckDB, a dict of columns).
            output: ``"native"`` (default): ``table`` in the input's kind; ``"arrow"``: a
                pyarrow Table.
            **options: :class:`ApplyOptions` (each key and its default are documented there).

        Returns:
            A :class:`MappingResult`. Null inputs stay null and are counted apart.

        Examples:
            >>> import pyarrow as pa, pollutrack as pt
            >>> m = pt.Mapping.from_dict({"dept": {"Finance": "FIN", "HR": "HR"}})
            >>> data = pa.table({"dept": pa.array(["hr", "Finance", "x"]).dictionary_encode()})
            >>> res = m.apply(data, normalize=True, on_unmapped="keep", replace=True)
            >>> res.table.column("dept").to_pylist()
            ['HR', 'FIN', 'x']
            >>> res.table.schema.field("dept").type
            DictionaryType(dictionary<values=string, indices=int32, ordered=0>)
        """
        data, native = from_native(data, output)
        given = apply_options("apply", options)
        table, report, counts = self._core.apply(as_arrow_tabular(data), given)
        return MappingResult(native.to_native(table), report, counts)

    def drift(self, allowed: MappingABC[str, Any] | PathLike) -> DriftReport:
        """Compares the sheet's targets with the target system's allowed values.

        Args:
            allowed: ``{target_field: [values]}``, or the option export
                ``{"fields": [{"name": ..., "options": [{"value": ..., "disabled": bool}]}]}``
                (disabled options are not allowed; ``enabled``, ``active``, ``inactive`` ...
                and ``"true"``, ``0``, ``"no"`` ... are understood), as a dict or a path to a
                JSON file (a byte-order mark is accepted).

        Raises:
            InvalidSpecError: ``allowed`` is not one of the shapes, or a flag is not a yes/no.
            FileNotFoundError: no such file (``IsADirectoryError``: a folder).

        Returns:
            A :class:`DriftReport` (the findings' ``pyarrow.Table`` API, an HTML table in
            Jupyter) with columns ``field``, ``kind`` (``not_allowed``, ``likely_rename``,
            ``unreached``, ``field_not_in_allowed``, ``field_not_in_sheet``), ``value``,
            ``suggestion``, ``detail``, ``sheet``, ``row``. Empty when nothing drifted.

        Examples:
            >>> import pollutrack as pt
            >>> m = pt.Mapping.from_dict({"s": {"a": "Open", "b": "In progress"}})
            >>> d = m.drift({"s": ["Open", "In Progress", "Done"]})
            >>> d.select(["kind", "value", "suggestion"]).to_pylist()[0]
            {'kind': 'likely_rename', 'value': 'In progress', 'suggestion': 'In Progress'}
            >>> d.column("kind").to_pylist()
            ['likely_rename', 'unreached']
        """
        if isinstance(allowed, MappingABC):
            text = json.dumps(allowed)
        else:
            text = existing(allowed, "allowed-values file").read_text(encoding="utf-8")
        return DriftReport(self._core.drift(text))

    # --- looking ----------------------------------------------------------------------------
    @property
    def rules(self) -> pa.Table:
        """The unique rules: field, source, target, target_field, sheet, row."""
        return self._core.rules()

    @property
    def duplicates(self) -> pa.Table:
        """Exact repeats found on load (not errors): the rule columns, first_sheet, first_row."""
        return self._core.duplicates()

    @property
    def fields(self) -> list[str]:
        """The fields the sheet maps, in sheet order."""
        return self._core.fields

    @property
    def target_fields(self) -> dict[str, str]:
        """Field -> target field name (the field's own name when the sheet gives none)."""
        return self._core.target_fields

    def __len__(self) -> int:
        return len(self._core)

    def __repr__(self) -> str:
        duplicates = self.duplicates.num_rows
        return f"Mapping(fields={self.fields}, rules={len(self)}, duplicates={duplicates})"
