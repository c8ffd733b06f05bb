"""The timing rule the benches share: best of at least ``repeat`` runs and of as many more as fit
in ``MIN_SECONDS``, the same for every tool (as ``timeit`` does).

Why: on this shared 2-core machine the wall time of a short parallel call is bimodal at constant
CPU time (measured: the same call took 9.7 ms or 18 ms for 18 ms of CPU), depending on whether
both cores are free at once. Three samples of an 80 ms call can all land in one slow stretch; a
second of samples rarely does. Tools slower than ``MIN_SECONDS`` still get ``repeat`` runs.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

MIN_SECONDS = 1.0  # every tool keeps running until it has been timed for this long


def best_of(fn: Callable[[], Any], repeat: int, *, warm_up: bool = False) -> float:
    """Best wall time of ``fn()``, garbage collected before and paused during each run."""
    if warm_up:
        fn()
    best = float("inf")
    runs, spent = 0, 0.0
    while runs < repeat or spent < MIN_SECONDS:
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - start
        finally:
            gc.enable()
        best = min(best, elapsed)
        runs, spent = runs + 1, spent + elapsed
        del result
    return best
