"""The ``pollutrack`` command line: its commands, file handling, run report and the demo job.

``commands`` holds the click commands; ``arguments`` the files options name and INPUTS;
``files`` and ``csv_input`` read inputs (CSV, Parquet, JSON), ``schema_file`` reads
``--schema``; ``outputs`` writes Parquet, CSV and JSON without ever destroying data; ``errors``
turns every failure into one line and an exit status; ``run_report`` records what produced an
output; ``demo`` is the main job on the bundled sample data.
"""

from pollutrack.cli.commands import main

__all__ = ["main"]
