"""The README front page's links resolve in a clone (the docs site checks its own with --strict)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_every_relative_link_of_the_readme_names_a_file_of_the_repo() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [link for link in links if "://" not in link and not link.startswith("#")]
    assert len(relative) >= 15
    missing = [link for link in relative if not (ROOT / link.split("#")[0]).exists()]
    assert missing == []


def test_nothing_in_the_repo_points_outside_it() -> None:
    # The product stands alone: no path to a working copy outside the repo. This file is the
    # one place the patterns are written, so it is left out.
    pattern = re.compile("|".join([r"\.\./shared", "/work/" + "shared", "standards_" + "contract"]))
    suffixes = {".py", ".rs", ".md", ".toml", ".yml", ".pyi", ".ipynb", ".json"}
    files = [ROOT / "README.md", ROOT / "CHANGELOG.md"] + [
        path
        for folder in ("python", "src", "tests", "docs", "benches", "notebooks", "scripts")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in suffixes and path.is_file()
    ]
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if path.resolve() != Path(__file__).resolve() and pattern.search(path.read_text("utf-8"))
    ]
    assert offenders == []
