"""The ``pollutrack`` command line: its commands, file handling, run report and the demo job.

``commands`` holds the click commands, ``files`` reads inputs and writes outputs (Parquet, CSV,
JSON), ``run_report`` records what produced an output, ``demo`` is the main job on the bundled
sample data.
"""

from pollutrack.cli.commands import main

__all__ = ["main"]
