"""The thread count: bounded, and bad values rejected with a message, never ignored."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pollutrack as pt
import pytest


@pytest.fixture
def restore_threads() -> Iterator[None]:
    before = pt.get_num_threads()
    yield
    pt.set_num_threads(before)


def _limit() -> int:
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.set_num_threads(0)
    found = re.search(r"from 1 to (\d+) \(4 per CPU, at least 8\), not 0$", str(err.value))
    assert found, str(err.value)
    return int(found.group(1))


def test_the_limit_is_four_per_cpu_at_least_eight(restore_threads: None) -> None:
    limit = _limit()
    assert limit == max(8, 4 * len(os.sched_getaffinity(0)))
    pt.set_num_threads(limit)
    assert pt.get_num_threads() == limit
    with pytest.raises(pt.InvalidSpecError, match=rf"from 1 to {limit} .*, not {limit + 1}$"):
        pt.set_num_threads(limit + 1)
    with pytest.raises(pt.InvalidSpecError, match=r"not 20000$"):
        pt.set_num_threads(20000)
    assert pt.get_num_threads() == limit  # a refused count leaves the pool as it was


@pytest.mark.parametrize("bad", [0, -1])
def test_counts_below_one_are_refused(bad: int, restore_threads: None) -> None:
    with pytest.raises(pt.InvalidSpecError, match=rf"the thread count must be .*, not {bad}$"):
        pt.set_num_threads(bad)


@pytest.mark.parametrize("bad", [1.5, "4"])
def test_a_count_that_is_not_an_integer_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        pt.set_num_threads(bad)  # type: ignore[arg-type]


def _import_with(value: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POLLUTRACK_NUM_THREADS": value}
    code = "import pollutrack as pt; print(pt.get_num_threads())"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_the_environment_sets_the_starting_count() -> None:
    proc = _import_with(" 3 ")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "3"


def test_an_empty_environment_value_means_one_thread_per_cpu() -> None:
    proc = _import_with("")
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "1000"])
def test_a_bad_environment_value_fails_the_import_naming_it(value: str) -> None:
    proc = _import_with(value)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("pollutrack.exceptions.InvalidSpecError: POLLUTRACK_NUM_THREADS=")
    assert f'POLLUTRACK_NUM_THREADS="{value}" must be a whole number of threads from 1 to' in last
