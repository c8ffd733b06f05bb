"""Drift against option exports as tools write them: enabled/disabled spellings, a field listed
twice, fields on one side only (and ``--fail-on-drift``), byte-order marks, similar renames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pollutrack as pt
import pytest
from click.testing import CliRunner
from pollutrack.cli import main
from support.mapping_sheets import write_json, write_xlsx

M = pt.Mapping.from_dict({"s": {"o": "Open", "c": "Closed"}})


def export(*options: Any, name: str = "s") -> dict[str, Any]:
    return {"fields": [{"name": name, "options": list(options)}]}


def kinds(drift: Any) -> list[tuple[str, str, str | None]]:
    return [(r["kind"], r["value"], r["suggestion"]) for r in drift.to_pylist()]


@pytest.mark.parametrize(
    ("flag", "allowed"),
    [
        ({"disabled": "true"}, False),
        ({"disabled": "TRUE"}, False),
        ({"disabled": 1}, False),
        ({"disabled": "yes"}, False),
        ({"disabled": False}, True),
        ({"disabled": "false"}, True),
        ({"disabled": None}, True),
        ({"disabled": ""}, True),
        ({"enabled": 0}, False),
        ({"enabled": "0"}, False),
        ({"enabled": "no"}, False),
        ({"enabled": "N"}, False),
        ({"enabled": "off"}, False),
        ({"enabled": True}, True),
        ({"isEnabled": False}, False),
        ({"is_disabled": True}, False),
        ({"active": False}, False),
        ({"IsActive": "y"}, True),
        ({"inactive": "true"}, False),
        ({"deprecated": True}, False),
        ({"archived": 1}, False),
        ({"enabled": True, "disabled": False}, True),
    ],
)
def test_enabled_and_disabled_spellings(flag: dict[str, Any], allowed: bool) -> None:
    drift = M.drift(export({"value": "Open", **flag}, "Closed"))
    expected = [] if allowed else [("not_allowed", "Open", None)]
    assert kinds(drift) == expected


def test_flags_that_are_not_yes_or_no() -> None:
    with pytest.raises(pt.InvalidSpecError) as err:
        M.drift(export({"value": "Open", "disabled": "sometimes"}, "Closed"))
    assert str(err.value) == (
        "allowed values: option 'Open' of field 's': \"disabled\" is \"sometimes\"; expected "
        'true or false (or 1/0, "yes"/"no")'
    )
    with pytest.raises(pt.InvalidSpecError, match=r"\"enabled\" is 2; expected true or false"):
        M.drift(export({"value": "Open", "enabled": 2}))
    with pytest.raises(pt.InvalidSpecError) as err:
        M.drift(export({"value": "Open", "enabled": True, "inactive": True}))
    assert str(err.value) == (
        "allowed values: option 'Open' of field 's': \"enabled\" and \"inactive\" disagree on "
        "whether it is allowed"
    )


def test_a_field_listed_twice_is_merged() -> None:
    split = {
        "fields": [
            {"name": "s", "options": ["Open", {"value": "Closed", "disabled": True}]},
            {"name": "s", "options": ["Closed", "Done"]},
        ]
    }
    # "Closed" is enabled in the second entry: allowed; "Done" comes from it too.
    assert kinds(M.drift(split)) == [("unreached", "Done", None)]
    only_disabled = {
        "fields": [
            {"name": "s", "options": ["Open", {"value": "Closed", "disabled": True}]},
            {"name": "s", "options": [{"value": "Closed", "enabled": False}]},
        ]
    }
    assert kinds(M.drift(only_disabled)) == [("not_allowed", "Closed", None)]


def test_fields_on_one_side_fail_the_cli(tmp_path: Path) -> None:
    sheet = write_xlsx(
        tmp_path / "m.xlsx",
        {"Rules": [("field", "source", "target"), ("status", "o", "Open")]},
    )
    allowed = write_json(tmp_path / "allowed.json", {"status": ["Open"], "priority": ["High"]})
    result = CliRunner().invoke(
        main, ["drift", "--sheet", str(sheet), "--allowed", str(allowed), "--fail-on-drift"]
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "field=priority  kind=field_not_in_sheet  value=priority  "
        "detail=the allowed values list this field, no field of the sheet writes it"
    ]
    assert result.stderr.strip() == "1 drift rows"
    missing = write_json(tmp_path / "other.json", {"Status": ["Open"]})
    rows = pt.Mapping.from_excel(sheet).drift(missing).to_pylist()
    assert [(r["kind"], r["field"], r["suggestion"], r["row"]) for r in rows] == [
        ("field_not_in_allowed", "status", "Status", 2)
    ]
    assert rows[0]["detail"] == (
        "the sheet writes this field, the allowed values do not list it; a similar field is "
        "unmatched"
    )


def test_option_export_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = write_json(tmp_path / "options.json", export("Open", "Closed", "Done"), bom=True)
    assert kinds(M.drift(path)) == [("unreached", "Done", None)]
    simple = write_json(tmp_path / "simple.json", {"s": ["Open", "Closed"]}, bom=True)
    assert M.drift(simple).num_rows == 0
    digits = tmp_path / "digits.json"
    digits.write_text(json.dumps({"s": ["Open", "Closed"]})[:-2] + ", 12345678901234567890123]}")
    assert kinds(M.drift(digits)) == [("unreached", "12345678901234567890123", None)]


def test_similar_options_are_likely_renames() -> None:
    m = pt.Mapping.from_dict(
        {
            "dept": {
                "f": "Finance & Accounting",
                "t": "Finanse",
                "o": "Opened",
                "r": "Room 101",
                "m": "Marketing",
            }
        }
    )
    allowed = {
        "dept": ["Finance and Accounting", "Finance", "Open", "Room 102", "Marketing"],
    }
    drift = m.drift(allowed)
    assert kinds(drift) == [
        ("likely_rename", "Finance & Accounting", "Finance and Accounting"),
        ("likely_rename", "Finanse", "Finance"),
        ("not_allowed", "Opened", None),  # 2 edits in 6 letters: 0.67, below 0.8
        ("not_allowed", "Room 101", None),  # digits differ
        ("unreached", "Open", None),
        ("unreached", "Room 102", None),
    ]
    assert drift.column("detail").to_pylist()[:2] == [
        "not allowed; an unused option is similar (similarity 0.85)",
        "not allowed; an unused option is similar (similarity 0.86)",
    ]
    # Letters and digits equal once case, accents and punctuation go: the rename found first.
    exact = pt.Mapping.from_dict({"s": {"a": "Resolu"}}).drift({"s": ["Résolu!", "Resolus"]})
    assert kinds(exact)[0] == ("likely_rename", "Resolu", "Résolu!")
    assert exact.column("detail").to_pylist()[0] == (
        "not allowed; an unused option differs only in case, accents, spaces or punctuation"
    )
