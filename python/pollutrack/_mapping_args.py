"""The arguments of :class:`~pollutrack.Mapping`'s methods as ``_core`` takes them."""

from __future__ import annotations

import os
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pollutrack._options import checked

if TYPE_CHECKING:
    from pollutrack.mapping import MatchOptions

PathLike = str | os.PathLike[str]


def apply_options(
    function: str, options: MatchOptions, declared: type | None = None
) -> dict[str, object]:
    """``options`` for ``_core``: checked against ``declared`` (``ApplyOptions``), steps named.

    Examples:
        >>> apply_options("apply", {"normalize": True, "fields": ("dept",)})
        {'normalize': ['all'], 'fields': ['dept']}
    """
    if declared is None:
        from pollutrack.mapping import ApplyOptions

        declared = ApplyOptions
    out = checked(function, options, declared)
    if "normalize" in options:
        out["normalize"] = _normalize_steps(options["normalize"])
    fields = options.get("fields")
    if fields is not None:
        out["fields"] = list(fields)
    return out


def existing(path: PathLike, what: str = "mapping sheet") -> Path:
    """``path`` as a Path, if it is a file; else an error that says what is wrong with it.

    Examples:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> try:
        ...     existing(folder, "allowed-values file")
        ... except IsADirectoryError as exc:
        ...     print(str(exc).replace(folder, "<folder>"))
        '<folder>' is a folder, not an allowed-values file
    """
    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(f"'{p}' is a folder, not {article(what)} {what}")
    if not p.is_file():
        raise FileNotFoundError(f"no such {what}: '{p}'")
    return p


def article(noun: str) -> str:
    """``a`` or ``an`` before ``noun``."""
    return "an" if noun[0] in "aeiou" else "a"


def key_text(value: Any) -> str:
    """A rule key as text: a float that is a whole number without its ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normalize_steps(normalize: bool | str | Sequence[str] | None) -> list[str] | None:
    if normalize is None or normalize is False:
        return None
    if normalize is True:
        return ["all"]
    if isinstance(normalize, str):
        return [normalize]
    return list(normalize)


def columns_arg(columns: MappingABC[str, str] | None) -> dict[str, str] | None:
    """The ``columns=`` of a loader as ``_core`` takes it."""
    return dict(columns) if columns is not None else None
