"""``python -m pollutrack.cli``: the same command line as the ``pollutrack`` script."""

from pollutrack.cli.commands import main

main()
