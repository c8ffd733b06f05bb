"""The run report the command line writes next to its output: the lineage of every output."""

from __future__ import annotations

import datetime as dt
import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from pollutrack import __version__


@dataclass
class RunReport:
    """What a run read, did and wrote; ``save`` writes it as JSON."""

    command: str
    options: dict[str, Any]
    inputs: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    started_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    _clock: float = field(default_factory=time.perf_counter)

    def lap(self, name: str) -> None:
        """Records the seconds since the previous lap under ``name``."""
        now = time.perf_counter()
        self.timings[name] = round(now - self._clock, 6)
        self._clock = now

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
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
            "counts": self.counts,
            "checks": self.checks,
            "outputs": self.outputs,
            "timings_seconds": self.timings,
        }

    def save(self, path: Path) -> None:
        """Writes the report as indented JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2, default=str) + "\n")
