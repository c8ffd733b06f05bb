"""The ``pollutrack`` command line (click): ``aqi``, ``map``, ``drift``, ``check``, ``demo``.

``sql`` lives in ``pollutrack.cli.sql`` and joins the group here; the options several commands
take are declared once in ``pollutrack.cli.options``.

Exit codes: 0 success; 1 checks of severity error failed, values unmapped, drift found or JSON
records set aside (when asked to fail on them); 2 bad usage or unusable input, with a one-line
reason on stderr and no traceback; 3 an internal error (a bug), also one line. See ``errors``.
Every command takes ``--lineage`` (``lineage_run``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pollutrack import __version__
from pollutrack.aqi.options import Beyond
from pollutrack.cli import arguments, checks, options
from pollutrack.cli.errors import CHECKS_FAILED, OK, Main
from pollutrack.cli.lineage_run import LineageRun, file_datasets, lineage_command, to_write
from pollutrack.cli.options import (
    FAIL_ON_CHECKS,
    INCLUDE_HIDDEN,
    OUT,
    PARTITION_BY,
    REPORT,
    path_option,
)
from pollutrack.cli.sql import sql
from pollutrack.exceptions import InvalidSpecError, UnsupportedTypeError
from pollutrack.lineage import Dataset
from pollutrack.mapping import OnUnmapped

if TYPE_CHECKING:
    from pollutrack.aqi import AqiOptions
    from pollutrack.mapping import ApplyOptions


@click.group(cls=Main)
@click.version_option(__version__, prog_name="pollutrack")
def main() -> None:
    """Air quality indices and value mappings on Arrow data."""


@main.command()
@click.option("--standard", default="us_epa_2024", show_default=True, help="AQI standard.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("pollutrack-demo-output"),
    show_default=True,
    help="Folder for the partitioned Parquet and the run report.",
)
@lineage_command("demo")
def demo(standard: str, out: Path, lineage: LineageRun) -> int:
    """Run the main job on the bundled Beijing data, end to end, and query the output."""
    from pollutrack.cli import demo as job
    from pollutrack.mapping import sample_sheet

    sources = file_datasets([job.sample_path(), sample_sheet()])
    lineage.start(sources, to_write([out / "daily"]))
    result = job.run(standard=standard)
    click.echo(job.summary(result))
    report = job.write(result, out, standard=standard)
    daily = Dataset.file(out / "daily", schema=result.daily.schema, rows=result.daily.num_rows)
    daily.checks = result.checks
    lineage.complete(sources, [daily])
    click.echo(f"\nwrote {out / 'daily'} (Parquet, partitioned by year) and {report}")
    try:
        answer = job.answer(job.ask(out))
    except ModuleNotFoundError as exc:
        if exc.name != "duckdb":
            raise
        # DuckDB is an extra: the library and the job do not need it, only this last step.
        click.echo(
            "\nskipped the SQL step: DuckDB is not installed (pip install 'pollutrack[demo]')"
        )
        return OK
    click.echo(f"DuckDB over {out / 'daily'}:\n")
    click.echo(answer)
    return OK


def _kept(*paths: Path | None) -> list[Path]:
    return [p for p in paths if p is not None]


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@OUT
@options.standard_options
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="MEASURE=COLUMN",
    help="Name the column of a measure (repeatable).",
)
@click.option("--subindices", is_flag=True, help="Also write one sub-index column per pollutant.")
@PARTITION_BY
@path_option("--checks", "rules_path", "Quality rules (JSON list) run on the output.")
@FAIL_ON_CHECKS
@options.store_failures
@REPORT
@options.input_options
@lineage_command("aqi")
def aqi(
    inputs: tuple[str, ...],
    out: Path,
    standard: str,
    columns: tuple[str, ...],
    units: tuple[str, ...],
    subindices: bool,
    beyond: Beyond | None,  # as click.Choice checked it
    temperature: str | None,
    partition_by: str | None,
    rules_path: Path | None,
    fail_on_checks: bool,
    report_path: Path | None,
    schema_path: Path | None,
    fail_on_rejected: bool,
    failures_dir: Path | None,
    lineage: LineageRun,
) -> int:
    """Compute the AQI of CSV, Parquet or JSON INPUTS (files, globs or folders)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from tqdm import tqdm

    from pollutrack import aqi as engine
    from pollutrack.cli import files, outputs
    from pollutrack.cli.run_report import RunReport

    aqi_options: AqiOptions = {
        "standard": standard,
        "columns": arguments.pairs(columns, "--column"),
        "units": arguments.pairs(units, "--unit"),
        "subindices": subindices,
        "beyond": beyond,
        "temperature": int(temperature) if temperature else None,
    }
    report = RunReport("aqi", {**aqi_options, "partition_by": partition_by})
    outputs.output_format(out, partition_by)
    report_path = report_path or arguments.default_report(out)
    if failures_dir is not None and rules_path is None:
        raise click.UsageError("--store-failures needs --checks (the rules whose failing rows)")
    if rules_path is not None:  # a bad rules file fails before the data is read
        arguments.given_file(rules_path, "--checks")
        arguments.load_rules(rules_path)
    aqi_options["standard"] = arguments.standard(standard)
    failures = checks.failures_path(failures_dir, out.stem)
    data = arguments.Inputs(
        inputs,
        schema_path=schema_path,
        writing=_kept(None if partition_by else out, report_path, failures, lineage.file),
        folder=out if partition_by else None,
        others=[rules_path, Path(standard) if standard.lower().endswith(".json") else None],
    )
    data.record(report)
    lineage.start(file_datasets(data.paths), to_write(_kept(out, failures)))
    batches = []
    reader = data.stream()
    try:
        stream = engine.compute_stream(reader, **aqi_options)
        with tqdm(desc="rows", unit=" rows", disable=not sys.stderr.isatty()) as bar:
            for batch in stream:
                batches.append(batch)
                bar.update(batch.num_rows)
    except UnsupportedTypeError as exc:
        # A pollutant column read as text: name the CSV line that made it so.
        where = files.explain_text_column(data.paths, exc.column, data.schema)
        if where is None:
            raise
        raise InvalidSpecError(f"{where}; the column '{exc.column}' was read as text") from exc
    table = pa.Table.from_batches(batches, schema=stream.schema)
    report.lap("read_and_compute")
    statuses = pc.value_counts(table["aqi_status"].cast(pa.string())).to_pylist()
    counts = data.counts(table.num_rows)
    report.counts = {
        "rows_in": counts["rows_in"],
        "rows_out": table.num_rows,
        "rows_rejected": counts["rows_rejected"],
        "rejected": counts["rejected"],
        "aqi_status": {s["values"]: s["counts"] for s in statuses},
    }
    report.outputs = outputs.write(table, out, partition_by=partition_by, stamp=report.stamp())
    report.lap("write")
    checked = checks.run(table, rules_path, report, failures=failures, stamp=report.stamp())
    report.lap("checks")
    report.lineage = lineage.describe()
    report.save(report_path)
    data.finish(table.num_rows, out, report_path)
    written = Dataset.file(out, schema=table.schema, rows=table.num_rows, checks=checked.report)
    written.rows_set_aside = data.rejected.rows
    read = file_datasets(data.paths, schema=reader.schema)
    lineage.complete(read, [written, *checked.datasets()])
    failed = (fail_on_checks and not checked.passed) or (fail_on_rejected and data.rejected.rows)
    return CHECKS_FAILED if failed else OK


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@path_option("--rules", "rules_path", "Quality rules: a JSON list of rule objects.", required=True)
@FAIL_ON_CHECKS
@options.store_failures
@path_option("--report", "report_path", "Also write the run report here (JSON).")
@options.input_options
@lineage_command("check")
def check(
    inputs: tuple[str, ...],
    rules_path: Path,
    fail_on_checks: bool,
    report_path: Path | None,
    schema_path: Path | None,
    fail_on_rejected: bool,
    failures_dir: Path | None,
    lineage: LineageRun,
) -> int:
    """Run quality rules over CSV, Parquet or JSON INPUTS."""
    from pollutrack.cli.run_report import RunReport

    report = RunReport("check", {"rules": str(rules_path)})
    arguments.given_file(rules_path, "--rules")
    arguments.load_rules(rules_path)  # a bad rules file fails before the data is read
    failures = checks.failures_path(failures_dir, rules_path.stem)
    data = arguments.Inputs(
        inputs,
        schema_path=schema_path,
        writing=_kept(report_path, failures, lineage.file),
        others=[rules_path],
    )
    data.record(report)
    lineage.start(file_datasets(data.paths), to_write(_kept(failures)))
    table = data.stream().read_all()
    report.counts = data.counts(table.num_rows)
    checked = checks.run(table, rules_path, report, failures=failures, stamp=report.stamp())
    report.lineage = lineage.describe()
    if report_path is not None:
        report.save(report_path)
    data.finish(table.num_rows, None, report_path)
    read = file_datasets(data.paths, schema=table.schema, checks=checked.report)
    lineage.complete(read, checked.datasets())
    failed = (fail_on_checks and not checked.passed) or (fail_on_rejected and data.rejected.rows)
    return CHECKS_FAILED if failed else OK


@main.command("map")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--sheet",
    type=click.Path(path_type=Path),
    required=True,
    help="The mapping sheet (.xlsx, .ods, .csv or .json).",
)
@INCLUDE_HIDDEN
@OUT
@options.unmapped_options
@click.option("--fail-on-unmapped", is_flag=True, help="Exit 1 when any value is unmapped.")
@PARTITION_BY
@REPORT
@options.xlsx_option
@options.input_options
@lineage_command("map")
def map_values(
    inputs: tuple[str, ...],
    sheet: Path,
    include_hidden: bool,
    out: Path,
    on_unmapped: OnUnmapped,  # as click.Choice checked it
    default_value: str | None,
    normalize: bool,
    fail_on_unmapped: bool,
    partition_by: str | None,
    report_path: Path | None,
    xlsx_path: Path | None,
    schema_path: Path | None,
    fail_on_rejected: bool,
    lineage: LineageRun,
) -> int:
    """Translate field values of INPUTS by a mapping sheet; report what is unmapped."""
    from pollutrack.cli import files, outputs
    from pollutrack.cli.run_report import RunReport

    outputs.output_format(out, partition_by)
    report_path = report_path or arguments.default_report(out)
    xlsx_path = options.xlsx_target(xlsx_path)
    mapping = arguments.sheet(sheet, include_hidden=include_hidden)
    report = RunReport(
        "map",
        {
            "sheet": str(sheet),
            "include_hidden": include_hidden,
            "on_unmapped": on_unmapped,
            "normalize": normalize,
            "partition_by": partition_by,
        },
    )
    data = arguments.Inputs(
        inputs,
        schema_path=schema_path,
        writing=_kept(None if partition_by else out, report_path, xlsx_path, lineage.file),
        folder=out if partition_by else None,
        others=[sheet],
    )
    data.record(report)
    report.inputs.append(files.fingerprint(sheet))
    sources = [*file_datasets(data.paths), Dataset.file(sheet)]
    lineage.start(sources, to_write(_kept(out, xlsx_path)))
    table = data.stream().read_all()
    report.lap("read")
    apply_options: ApplyOptions = {
        "on_unmapped": on_unmapped,
        "default": default_value,
        "normalize": normalize or None,
    }
    result = mapping.apply(table, **apply_options)
    report.lap("map")
    counts = data.counts(table.num_rows)
    report.counts = {
        "rows_in": counts["rows_in"],
        "rows_out": result.table.num_rows,
        "rows_rejected": counts["rows_rejected"],
        "rejected": counts["rejected"],
        "fields": result.counts.to_pylist(),
        "unmapped": result.report.to_pylist(),
    }
    report.outputs = outputs.write(
        result.table, out, partition_by=partition_by, stamp=report.stamp()
    )
    if xlsx_path is not None:
        outputs.write_workbook(xlsx_path, mapping, sheet, result=result)
        report.outputs.append(str(xlsx_path))
    report.lap("write")
    report.lineage = lineage.describe()
    report.save(report_path)
    if result.unmapped:
        click.echo(result.summary(), err=True)
    data.finish(table.num_rows, out, report_path)
    written = Dataset.file(out, schema=result.table.schema, rows=result.table.num_rows)
    written.rows_set_aside = data.rejected.rows
    read = [*file_datasets(data.paths, schema=table.schema), Dataset.file(sheet)]
    lineage.complete(read, [written, *file_datasets(_kept(xlsx_path))])
    failed = (fail_on_unmapped and result.unmapped) or (fail_on_rejected and data.rejected.rows)
    return CHECKS_FAILED if failed else OK


@main.command()
@click.option("--sheet", type=click.Path(path_type=Path), required=True, help="The mapping sheet.")
@INCLUDE_HIDDEN
@click.option(
    "--allowed",
    type=click.Path(path_type=Path),
    required=True,
    help="The target system's allowed values: {field: [values]} or its option export (JSON).",
)
@click.option("--fail-on-drift", is_flag=True, help="Exit 1 when the sheet has drifted.")
@options.xlsx_option
@lineage_command("drift")
def drift(
    sheet: Path,
    include_hidden: bool,
    allowed: Path,
    fail_on_drift: bool,
    xlsx_path: Path | None,
    lineage: LineageRun,
) -> int:
    """Compare a mapping sheet with the target system's allowed values."""
    from pollutrack.cli import outputs

    xlsx_path = options.xlsx_target(xlsx_path)
    mapping = arguments.sheet(sheet, include_hidden=include_hidden)
    arguments.given_file(allowed, "--allowed")
    outputs.check_targets(_kept(xlsx_path, lineage.file), [sheet, allowed])
    lineage.start(file_datasets([sheet, allowed]), to_write(_kept(xlsx_path)))
    found = mapping.drift(allowed)
    rows = found.to_pylist()
    for r in rows:
        click.echo("  ".join(f"{k}={v}" for k, v in r.items() if v is not None))
    click.echo(f"{len(rows)} drift rows", err=True)
    if xlsx_path is not None:
        outputs.write_workbook(xlsx_path, mapping, sheet, drift=found)
    lineage.complete(file_datasets([sheet, allowed]), file_datasets(_kept(xlsx_path)))
    return CHECKS_FAILED if fail_on_drift and rows else OK


main.add_command(sql)
