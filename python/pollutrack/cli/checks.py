"""Quality rules on a command's data: the verdict by severity, and the failing rows on disk.

Only rules of severity ``error`` decide the verdict (``--fail-on-checks`` then exits 1); a rule
of severity ``warn`` that fails is printed as ``WARN``. With ``--store-failures DIR`` the
failing rows (see ``pt.quality.failures``) are written to ``DIR/<name>.failures.parquet``, to
a temporary name first and renamed into place, as every output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pollutrack.cli import arguments
from pollutrack.exceptions import InvalidSpecError, PollutrackError


def failures_path(folder: Path | None, name: str) -> Path | None:
    """Where ``--store-failures`` writes the failing rows of a run named ``name``."""
    return None if folder is None else folder / f"{name}.failures.parquet"


class Checked:
    """The outcome of a rules file on a table."""

    def __init__(self, report: Any, failures: Path | None) -> None:
        self.report = report
        #: The failing-rows file written, or None.
        self.failures = failures

    @property
    def passed(self) -> bool:
        """Every rule of severity error passed (no rules: True)."""
        return self.report is None or bool(self.report.passed)

    def datasets(self) -> list[Any]:
        """The failing-rows file as a lineage output, if one was written."""
        if self.failures is None:
            return []
        from pollutrack.lineage import Dataset

        rows = self.report.failures
        assert rows is not None  # written only when collected
        return [Dataset.file(self.failures, schema=rows.schema, rows=rows.num_rows)]


def run(
    table: Any,
    rules_path: Path | None,
    report: Any,
    *,
    failures: Path | None = None,
    stamp: dict[str, Any] | None = None,
) -> Checked:
    """Runs the rules file on ``table``; prints one line per rule; writes the failing rows."""
    if rules_path is None:
        return Checked(None, None)
    from pollutrack import quality
    from pollutrack.cli import outputs

    rules = arguments.load_rules(rules_path)  # read again: the file was checked at the start
    try:
        result = quality.check(table, rules, failures=failures is not None)
    except PollutrackError as exc:
        raise InvalidSpecError(f"{rules_path}: {exc}") from exc
    report.checks = result.to_pylist()
    for row in report.checks:
        mark = "ok  " if row["passed"] else ("WARN" if row["severity"] == "warn" else "FAIL")
        click.echo(
            f"  {mark} {row['rule']:<16} {row['column'] or '':<20} {row['detail']}", err=True
        )
    if failures is not None and result.failures is not None:
        outputs.write(result.failures, failures, stamp=stamp)
        report.failures = str(failures)
        rows = result.failures.num_rows
        click.echo(f"{rows:,} failing rows -> {failures}", err=True)
    return Checked(result, failures)
