"""The notebooks run, top to bottom, in a real kernel, and are stored without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))

#: Texts the HTML outputs (``_repr_html_``) of a notebook must show, in this order.
HTML = {
    "04_governance.ipynb": [
        "<b>Quality report</b>: <span",
        "3 of 5 rules passed; 0 errors, 2 warnings failed",
        "<b>Mapping</b>: <span",
        "4 of 7 values unmapped",
        "<b>Unmapped values</b>",
        "<b>Mapping drift</b>: <span",
        "findings: 1 not_allowed, 1 likely_rename, 1 unreached",
    ]
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), (
        f"{path.name} is stored with outputs; clear them before committing"
    )
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    images = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    assert images, f"{path.name} drew no chart"
    html = "".join(
        o["data"]["text/html"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "text/html" in o.get("data", {})
    )
    at = 0
    for text in HTML.get(path.name, []):
        found = html.find(text, at)
        assert found >= 0, f"{path.name}: no HTML output shows {text!r} (after position {at})"
        at = found + len(text)
