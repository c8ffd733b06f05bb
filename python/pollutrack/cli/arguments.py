"""What the commands take besides their options' values: INPUTS and the files options name.

Each file an option names (``--sheet``, ``--allowed``, ``--checks``, ``--rules``,
``--standard``, ``--schema``) must exist and be a file; INPUTS are read as one stream with
``files``, and no output may be one of them (``outputs.check_targets``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from pollutrack.exceptions import InvalidSpecError, PollutrackError


def pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``KEY=VALUE`` options as a dict."""
    out = {}
    for v in values:
        key, sep, value = v.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got '{v}'", param_hint=option)
        out[key.strip()] = value.strip()
    return out


def given_file(path: Path | None, option: str) -> Path | None:
    """An option's input file, which must exist and not be a folder."""
    if path is None:
        return None
    if path.is_dir():
        raise InvalidSpecError(f"{option} {path}: is a folder, not a file")
    if not path.exists():
        raise InvalidSpecError(f"{option} {path}: no such file")
    return path


def default_report(out: Path) -> Path:
    """Where a run report goes without ``--report``: ``<out>.report.json``."""
    return out.with_name(out.name + ".report.json")


def load_rules(path: Path) -> list[dict[str, Any]]:
    """A quality rules file (``--checks``, ``--rules``): a JSON list of rule objects.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "rules.json"
        >>> _ = path.write_text('[{"rule": "not_null", "column": "aqi"}, 5]')
        >>> try:
        ...     load_rules(path)
        ... except InvalidSpecError as exc:
        ...     print(str(exc).split(": ", 1)[1])
        rule 2 is 5, not an object like {"rule": "not_null", "column": "aqi"}
    """
    example = '[{"rule": "not_null", "column": "aqi"}]'
    try:
        rules = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InvalidSpecError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(rules, list):
        got = {dict: "an object", str: "a string", bool: "a boolean"}.get(type(rules), "a number")
        got = "null" if rules is None else got
        raise InvalidSpecError(f"{path}: quality rules are a JSON list like {example}, not {got}")
    for i, rule in enumerate(rules, 1):
        if not isinstance(rule, dict):
            raise InvalidSpecError(
                f"{path}: rule {i} is {json.dumps(rule)}, not an object like {example[1:-1]}"
            )
    return rules


def standard(name: str) -> Any:
    """A standard's name, or the custom standard in a ``.json`` file."""
    if not name.lower().endswith(".json"):
        return name
    from pollutrack.aqi import Standard

    path = given_file(Path(name), "--standard")
    assert path is not None
    try:
        return Standard.from_json(path)
    except ValueError as exc:  # pollutrack errors included
        raise InvalidSpecError(f"{path}: {exc}") from exc


def sheet(path: Path, *, include_hidden: bool = False) -> Any:
    """A mapping sheet by its extension: Excel/ODS, CSV or JSON.

    Hidden worksheets of a workbook are skipped unless ``include_hidden`` (``--include-hidden``);
    the ones skipped are named in a one-line warning on stderr.
    """
    from pollutrack.mapping import Mapping

    if path.is_dir():
        raise InvalidSpecError(
            f"--sheet {path}: is a folder; give the mapping sheet's file (.xlsx, .ods, .csv, .json)"
        )
    suffix = path.suffix.lower()
    readers = {".csv": Mapping.from_csv, ".json": Mapping.from_json}
    readers |= dict.fromkeys((".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"), Mapping.from_excel)
    if suffix not in readers:
        raise PollutrackError(f"{path}: a mapping sheet must be .xlsx, .xls, .ods, .csv or .json")
    given_file(path, "--sheet")
    if suffix in (".csv", ".json"):
        return readers[suffix](path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mapping = Mapping.from_excel(path, include_hidden=include_hidden)
    for w in caught:
        message = str(w.message).replace("include_hidden=True", "--include-hidden")
        click.echo(f"pollutrack: warning: {message}", err=True)
    return mapping


class Inputs:
    """The data files of a run, read as one stream, and what the JSON reader set aside."""

    def __init__(
        self,
        inputs: Sequence[str],
        *,
        schema_path: Path | None,
        writing: Sequence[Path],
        folder: Path | None = None,
        others: Sequence[Path | None] = (),
    ) -> None:
        """Expands INPUTS and refuses outputs (``writing``, ``folder``) that are inputs."""
        from pollutrack.cli import files, outputs, schema_file

        path = given_file(schema_path, "--schema")
        self.schema = schema_file.load(path) if path is not None else None
        self.paths, self.skipped = files.expand(inputs)
        read = [*self.paths, *(p for p in [*others, path] if p is not None)]
        outputs.check_targets(writing, read, folder=folder)
        self.rejected = files.Rejected()

    def stream(self) -> Any:
        """Every input as one ``pyarrow.RecordBatchReader``."""
        from pollutrack.cli import files

        return files.read_all(self.paths, self.rejected, self.schema)

    def record(self, report: Any) -> None:
        """Puts the inputs' fingerprints and the files skipped into the run report."""
        from pollutrack.cli import files

        report.inputs = [files.fingerprint(p) for p in self.paths]
        report.skipped = [str(p) for p in self.skipped]

    def counts(self, rows: int) -> dict[str, Any]:
        """Rows in (read plus set aside) and the records set aside, for the run report."""
        return {
            "rows_in": rows + self.rejected.rows,
            "rows_rejected": self.rejected.rows,
            "rejected": self.rejected.reasons(),
        }

    def finish(self, rows: int, out: Path | None, report_path: Path | None) -> None:
        """The closing stderr lines: rows written, records set aside."""
        if out is not None:
            click.echo(f"{rows:,} rows -> {out}", err=True)
        if self.rejected.rows:
            click.echo(self.rejected.summary(report_path), err=True)
