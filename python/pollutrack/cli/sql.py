"""``pollutrack sql QUERY``: a DuckDB query with pollutrack's functions over the files it names.

INPUTS (files, globs or folders of CSV, Parquet or JSON, read as the other commands read them,
JSON through ``pt.io`` with its quarantine) are the table ``input``; ``--table NAME=INPUT``
adds more. The functions of :func:`pollutrack.duckdb.register` are registered with the
command's ``--standard``, ``--unit``, ``--beyond`` and ``--temperature`` (and ``pt_map`` with
``--sheet``). The result is written as the other commands write theirs, with its run report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from pollutrack.aqi.options import Beyond
from pollutrack.cli import arguments
from pollutrack.cli.errors import CHECKS_FAILED, OK
from pollutrack.cli.lineage_run import LineageRun, file_datasets, lineage_command, to_write
from pollutrack.cli.options import (
    INCLUDE_HIDDEN,
    OUT,
    PARTITION_BY,
    REPORT,
    aqi_options,
    input_options,
    standard_options,
    unmapped_options,
)
from pollutrack.exceptions import InvalidSpecError
from pollutrack.lineage import Dataset
from pollutrack.mapping import ApplyOptions, OnUnmapped

#: The table INPUTS become.
INPUT_TABLE = "input"


def tables(inputs: tuple[str, ...], named: tuple[str, ...]) -> dict[str, list[str]]:
    """Table name -> the inputs it reads: INPUTS as ``input``, then each ``--table``.

    Examples:
        >>> tables(("a.csv", "b.csv"), ("stations=meta.json", "old=archive/"))
        {'input': ['a.csv', 'b.csv'], 'stations': ['meta.json'], 'old': ['archive/']}
        >>> tables((), ("1x=a.csv",))
        Traceback (most recent call last):
        ...
        click.exceptions.BadParameter: '1x' is not a table name (letters, digits and _, \
not starting with a digit)
    """
    out: dict[str, list[str]] = {INPUT_TABLE: list(inputs)} if inputs else {}
    for name, path in arguments.pairs(named, "--table").items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise click.BadParameter(
                f"'{name}' is not a table name (letters, digits and _, not starting with a digit)",
                param_hint="--table",
            )
        if name in out:
            raise click.BadParameter(f"the table '{name}' is given twice", param_hint="--table")
        out[name] = [path]
    if not out:
        raise click.UsageError("give INPUTS (the table 'input') or --table NAME=INPUT")
    return out


def _duckdb() -> Any:
    try:
        import duckdb
    except ModuleNotFoundError as exc:
        if exc.name != "duckdb":
            raise
        raise InvalidSpecError(
            "pollutrack sql runs DuckDB, which is not installed: pip install 'pollutrack[sql]'"
        ) from exc
    return duckdb


@click.command("sql")
@click.argument("query")
@click.argument("inputs", nargs=-1)
@click.option(
    "--table",
    "named",
    multiple=True,
    metavar="NAME=INPUT",
    help="Another table of the query: a file, glob or folder (repeatable).",
)
@OUT
@standard_options
@click.option("--sheet", type=click.Path(path_type=Path), help="A mapping sheet for pt_map.")
@INCLUDE_HIDDEN
@unmapped_options
@PARTITION_BY
@REPORT
@input_options
@lineage_command("sql")
def sql(
    query: str,
    inputs: tuple[str, ...],
    named: tuple[str, ...],
    out: Path,
    standard: str,
    units: tuple[str, ...],
    beyond: Beyond | None,  # as click.Choice checked it
    temperature: str | None,
    sheet: Path | None,
    include_hidden: bool,
    on_unmapped: OnUnmapped,  # as click.Choice checked it
    default_value: str | None,
    normalize: bool,
    partition_by: str | None,
    report_path: Path | None,
    schema_path: Path | None,
    fail_on_rejected: bool,
    lineage: LineageRun,
) -> int:
    """Run a DuckDB SQL QUERY with pollutrack's functions over INPUTS (the table 'input').

    For example: pollutrack sql "SELECT station, pt_aqi({'pm25': pm25}) AS aqi FROM input"
    readings.csv -o aqi.parquet
    """
    from pollutrack import duckdb as functions
    from pollutrack.cli import files, outputs
    from pollutrack.cli.run_report import RunReport

    duckdb = _duckdb()
    named_inputs = tables(inputs, named)
    outputs.output_format(out, partition_by)
    report_path = report_path or arguments.default_report(out)
    options = aqi_options(standard, units, beyond, temperature)
    mapping_options: ApplyOptions = {
        "on_unmapped": on_unmapped,
        "default": default_value,
        "normalize": normalize or None,
    }
    report = RunReport(
        "sql",
        {
            "query": query,
            "tables": named_inputs,
            **options,
            "sheet": str(sheet) if sheet else None,
            **(mapping_options if sheet else {}),
            "partition_by": partition_by,
        },
    )
    mapping = arguments.sheet(sheet, include_hidden=include_hidden) if sheet is not None else None
    options["standard"] = arguments.standard(standard)
    con = duckdb.connect()
    functions.register(
        con, mapping=mapping, mapping_options=mapping_options if mapping else None, **options
    )
    others = [sheet, Path(standard) if standard.lower().endswith(".json") else None]
    data = {
        name: arguments.Inputs(
            items,
            schema_path=schema_path,
            writing=[p for p in (None if partition_by else out, report_path, lineage.file) if p],
            folder=out if partition_by else None,
            others=others,
        )
        for name, items in named_inputs.items()
    }
    paths = [p for d in data.values() for p in d.paths]
    sources = [*file_datasets(paths), *file_datasets([sheet] if sheet else [])]
    lineage.start(sources, to_write([out]))
    rows_in = {}
    for name, table_inputs in data.items():
        report.inputs += [files.fingerprint(p) for p in table_inputs.paths]
        report.skipped += [str(p) for p in table_inputs.skipped]
        table = table_inputs.stream().read_all()
        rows_in[name] = table.num_rows
        con.register(name, table)
    if sheet is not None:
        report.inputs.append(files.fingerprint(sheet))
    report.lap("read")
    try:
        result = con.sql(query)
        if result is None:
            raise InvalidSpecError("the query returns no rows; give a SELECT")
        table = result.to_arrow_table()
    except duckdb.Error as exc:
        raise InvalidSpecError(f"SQL: {exc}") from exc
    report.lap("query")
    rejected = sum(d.rejected.rows for d in data.values())
    report.counts = {
        "rows_in": sum(rows_in.values()) + rejected,
        "rows_out": table.num_rows,
        "rows_rejected": rejected,
        "rejected": [r for d in data.values() for r in d.rejected.reasons()],
        "tables": {name: rows_in[name] for name in data},
    }
    report.outputs = outputs.write(table, out, partition_by=partition_by, stamp=report.stamp())
    report.lap("write")
    report.lineage = lineage.describe()
    report.save(report_path)
    written = Dataset.file(out, schema=table.schema, rows=table.num_rows)
    written.rows_set_aside = rejected
    lineage.complete(sources, [written])
    click.echo(f"{table.num_rows:,} rows -> {out}", err=True)
    for d in data.values():
        if d.rejected.rows:
            click.echo(d.rejected.summary(report_path), err=True)
    return CHECKS_FAILED if fail_on_rejected and rejected else OK
