"""The run report the command line writes next to its output: the lineage of every output."""

from __future__ import annotations

import datetime as dt
import json
import math
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from pollutrack import __version__
from pollutrack.cli.outputs import replacing


@dataclass
class RunReport:
    """What a run read, did and wrote; ``save`` writes it as JSON.

    ``skipped`` are the files of folder inputs left out as written by pollutrack (run
    reports, and previous outputs when the run writes into that folder).
    """

    command: str
    options: dict[str, Any]
    inputs: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: The failing-rows file of ``--store-failures``, and the OpenLineage run (id, job).
    failures: str | None = None
    lineage: dict[str, Any] | None = None
    started_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    _clock: float = field(default_factory=time.perf_counter)

    def lap(self, name: str) -> None:
        """Records the seconds since the previous lap under ``name``."""
        now = time.perf_counter()
        self.timings[name] = round(now - self._clock, 6)
        self._clock = now

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        extra: dict[str, Any] = {}
        if self.failures is not None:
            extra["failures"] = self.failures
        if self.lineage is not None:
            extra["lineage"] = self.lineage
        return {
            "command": self.command,
            "started_at": self.started_at,
            "finished_at": dt.datetime.now(dt.UTC).isoformat(),
            "versions": {
                "pollutrack": __version__,
                "pyarrow": pa.__version__,
                "python": platform.python_version(),
            },
            "options": self.options,
            "inputs": self.inputs,
            "inputs_skipped": self.skipped,
            "counts": self.counts,
            "checks": self.checks,
            "outputs": self.outputs,
            "timings_seconds": self.timings,
            **extra,
        }

    def stamp(self) -> dict[str, Any]:
        """What a Parquet output records of the run that wrote it (``pollutrack_cli`` key)."""
        return {"command": self.command, "pollutrack": __version__, "started_at": self.started_at}

    def save(self, path: Path) -> None:
        """Writes the report as indented JSON, renamed into place when complete."""
        text = json.dumps(_finite(self.as_dict()), indent=2, default=str, allow_nan=False)
        try:
            with replacing(path) as tmp:
                tmp.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise OSError(f"{path}: cannot be written: {exc}") from exc


def _finite(value: Any) -> Any:
    """``value`` with NaN and +-inf as None, at any depth: strict JSON has no such numbers.

    Examples:
        >>> _finite({"a": [1.0, float("nan")], "b": float("inf")})
        {'a': [1.0, None], 'b': None}
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
