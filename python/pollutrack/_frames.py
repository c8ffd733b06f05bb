"""Results in the caller's own kind: pandas in, pandas out; polars in, polars out; pyarrow too.

Any other Arrow producer gives a pyarrow Table, as ``output="arrow"`` always does. A wrapper
calls :func:`from_native` on its input and :meth:`Native.to_native` on the Table the core
returns. pandas and polars are never imported here: when the caller passed one of their objects,
the module is loaded already (``sys.modules``), so neither is a dependency.

Columns the core passed through untouched are taken from the caller's own frame, so they keep
their exact dtype (pandas ``Int64``, ``category``, tz-aware datetimes; polars ``Enum``); the
columns pollutrack adds are converted from Arrow.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal, get_args

import pyarrow as pa

from pollutrack._input import as_arrow_tabular, is_instance
from pollutrack.exceptions import InvalidSpecError

Output = Literal["native", "arrow"]
Kind = Literal["pandas", "polars", "table", "batch", "other"]


def from_native(data: Any, output: Output = "native") -> tuple[Any, Native]:
    """Returns what to hand the core in place of ``data``, and how to give the result back.

    A pandas DataFrame becomes a pyarrow Table without its index (set aside and put back on
    the result); a polars DataFrame a pyarrow Table over the same buffers; anything else is
    returned as it is, for ``as_arrow_tabular``, so streams stay lazy.
    """
    if output not in get_args(Output):
        raise InvalidSpecError(f"output must be 'native' or 'arrow', not {output!r}")
    if is_instance(data, "pandas", "DataFrame"):
        arrow = as_arrow_tabular(data).replace_schema_metadata(None)
        return arrow, Native("pandas", output, data, arrow)
    if is_instance(data, "polars", "DataFrame"):
        arrow = pa.table(data)
        return arrow, Native("polars", output, data, arrow)
    if isinstance(data, pa.Table):
        return data, Native("table", output)
    if isinstance(data, pa.RecordBatch):
        return data, Native("batch", output)
    return data, Native("other", output)


class Native:
    """The kind of the caller's input, and the input itself where columns come back from it."""

    __slots__ = ("arrow", "kind", "output", "source")

    def __init__(
        self, kind: Kind, output: Output, source: Any = None, arrow: pa.Table | None = None
    ) -> None:
        self.kind = kind
        self.output = output
        self.source = source
        self.arrow = arrow

    def to_native(self, table: pa.Table, *, same_rows: bool = True) -> Any:
        """``table`` as the caller's kind (a pyarrow Table under ``output="arrow"``).

        ``same_rows``: the result has the input's rows in order (so the pandas index and the
        untouched input columns carry over); ``False`` for ``daily``'s one row per day.
        """
        if self.output == "arrow" or self.kind in ("table", "other"):
            return table
        if self.kind == "batch":
            batches = table.combine_chunks().to_batches()
            return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema)
        kept = self._passed_through(table) if same_rows else {}
        if self.kind == "pandas":
            return self._pandas(table, kept, same_rows)
        return self._polars(table, kept)

    def _passed_through(self, table: pa.Table) -> dict[str, int]:
        """Output column -> position of the input column it is, unchanged."""
        assert self.arrow is not None
        positions = {name: i for i, name in enumerate(self.arrow.column_names)}
        kept = {}
        for name in table.column_names:
            i = positions.get(name)
            if i is not None and _same_column(table.column(name), self.arrow.column(i)):
                kept[name] = i
        return kept

    def _pandas(self, table: pa.Table, kept: dict[str, int], same_rows: bool) -> Any:
        pd = sys.modules["pandas"]  # loaded: the caller passed a pandas DataFrame
        source = self.source
        added = [name for name in table.column_names if name not in kept]
        ready = table.select(added).replace_schema_metadata(None)
        for i, name in enumerate(added):
            ready = ready.set_column(i, name, _without_null_categories(ready.column(i)))
        converted = ready.to_pandas(types_mapper=_nullable_dtypes(pd).get)
        if same_rows:
            converted.index = source.index
        columns = {}
        for name in table.column_names:
            if name in kept:
                columns[source.columns[kept[name]]] = source.iloc[:, kept[name]]
            else:
                columns[name] = converted[name]
        frame = pd.DataFrame(columns, index=converted.index, copy=False)
        frame.attrs = dict(source.attrs)
        metadata = table.schema.metadata or {}
        if b"pollutrack" in metadata:
            frame.attrs["pollutrack"] = json.loads(metadata[b"pollutrack"])
        return frame

    def _polars(self, table: pa.Table, kept: dict[str, int]) -> Any:
        pl = sys.modules["polars"]  # loaded: the caller passed a polars DataFrame
        added = pl.from_arrow(table.select([n for n in table.column_names if n not in kept]))
        columns = [
            self.source.to_series(kept[name]) if name in kept else added.get_column(name)
            for name in table.column_names
        ]
        return pl.DataFrame(columns)


def _same_column(out: pa.ChunkedArray, given: pa.ChunkedArray) -> bool:
    """Whether ``out`` is ``given``: the same buffers (what the core passes through), else equal."""
    if out.type != given.type:
        return False
    if out.num_chunks == given.num_chunks and all(
        a.offset == b.offset and len(a) == len(b) and _addresses(a) == _addresses(b)
        for a, b in zip(out.chunks, given.chunks, strict=True)
    ):
        return True
    return bool(out.equals(given))


def _addresses(array: pa.Array) -> list[int | None]:
    found = [None if buf is None else buf.address for buf in array.buffers()]
    if pa.types.is_dictionary(array.type):  # buffers() leaves the dictionary out
        found += _addresses(array.dictionary)
    return found


def _without_null_categories(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column without null categories, which pandas refuses and Arrow allows.

    A mapping's unmapped value can be a null in the dictionary: such a column is encoded
    again, its categories in order of appearance.
    """
    if pa.types.is_dictionary(column.type) and any(c.dictionary.null_count for c in column.chunks):
        return column.cast(column.type.value_type).dictionary_encode()
    return column


def _nullable_dtypes(pd: Any) -> dict[pa.DataType, Any]:
    """Arrow integers and booleans as pandas' nullable dtypes; other types take pandas' default.

    A null then stays ``pd.NA`` instead of turning the column into float64 or object, and the
    dtype does not depend on whether this result happens to hold a null.
    """
    return {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
