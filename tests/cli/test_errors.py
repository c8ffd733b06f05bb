"""Every failure is one line on stderr: exit 2 for bad input or usage, 3 for a bug, never a
traceback; run through a real process as a user runs it."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from pollutrack.cli import files, main
from pollutrack.mapping import sample_sheet

Run = Callable[..., tuple[int, str, str]]
Process = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def bad(tmp_path: Path) -> dict[str, Path]:
    """Files of the wrong shape: rules that are an object, a CSV row that misfits a schema."""
    paths = {
        "rules": tmp_path / "rules.json",
        "schema": tmp_path / "schema.json",
        "csv": tmp_path / "r.csv",
        "folder": tmp_path / "sheets",
    }
    paths["rules"].write_text('{"rule": "not_null"}')
    paths["schema"].write_text('{"pm25": "int64"}')
    paths["csv"].write_text("pm25\n5\n7.5\n")
    paths["folder"].mkdir()
    return paths


def commands(bad: dict[str, Path], out: Path) -> list[tuple[list[object], str]]:
    """Each command with a bad input, and the start of its one-line reason."""
    sheet = sample_sheet()
    return [
        (["aqi", bad["csv"], "-o", out, "--schema", bad["schema"]], f"{bad['csv']}: line 3, "),
        (["aqi", bad["csv"]], "Missing option '--out' / '-o'."),
        (["map", bad["csv"], "--sheet", bad["folder"], "-o", out], f"--sheet {bad['folder']}: "),
        (["check", bad["csv"], "--rules", bad["rules"]], f"{bad['rules']}: quality rules"),
        (["drift", "--sheet", sheet, "--allowed", bad["folder"]], f"--allowed {bad['folder']}:"),
        (["demo", "--out", bad["csv"]], "Invalid value for '--out': Directory"),
        (["nope"], "No such command 'nope'."),
    ]


def test_each_command_fails_on_one_line_in_a_real_process(
    cli_process: Process, bad: dict[str, Path], tmp_path: Path
) -> None:
    cases = commands(bad, tmp_path / "o.parquet")
    with ThreadPoolExecutor(4) as pool:  # the processes start in parallel
        procs = list(pool.map(lambda case: cli_process(*case[0]), cases))
    for (args, reason), proc in zip(cases, procs, strict=True):
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stdout == "" and "Traceback" not in proc.stderr
        (line,) = proc.stderr.splitlines()
        assert line.startswith(f"pollutrack: {reason}"), (args, line)
    assert not (tmp_path / "o.parquet").exists()


def test_the_exact_reasons(cli: Run, bad: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "o.parquet"
    assert cli("aqi", bad["csv"], "-o", out, "--schema", bad["schema"])[2] == (
        f"pollutrack: {bad['csv']}: line 3, column 'pm25': '7.5' does not convert to int64\n"
    )
    assert cli("aqi", bad["csv"])[2] == (
        "pollutrack: Missing option '--out' / '-o'. (see 'main aqi --help')\n"
    )
    assert cli("demo", "--out", bad["csv"])[2] == (
        f"pollutrack: Invalid value for '--out': Directory '{bad['csv']}' is a file. "
        "(see 'main demo --help')\n"
    )


def test_a_bug_is_one_line_asking_for_a_report(
    monkeypatch: pytest.MonkeyPatch, cli: Run, stations: Path, tmp_path: Path
) -> None:
    def broken(inputs: object) -> object:
        raise AttributeError("'int' object has no attribute 'get'")

    monkeypatch.setattr(files, "expand", broken)
    assert cli("aqi", stations, "-o", tmp_path / "o.parquet") == (
        3,
        "",
        "pollutrack: internal error (AttributeError: 'int' object has no attribute 'get'); "
        "this is a bug, please report it with the command you ran "
        "(POLLUTRACK_DEBUG=1 shows the traceback)\n",
    )
    monkeypatch.setenv("POLLUTRACK_DEBUG", "1")
    result = CliRunner().invoke(main, ["aqi", str(stations), "-o", str(tmp_path / "o.parquet")])
    assert isinstance(result.exception, AttributeError)


def test_an_interrupt_exits_130(
    monkeypatch: pytest.MonkeyPatch, cli: Run, stations: Path, tmp_path: Path
) -> None:
    def interrupted(inputs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "expand", interrupted)
    code, _, err = cli("aqi", stations, "-o", tmp_path / "o.parquet")
    assert (code, err.strip()) == (130, "pollutrack: interrupted")


def test_help_and_version_still_exit_0(cli: Run) -> None:
    code, out, _ = cli("aqi", "--help")
    assert code == 0 and "--fail-on-rejected" in out and "--schema" in out
    code, out, _ = cli("--version")
    assert code == 0 and out.startswith("pollutrack, version ")
