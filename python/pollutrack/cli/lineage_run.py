"""A command's OpenLineage run: START when it starts, COMPLETE or FAIL (with the error) at the end.

Lineage is on with ``--lineage PATH_OR_URL``, or without it when the OpenLineage client's own
configuration names a transport (``OPENLINEAGE_URL``, ``OPENLINEAGE_CONFIG``, an
``OPENLINEAGE__TRANSPORT__*`` variable, or an ``openlineage.yml`` in the working folder or
``~/.openlineage``); ``OPENLINEAGE_DISABLED=true`` turns it off. ``--lineage`` without the
``lineage`` extra is a usage error naming the extra; a configuration in the environment without
it is a warning, and the run goes on without events.

Sending is never what fails a run: an event that cannot be sent (server down, bad answer) is a
one-line warning on stderr and the exit status is the run's own. A lineage file is an event
log: each event is appended as one line of JSON, never rewritten.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import click

from pollutrack import lineage

#: Variables by which the OpenLineage client's own configuration names a transport.
_CONFIG_VARIABLES = ("OPENLINEAGE_URL", "OPENLINEAGE_CONFIG")


def lineage_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--lineage`` and ``--lineage-job``, on every command."""
    command = click.option(
        "--lineage-job",
        metavar="NAME",
        help="The OpenLineage job name (default: pollutrack.<command>).",
    )(command)
    return click.option(
        "--lineage",
        "lineage_target",
        metavar="PATH_OR_URL",
        help="Send OpenLineage START/COMPLETE/FAIL events: an http(s) URL (Marquez ...) or a "
        "file (one JSON event per line, appended). Default: the client's own configuration "
        "(OPENLINEAGE_URL ...). Needs pip install 'pollutrack[lineage]'.",
    )(command)


def _configured() -> str | None:
    """The client configuration that turns lineage on without ``--lineage``, or None."""
    for name in _CONFIG_VARIABLES:
        if os.environ.get(name):
            return name
    if any(k.startswith("OPENLINEAGE__TRANSPORT") for k in os.environ):
        return "OPENLINEAGE__TRANSPORT"
    for path in (Path.cwd() / "openlineage.yml", Path.home() / ".openlineage/openlineage.yml"):
        if path.is_file():
            return str(path)
    return None


def lineage_file(target: str | None) -> Path | None:
    """The file ``--lineage`` appends to (None for a URL or no target), to check as an output."""
    if target is None or target.startswith(("http://", "https://")):
        return None
    return Path(target[len("file://") :] if target.startswith("file://") else target)


class LineageRun:
    """START, then COMPLETE or FAIL, for one command; does nothing when lineage is off."""

    def __init__(self, command: str, target: str | None, job: str | None) -> None:
        """Resolves where events go; ``--lineage`` without the extra is a usage error."""
        self.command = command
        self.job = job or f"pollutrack.{command}"
        self.target = target
        self.run_id: str | None = None
        self.inputs: list[lineage.Dataset] = []
        self.outputs: list[lineage.Dataset] = []
        self._started = False
        self._client: Any = None
        if target is not None and "://" in target:
            scheme = target.split("://", 1)[0].lower()
            if scheme not in ("http", "https", "file"):
                raise click.BadParameter(
                    f"'{target}': give an http(s) URL or a file; other transports ({scheme} ...) "
                    "are set in the OpenLineage client's configuration (OPENLINEAGE_CONFIG)",
                    param_hint="--lineage",
                )
        if os.environ.get("OPENLINEAGE_DISABLED", "").strip().lower() == "true":
            return
        source = target if target is not None else _configured()
        if source is None:
            return
        if not lineage.available():
            if target is not None:
                raise click.UsageError(
                    f"--lineage needs the OpenLineage client: {lineage.INSTALL_HINT}"
                )
            click.echo(
                f"pollutrack: warning: {source} configures OpenLineage, but no events are sent "
                f"without the OpenLineage client: {lineage.INSTALL_HINT}",
                err=True,
            )
            return
        self._client = self._connect()

    @property
    def enabled(self) -> bool:
        """Whether events are sent."""
        return self._client is not None

    @property
    def file(self) -> Path | None:
        """The file events are appended to, if any (checked like an output)."""
        return lineage_file(self.target) if self.enabled else None

    def describe(self) -> dict[str, Any] | None:
        """What the run report records of the lineage run: its id and job, or None."""
        if not self.enabled:
            return None
        return {"run_id": self.run_id, "job": self.job, "target": self.target or "configuration"}

    def _connect(self) -> Any:
        try:
            client = lineage.client(self.target)
        except Exception as exc:  # a bad configuration is the client's, not the run's
            self._warn("no events are sent", exc)
            return None
        self.run_id = lineage.new_run_id()
        return client

    def _warn(self, what: str, exc: BaseException) -> None:
        from pollutrack.cli.errors import one_line

        where = self.target or "the OpenLineage configuration"
        reason = one_line(str(exc)) or type(exc).__name__
        click.echo(f"pollutrack: warning: lineage to {where}: {what} ({reason})", err=True)

    def _send(self, kind: lineage.EventType, error: BaseException | None = None) -> None:
        if self._client is None:
            return
        try:
            event = lineage.run_event(
                kind,
                job=self.job,
                run_id=self.run_id,
                inputs=self.inputs,
                outputs=self.outputs,
                error=error,
            )
            self._client.emit(event)
        except Exception as exc:  # never what fails the run
            self._warn(f"the {kind} event was not sent", exc)

    def start(self, inputs: Sequence[lineage.Dataset], outputs: Sequence[lineage.Dataset]) -> None:
        """Sends START with what the run will read and write."""
        self.inputs, self.outputs = list(inputs), list(outputs)
        self._started = True
        self._send("START")

    def complete(
        self, inputs: Sequence[lineage.Dataset], outputs: Sequence[lineage.Dataset]
    ) -> None:
        """Sends COMPLETE with what the run read and wrote (schemas, counts, checks)."""
        self.inputs, self.outputs = list(inputs), list(outputs)
        self._send("COMPLETE")
        self._close()

    def _close(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            except Exception as exc:
                self._warn("closing the transport failed", exc)
            self._client = None

    def __enter__(self) -> LineageRun:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if error is not None and self._client is not None:
            if not self._started:  # a run that failed before it began still begins
                self._send("START")
            interrupted = isinstance(error, KeyboardInterrupt | click.Abort)
            self._send("ABORT" if interrupted else "FAIL", None if interrupted else error)
        self._close()


def file_datasets(paths: Sequence[Path], **attributes: Any) -> list[lineage.Dataset]:
    """Datasets of local files (each with its own bytes and a file count of 1)."""
    return [lineage.Dataset.file(p, **attributes) for p in paths]


def to_write(paths: Sequence[Path]) -> list[lineage.Dataset]:
    """The outputs a run will write, by name only: what is there now is a previous run's."""
    return [lineage.Dataset(str(p.resolve())) for p in paths]


def lineage_command(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adds ``--lineage``/``--lineage-job`` to a command and runs it in a :class:`LineageRun`.

    The run is passed as ``lineage=``; FAIL is sent for any error the command raises.
    """

    def wrap(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def run(
            *args: Any, lineage_target: str | None, lineage_job: str | None, **kwargs: Any
        ) -> Any:
            with LineageRun(name, lineage_target, lineage_job) as lineage_run:
                return command(*args, lineage=lineage_run, **kwargs)

        return lineage_options(run)

    return wrap
