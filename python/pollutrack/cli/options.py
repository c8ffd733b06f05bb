"""The options more than one command takes, each declared once (click decorators).

``--schema`` and ``--fail-on-rejected`` (commands that read INPUTS), ``--store-failures``
(commands that run rules), ``--xlsx`` (``map`` and ``drift``), the standard's and the mapping's
options (``aqi``, ``map``, ``sql``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import click
from click.decorators import FC

from pollutrack.aqi.options import Beyond
from pollutrack.exceptions import InvalidSpecError
from pollutrack.mapping import OnUnmapped

PARTITION_BY = click.option(
    "--partition-by", metavar="COLUMN", help="Hive-partition Parquet by this column."
)
OUT = click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="Output: .parquet, .csv or .json (lines); a folder with --partition-by.",
)
FAIL_ON_CHECKS = click.option(
    "--fail-on-checks", is_flag=True, help="Exit 1 when a check of severity error fails."
)


def path_option(flag: str, dest: str, help: str, *, required: bool = False) -> Callable[[FC], FC]:
    """An option naming a file: the run report, the quality rules."""
    return click.option(flag, dest, type=click.Path(path_type=Path), required=required, help=help)


REPORT = path_option("--report", "report_path", "Run report (JSON); default: <out>.report.json.")


def store_failures(command: Any) -> Any:
    """``--store-failures DIR``, for the commands that run quality rules."""
    return click.option(
        "--store-failures",
        "failures_dir",
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="Write the rows that fail the rules, with the rule and row number, as Parquet: "
        "DIR/<name>.failures.parquet.",
    )(command)


def xlsx_option(command: Any) -> Any:
    """``--xlsx report.xlsx``: the workbook for the mapping sheet's owners."""
    return click.option(
        "--xlsx",
        "xlsx_path",
        metavar="REPORT.xlsx",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also write an Excel workbook of what to fix in the sheet, and where.",
    )(command)


def xlsx_target(path: Path | None) -> Path | None:
    """The ``--xlsx`` path, which must end in ``.xlsx``."""
    if path is not None and path.suffix.lower() != ".xlsx":
        raise InvalidSpecError(f"--xlsx {path}: the workbook's name must end in .xlsx")
    return path


def input_options(command: Any) -> Any:
    """``--schema`` and ``--fail-on-rejected``, shared by the commands that read INPUTS."""
    command = click.option(
        "--fail-on-rejected", is_flag=True, help="Exit 1 when the JSON reader set records aside."
    )(command)
    return click.option(
        "--schema",
        "schema_path",
        type=click.Path(path_type=Path),
        help='Columns and types of JSON and CSV inputs: {"column": "pyarrow type"} (JSON).',
    )(command)


_STANDARD = click.option(
    "--standard",
    default="us_epa_2024",
    show_default=True,
    help="A standard name (see pt.aqi.standard_names()) or a custom standard .json file.",
)
_UNIT = click.option(
    "--unit",
    "units",
    multiple=True,
    metavar="MEASURE=UNIT",
    help="Unit of a measure's column (repeatable).",
)
_BEYOND = click.option(
    "--beyond",
    type=click.Choice(get_args(Beyond)),
    default=None,
    help="Above the top of a table (default: the standard's own).",
)
_TEMPERATURE = click.option(
    "--temperature",
    type=click.Choice(["20", "25"]),
    default=None,
    help="Degrees C of ug/m3 <-> ppb conversions (default: the standard's own).",
)


def standard_options(command: Any) -> Any:
    """``--standard``, ``--unit``, ``--beyond`` and ``--temperature`` (the AQI commands)."""
    return _STANDARD(_UNIT(_BEYOND(_TEMPERATURE(command))))


_ON_UNMAPPED = click.option(
    "--on-unmapped", type=click.Choice(get_args(OnUnmapped)), default="null", show_default=True
)
_DEFAULT = click.option(
    "--default", "default_value", help="The value for unmapped inputs with --on-unmapped default."
)
_NORMALIZE = click.option(
    "--normalize", is_flag=True, help="Trim, case-fold and NFKC sheet keys and data alike."
)


INCLUDE_HIDDEN = click.option(
    "--include-hidden",
    is_flag=True,
    help="Also read the sheet's hidden worksheets (skipped by default, with a warning).",
)


def unmapped_options(command: Any) -> Any:
    """``--on-unmapped``, ``--default`` and ``--normalize`` (the commands that map values)."""
    return _ON_UNMAPPED(_DEFAULT(_NORMALIZE(command)))


def aqi_options(
    standard: Any, units: tuple[str, ...], beyond: Beyond | None, temperature: str | None
) -> dict[str, Any]:
    """The :class:`~pollutrack.aqi.AqiOptions` of :func:`standard_options`' values."""
    from pollutrack.cli import arguments

    return {
        "standard": standard,
        "units": arguments.pairs(units, "--unit"),
        "beyond": beyond,
        "temperature": int(temperature) if temperature else None,
    }
