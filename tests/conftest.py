"""Markers by folder: ``spark`` (tests/spark), ``notebook`` (tests/notebooks).

``pytest -m "not spark and not notebook and not slow"`` is the fast set; the README's test
command runs everything.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_BY_FOLDER = {"spark": pytest.mark.spark, "notebooks": pytest.mark.notebook}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.path)).parent.name
        mark = _BY_FOLDER.get(folder)
        if mark is not None:
            item.add_marker(mark)
