"""Drift against allowed values (dict and option export JSON) and the pytest helpers."""

from __future__ import annotations

from pathlib import Path

import pollutrack as pt
import pytest
from support.mapping_sheets import write_json, write_xlsx

EXPORT = {
    "fields": [
        {
            "name": "Status",
            "options": [
                {"id": 1, "value": "Open"},
                {"id": 2, "value": "Closed", "disabled": True},
                {"id": 3, "value": "In Progress"},
                {"id": 4, "value": "Blocked"},
                {"id": 5, "value": "Archived", "enabled": False},
                "Done",
            ],
        },
        {"name": "Unrelated", "options": ["x"]},
    ]
}


@pytest.fixture
def mapping(tmp_path: Path) -> pt.Mapping:
    sheet = [
        ("field", "source", "target", "target field"),
        ("status", "open", "Open", "Status"),
        ("status", "closed", "Closed", "Status"),
        ("status", "wip", "In progress", "Status"),
        ("status", "old", "Archived", "Status"),
        ("status", "done", "Done", "Status"),
        ("status", "finished", "Done", "Status"),
    ]
    return pt.Mapping.from_excel(write_xlsx(tmp_path / "m.xlsx", {"Rules": sheet}))


def test_option_export_json_file(mapping: pt.Mapping, tmp_path: Path) -> None:
    drift = mapping.drift(write_json(tmp_path / "options.json", EXPORT))
    assert drift.column_names == ["field", "kind", "value", "suggestion", "detail", "sheet", "row"]
    got = [(r["kind"], r["value"], r["suggestion"], r["row"]) for r in drift.to_pylist()]
    assert got == [
        ("not_allowed", "Closed", None, 3),
        ("likely_rename", "In progress", "In Progress", 4),
        ("not_allowed", "Archived", None, 5),
        ("unreached", "Blocked", None, None),
        # A field the export lists and the sheet does not write is drift too.
        ("field_not_in_sheet", "Unrelated", None, None),
    ]
    assert drift.column("detail").to_pylist()[0] == "disabled in the target system"
    assert drift.column("field").to_pylist() == ["Status"] * 4 + ["Unrelated"]
    assert drift.column("sheet").to_pylist()[:3] == ["Rules"] * 3


def test_plain_dict_and_no_drift(mapping: pt.Mapping) -> None:
    allowed = {"Status": ["Open", "Closed", "In progress", "Archived", "Done"]}
    assert mapping.drift(allowed).num_rows == 0
    pt.testing.assert_no_drift(mapping, allowed)
    # Keyed by the field name when the sheet names no target field.
    m = pt.Mapping.from_dict({"cbwd": {"NE": "northeast"}})
    assert m.drift({"cbwd": ["north-east"]}).column("kind").to_pylist() == ["likely_rename"]
    # A field on one side only is reported, each side.
    other = m.drift({"other": ["x"]}).select(["field", "kind", "value", "sheet", "row"])
    assert [tuple(r.values()) for r in other.to_pylist()] == [
        ("cbwd", "field_not_in_allowed", "cbwd", "dict", 1),
        ("other", "field_not_in_sheet", "other", None, None),
    ]


def test_bad_allowed_values(mapping: pt.Mapping, tmp_path: Path) -> None:
    with pytest.raises(pt.InvalidSpecError, match="field 'Status' must map to a list"):
        mapping.drift({"Status": "Open"})
    with pytest.raises(pt.InvalidSpecError, match='needs an "options" list'):
        mapping.drift({"fields": [{"name": "Status"}]})
    broken = tmp_path / "b.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(pt.InvalidSpecError, match="not valid JSON"):
        mapping.drift(broken)
    with pytest.raises(FileNotFoundError):
        mapping.drift(tmp_path / "absent.json")
    with pytest.raises(FileNotFoundError, match=r"^no such allowed-values file: '.*absent\.json'$"):
        mapping.drift(tmp_path / "absent.json")
    with pytest.raises(IsADirectoryError, match=r"is a folder, not an allowed-values file$"):
        mapping.drift(tmp_path)


def test_assert_no_drift_message(mapping: pt.Mapping) -> None:
    with pytest.raises(AssertionError) as err:
        pt.testing.assert_no_drift(mapping, EXPORT)
    assert str(err.value) == "\n".join(
        [
            "the mapping has drifted from the allowed values (5 findings):",
            "  Status: not_allowed 'Closed': disabled in the target system (Rules row 3)",
            "  Status: likely_rename 'In progress' -> 'In Progress' (Rules row 4)",
            "  Status: not_allowed 'Archived': disabled in the target system (Rules row 5)",
            "  Status: unreached 'Blocked': allowed option that no rule maps to",
            "  Unrelated: field_not_in_sheet 'Unrelated': the allowed values list this field, "
            "no field of the sheet writes it",
        ]
    )


def test_assert_no_unmapped_message() -> None:
    m = pt.Mapping.from_dict({"dept": {"Finance": "FIN"}})
    pt.testing.assert_no_unmapped(m.apply({"dept": ["Finance", None]}))
    res = m.apply({"dept": [f"d{i % 30}" for i in range(60)] + ["Finance "]})
    with pytest.raises(AssertionError) as err:
        pt.testing.assert_no_unmapped(res, max_values=2)
    assert str(err.value) == "\n".join(
        [
            "61 of 61 values unmapped (31 distinct values):",
            "  dept: 'd0' x2, first row 0",
            "  dept: 'd1' x2, first row 1",
            "  ... and 29 more",
        ]
    )
