"""The drift result and the mapping result in Jupyter: readable HTML with pass/fail at a
glance; the drift result keeps the pyarrow Table API."""

from __future__ import annotations

import pickle

import pollutrack as pt
import pyarrow as pa


def test_drift_keeps_the_table_api_and_renders() -> None:
    m = pt.Mapping.from_dict({"s": {"a": "Open", "b": "In progress", "c": "<b>Gone</b>"}})
    drift = m.drift({"s": ["Open", "In Progress", "Blocked"]})
    assert isinstance(drift, pt.mapping.DriftReport)
    assert drift.num_rows == 3 and len(drift) == 3
    assert drift.column("kind").to_pylist() == ["likely_rename", "not_allowed", "unreached"]
    assert drift == drift.table and pa.table(drift).equals(drift.table)
    assert pickle.loads(pickle.dumps(drift)) == drift
    page = drift._repr_html_()
    assert "3 findings: 1 not_allowed, 1 likely_rename, 1 unreached" in page
    assert page.count("&#10008; FAIL") == 3  # the title's badge, and two rows
    assert page.count("&#9888; warn") == 1  # the option no rule reaches
    assert "&lt;b&gt;Gone&lt;/b&gt;" in page and "<b>Gone</b>" not in page
    assert "dict row 2" in page
    # A field on one side only is drift now; a clean report covers the sheet's field.
    clean = pt.Mapping.from_dict({"s": {"a": "Open"}}).drift({"s": ["Open"]})._repr_html_()
    assert "&#10004; pass" in clean and "no drift" in clean


def test_the_mapping_result_renders_counts_and_unmapped_values() -> None:
    m = pt.Mapping.from_dict({"s": {"a": "A"}, "t": {"x": "X"}})
    res = m.apply({"s": ["a", "a ", "b", None], "t": ["x", "x", "x", "x"]})
    page = res._repr_html_()
    assert "2 of 8 values unmapped" in page
    assert page.count("&#10008; FAIL") == 2 and page.count("&#10004; pass") == 1  # s fails, t not
    assert page.count("<tr>") == 3 + 3  # fields: header + 2; unmapped values: header + 2
    assert "&#x27;a &#x27;" in page  # the value's repr shows its trailing space
    ok = m.apply({"s": ["a"], "t": ["x"]})._repr_html_()
    assert "every value mapped (2 values)" in ok and "Unmapped values" not in ok
