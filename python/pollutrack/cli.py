"""The ``pollutrack`` command line (click). Subcommands: ``demo``.

Bad input exits with status 2 and a one-line reason on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pollutrack import __version__
from pollutrack.exceptions import PollutrackError


@click.group()
@click.version_option(__version__, prog_name="pollutrack")
def main() -> None:
    """Air quality indices and value mappings on Arrow data."""


@main.command()
@click.option("--standard", default="us_epa_2024", show_default=True, help="AQI standard.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the daily table here (.parquet or .csv).",
)
def demo(standard: str, out: Path | None) -> None:
    """Run the main job on the bundled Beijing data: hourly PM2.5 -> daily AQI."""
    from pollutrack import demo as job

    try:
        result = job.run(standard=standard)
    except PollutrackError as exc:
        click.echo(f"pollutrack: {exc}", err=True)
        sys.exit(2)
    click.echo(job.summary(result))
    if out is not None:
        _write(result.daily, out)
        click.echo(f"\nwrote {result.daily.num_rows:,} rows to {out}")


def _write(table: object, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    assert isinstance(table, pa.Table)
    if out.suffix == ".csv":
        # CSV has no dictionary type: write the labels as plain strings.
        plain = table.cast(
            pa.schema(
                [
                    pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f
                    for f in table.schema
                ]
            )
        )
        pacsv.write_csv(plain, out)
    else:
        pq.write_table(table, out, compression="zstd")


if __name__ == "__main__":
    main()
