"""Options several commands share.

``--schema`` and ``--fail-on-rejected`` (commands that read INPUTS), ``--store-failures``
(commands that run rules) and ``--xlsx`` (``map`` and ``drift``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pollutrack.exceptions import InvalidSpecError


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
