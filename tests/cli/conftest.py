"""Runners for the command line: in-process (click's CliRunner) and as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pollutrack.cli import main


def invoke(*args: Any) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``pollutrack ARGS`` run in this process."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def subprocess_run(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``python -m pollutrack.cli ARGS`` in a real process (its own stderr, exit status)."""
    return subprocess.run(
        [sys.executable, "-m", "pollutrack.cli", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )


@pytest.fixture
def cli() -> Callable[..., tuple[int, str, str]]:
    """``cli("aqi", path, "-o", out)`` -> (exit code, stdout, stderr)."""
    return invoke


@pytest.fixture
def cli_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``cli_process("aqi", path, "-o", out, **subprocess_kwargs)`` -> CompletedProcess."""
    return subprocess_run


@pytest.fixture
def stations(tmp_path: Path) -> Path:
    """A CSV of two stations: station, date, pm25 (AQI 28, 112, null, 509)."""
    path = tmp_path / "stations.csv"
    path.write_text(
        "station,date,pm25\n"
        "A,2024-01-01,5.0\n"
        "A,2024-01-02,40.0\n"
        "B,2024-01-01,\n"
        "B,2024-01-02,330.0\n"
    )
    return path
