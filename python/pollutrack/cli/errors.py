"""Exit codes and the one place where an error becomes a one-line reason on stderr.

Every failure of a command ends here: a ``pollutrack`` error, a file error (``OSError``), a
``ValueError`` (JSON decoding included), any ``pyarrow`` error and click's usage errors are
printed as ``pollutrack: <reason>`` on one line with exit status 2. Anything else is a bug in
pollutrack: it prints a one-line ``internal error`` asking for a report, with exit status 3.
``POLLUTRACK_DEBUG=1`` lets the original exception (and its traceback) through instead.

Examples:
    >>> from pollutrack.exceptions import InvalidSpecError
    >>> describe(InvalidSpecError("rules.json: rule 2 is 5, not an object"))
    (2, 'pollutrack: rules.json: rule 2 is 5, not an object')
    >>> describe(FileNotFoundError(2, "No such file or directory", "a.csv"))
    (2, "pollutrack: [Errno 2] No such file or directory: 'a.csv'")
    >>> code, line = describe(AttributeError("'int' object has no attribute 'get'"))
    >>> code, line.split(";")[0]
    (3, "pollutrack: internal error (AttributeError: 'int' object has no attribute 'get')")
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click
import pyarrow as pa

#: Exit statuses: success; checks failed, values unmapped, drift found or records set aside
#: (when asked to fail on them); bad usage or unusable input; a bug in pollutrack; Ctrl-C.
OK, CHECKS_FAILED, BAD_INPUT, INTERNAL_ERROR, INTERRUPTED = 0, 1, 2, 3, 130

#: Errors that come from the input, the options or the machine, not from a bug.
INPUT_ERRORS: tuple[type[BaseException], ...] = (ValueError, OSError, pa.ArrowException)


def one_line(text: str) -> str:
    r"""A message on one line: its non-blank lines joined by ``" | "``.

    Examples:
        >>> one_line("Unable to merge:\n  Field a has incompatible types\n")
        'Unable to merge: | Field a has incompatible types'
    """
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())


def describe(exc: BaseException) -> tuple[int, str]:
    """The exit status and the one-line reason for an exception a command raised."""
    if isinstance(exc, click.UsageError):
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        return BAD_INPUT, f"pollutrack: {one_line(exc.format_message())}{hint}"
    if isinstance(exc, click.ClickException):
        return exc.exit_code, f"pollutrack: {one_line(exc.format_message())}"
    if isinstance(exc, KeyboardInterrupt | click.Abort):
        return INTERRUPTED, "pollutrack: interrupted"
    if isinstance(exc, MemoryError):
        return BAD_INPUT, "pollutrack: out of memory"
    if isinstance(exc, INPUT_ERRORS):
        return BAD_INPUT, f"pollutrack: {one_line(str(exc)) or type(exc).__name__}"
    detail = one_line(str(exc))
    return INTERNAL_ERROR, (
        f"pollutrack: internal error ({type(exc).__name__}{': ' + detail if detail else ''}); "
        "this is a bug, please report it with the command you ran "
        "(POLLUTRACK_DEBUG=1 shows the traceback)"
    )


def fail(exc: BaseException) -> NoReturn:
    """Prints the reason for ``exc`` and exits with its status."""
    if os.environ.get("POLLUTRACK_DEBUG") == "1":
        raise exc
    code, line = describe(exc)
    click.echo(line, err=True)
    sys.exit(code)


class Main(click.Group):
    """The ``pollutrack`` group: commands return their exit status; errors go to :func:`fail`."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Runs the command line; with ``standalone_mode=False`` exactly as click does."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except SystemExit:
            raise
        except BaseException as exc:  # every error ends as one line
            fail(exc)
        sys.exit(status or OK)
