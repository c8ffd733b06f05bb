"""The ``pollutrack`` command line (click): ``aqi``, ``map``, ``drift``, ``check``, ``demo``.

Exit codes: 0 success; 1 checks failed, values unmapped or drift found (when asked to fail on
them); 2 bad usage or unreadable input, with a one-line reason on stderr and no traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import click
from click.decorators import FC

from pollutrack import __version__
from pollutrack.aqi.options import Beyond
from pollutrack.exceptions import PollutrackError
from pollutrack.mapping import OnUnmapped

if TYPE_CHECKING:
    from pollutrack.aqi import AqiOptions
    from pollutrack.mapping import ApplyOptions

OK, CHECKS_FAILED, BAD_INPUT = 0, 1, 2


def reasons(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turns pollutrack and file errors into a one-line reason and exit status 2."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            status = command(*args, **kwargs)
        except (PollutrackError, OSError) as exc:
            click.echo(f"pollutrack: {exc}", err=True)
            sys.exit(BAD_INPUT)
        sys.exit(status or OK)

    return run


def pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``KEY=VALUE`` options as a dict."""
    out = {}
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got '{v}'", param_hint=option)
        out[key.strip()] = value.strip()
    return out


# Options more than one command takes, declared once.
_PARTITION_BY = click.option(
    "--partition-by", metavar="COLUMN", help="Hive-partition Parquet by this column."
)
_FAIL_ON_CHECKS = click.option("--fail-on-checks", is_flag=True, help="Exit 1 when a check fails.")


def _path_option(flag: str, dest: str, help: str, *, required: bool = False) -> Callable[[FC], FC]:
    """An option naming a file: the run report, the quality rules."""
    return click.option(flag, dest, type=click.Path(path_type=Path), required=required, help=help)


_REPORT = _path_option("--report", "report_path", "Run report (JSON); default: <out>.report.json.")


@click.group()
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
@reasons
def demo(standard: str, out: Path) -> int:
    """Run the main job on the bundled Beijing data, end to end, and query the output."""
    from pollutrack.cli import demo as job

    result = job.run(standard=standard)
    click.echo(job.summary(result))
    report = job.write(result, out, standard=standard)
    click.echo(f"\nwrote {out / 'daily'} (Parquet, partitioned by year) and {report}")
    click.echo(f"DuckDB over {out / 'daily'}:\n")
    click.echo(job.answer(job.ask(out)))
    return OK


def _checks(table: Any, rules_path: Path | None, report: Any) -> bool:
    """Runs the rules file on the output; True when every rule passed."""
    if rules_path is None:
        return True
    from pollutrack import quality

    try:
        rules = json.loads(rules_path.read_text())
    except json.JSONDecodeError as exc:
        raise PollutrackError(f"{rules_path}: not JSON: {exc}") from exc
    result = quality.check(table, rules).to_pylist()
    report.checks = result
    for row in result:
        mark = "ok  " if row["passed"] else "FAIL"
        click.echo(
            f"  {mark} {row['rule']:<16} {row['column'] or '':<20} {row['detail']}", err=True
        )
    return all(row["passed"] for row in result)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="Output: .parquet (default), .csv or .json; a folder with --partition-by.",
)
@click.option(
    "--standard",
    default="us_epa_2024",
    show_default=True,
    help="A standard name (see pt.aqi.standard_names()) or a custom standard .json file.",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="MEASURE=COLUMN",
    help="Name the column of a measure (repeatable).",
)
@click.option(
    "--unit",
    "units",
    multiple=True,
    metavar="MEASURE=UNIT",
    help="Unit of a measure's column (repeatable).",
)
@click.option("--subindices", is_flag=True, help="Also write one sub-index column per pollutant.")
@click.option(
    "--beyond",
    type=click.Choice(get_args(Beyond)),
    default=None,
    help="Above the top of a table (default: the standard's own).",
)
@click.option(
    "--temperature",
    type=click.Choice(["20", "25"]),
    default=None,
    help="Degrees C of ug/m3 <-> ppb conversions (default: the standard's own).",
)
@_PARTITION_BY
@_path_option("--checks", "rules_path", "Quality rules (JSON list) run on the output.")
@_FAIL_ON_CHECKS
@_REPORT
@reasons
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
) -> int:
    """Compute the AQI of CSV, Parquet or JSON INPUTS (files, globs or folders)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from tqdm import tqdm

    from pollutrack import aqi as engine
    from pollutrack.cli import files
    from pollutrack.cli.run_report import RunReport

    options: AqiOptions = {
        "standard": standard,
        "columns": pairs(columns, "--column"),
        "units": pairs(units, "--unit"),
        "subindices": subindices,
        "beyond": beyond,
        "temperature": int(temperature) if temperature else None,
    }
    report = RunReport("aqi", {**options, "partition_by": partition_by})
    if standard.endswith(".json"):  # a custom standard's file
        options["standard"] = engine.Standard.from_json(Path(standard))
    paths = files.expand(inputs)
    report.inputs = [files.fingerprint(p) for p in paths]
    rejected = files.Rejected()
    stream = engine.compute_stream(files.read_all(paths, rejected), **options)
    batches = []
    with tqdm(desc="rows", unit=" rows", disable=not sys.stderr.isatty()) as bar:
        for batch in stream:
            batches.append(batch)
            bar.update(batch.num_rows)
    table = pa.Table.from_batches(batches, schema=stream.schema)
    report.lap("read_and_compute")
    statuses = pc.value_counts(table["aqi_status"].cast(pa.string())).to_pylist()
    report.counts = {
        "rows_in": table.num_rows + rejected.rows,
        "rows_out": table.num_rows,
        "rows_rejected": rejected.rows,
        "rejected": rejected.reasons(),
        "aqi_status": {s["values"]: s["counts"] for s in statuses},
    }
    report.outputs = files.write(table, out, partition_by=partition_by)
    report.lap("write")
    passed = _checks(table, rules_path, report)
    report.lap("checks")
    report.save(report_path or out.with_name(out.name + ".report.json"))
    click.echo(f"{table.num_rows:,} rows -> {out}", err=True)
    return CHECKS_FAILED if fail_on_checks and not passed else OK


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@_path_option("--rules", "rules_path", "Quality rules: a JSON list of rule objects.", required=True)
@_FAIL_ON_CHECKS
@_path_option("--report", "report_path", "Also write the run report here (JSON).")
@reasons
def check(
    inputs: tuple[str, ...], rules_path: Path, fail_on_checks: bool, report_path: Path | None
) -> int:
    """Run quality rules over CSV, Parquet or JSON INPUTS."""
    from pollutrack.cli import files
    from pollutrack.cli.run_report import RunReport

    report = RunReport("check", {"rules": str(rules_path)})
    paths = files.expand(inputs)
    report.inputs = [files.fingerprint(p) for p in paths]
    table = files.read_all(paths).read_all()
    report.counts = {"rows_in": table.num_rows}
    passed = _checks(table, rules_path, report)
    if report_path is not None:
        report.save(report_path)
    return CHECKS_FAILED if fail_on_checks and not passed else OK


def _sheet(path: Path) -> Any:
    """A mapping sheet by its extension: Excel/ODS, CSV or JSON."""
    from pollutrack.mapping import Mapping

    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        return Mapping.from_excel(path)
    if suffix == ".csv":
        return Mapping.from_csv(path)
    if suffix == ".json":
        return Mapping.from_json(path)
    raise PollutrackError(f"{path}: a mapping sheet must be .xlsx, .xls, .ods, .csv or .json")


@main.command("map")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--sheet",
    type=click.Path(path_type=Path),
    required=True,
    help="The mapping sheet (.xlsx, .ods, .csv or .json).",
)
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True)
@click.option(
    "--on-unmapped",
    type=click.Choice(get_args(OnUnmapped)),
    default="null",
    show_default=True,
)
@click.option(
    "--default", "default_value", help="The value for unmapped inputs with --on-unmapped default."
)
@click.option(
    "--normalize", is_flag=True, help="Trim, case-fold and NFKC sheet keys and data alike."
)
@click.option("--fail-on-unmapped", is_flag=True, help="Exit 1 when any value is unmapped.")
@_PARTITION_BY
@_REPORT
@reasons
def map_values(
    inputs: tuple[str, ...],
    sheet: Path,
    out: Path,
    on_unmapped: OnUnmapped,  # as click.Choice checked it
    default_value: str | None,
    normalize: bool,
    fail_on_unmapped: bool,
    partition_by: str | None,
    report_path: Path | None,
) -> int:
    """Translate field values of INPUTS by a mapping sheet; report what is unmapped."""
    from pollutrack.cli import files
    from pollutrack.cli.run_report import RunReport

    mapping = _sheet(sheet)
    report = RunReport(
        "map",
        {
            "sheet": str(sheet),
            "on_unmapped": on_unmapped,
            "normalize": normalize,
            "partition_by": partition_by,
        },
    )
    paths = files.expand(inputs)
    report.inputs = [files.fingerprint(p) for p in [*paths, sheet]]
    rejected = files.Rejected()
    table = files.read_all(paths, rejected).read_all()
    report.lap("read")
    options: ApplyOptions = {
        "on_unmapped": on_unmapped,
        "default": default_value,
        "normalize": normalize or None,
    }
    result = mapping.apply(table, **options)
    report.lap("map")
    report.counts = {
        "rows_in": table.num_rows + rejected.rows,
        "rows_out": result.table.num_rows,
        "rows_rejected": rejected.rows,
        "rejected": rejected.reasons(),
        "fields": result.counts.to_pylist(),
        "unmapped": result.report.to_pylist(),
    }
    report.outputs = files.write(result.table, out, partition_by=partition_by)
    report.lap("write")
    report.save(report_path or out.with_name(out.name + ".report.json"))
    if result.unmapped:
        click.echo(result.summary(), err=True)
    click.echo(f"{table.num_rows:,} rows -> {out}", err=True)
    return CHECKS_FAILED if fail_on_unmapped and result.unmapped else OK


@main.command()
@click.option("--sheet", type=click.Path(path_type=Path), required=True, help="The mapping sheet.")
@click.option(
    "--allowed",
    type=click.Path(path_type=Path),
    required=True,
    help="The target system's allowed values: {field: [values]} or its option export (JSON).",
)
@click.option("--fail-on-drift", is_flag=True, help="Exit 1 when the sheet has drifted.")
@reasons
def drift(sheet: Path, allowed: Path, fail_on_drift: bool) -> int:
    """Compare a mapping sheet with the target system's allowed values."""
    rows = _sheet(sheet).drift(allowed).to_pylist()
    for r in rows:
        click.echo("  ".join(f"{k}={v}" for k, v in r.items() if v is not None))
    click.echo(f"{len(rows)} drift rows", err=True)
    return CHECKS_FAILED if fail_on_drift and rows else OK
