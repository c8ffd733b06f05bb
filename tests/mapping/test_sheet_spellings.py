"""Mapping sheets as people write them: header spellings, hidden worksheets, repeated columns,
time-only cells, JSON numbers and byte-order marks, CSV line numbers, and what a bad path says."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pollutrack as pt
import pyarrow as pa
import pytest
from support.mapping_sheets import STATUS_RULES, write_json, write_xlsx


def rules(m: pt.Mapping) -> list[tuple[str, str, str, str | None, int]]:
    return [
        (r["field"], r["source"], r["target"], r["target_field"], r["row"])
        for r in m.rules.to_pylist()
    ]


def test_source_and_target_field_and_value_headers(tmp_path: Path) -> None:
    header = ("Source field", "Source value", "Target field", "Target value", "Comment")
    sheet = [header, ("status", "open", "Status", "Open", "x"), ("dept", "HR", "Dept", "HR", "")]
    m = pt.Mapping.from_excel(write_xlsx(tmp_path / "m.xlsx", {"Rules": sheet}))
    assert rules(m) == [("status", "open", "Open", "Status", 2), ("dept", "HR", "HR", "Dept", 3)]
    out = m.apply({"status": ["open"], "dept": ["HR"]}).table
    assert out.column_names == ["status", "dept", "Status", "Dept"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("From", "To"),
        ("Old value", "New value"),
        ("OLD", "NEW"),
        ("source_value", "TARGET-VALUE"),
        ("  Source   Value ", "target value"),
        ("from value", "to value"),
    ],
)
def test_per_field_spellings(tmp_path: Path, source: str, target: str) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", {"status": [(source, target), ("open", "Open")]})
    assert rules(pt.Mapping.from_excel(path)) == [("status", "open", "Open", None, 2)]


def test_headers_not_understood_name_found_and_expected(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", {"S": [("Key", "Value"), ("open", "Open")]})
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_excel(path)
    assert str(err.value) == (
        "worksheet 'S': no source column and no target column (the header row has "
        '["Key", "Value"]); a source column is named source, source value, from, from value, '
        "old or old value; a target column is named target, target value, to, to value, new or "
        "new value; headers are compared ignoring case, spaces and punctuation, and "
        'columns={"source": ...} names another'
    )
    # A field column under a name not known would silently become one field per worksheet.
    odd = write_xlsx(
        tmp_path / "f.xlsx", {"Rules": [("Input field", "From", "To"), ("s", "a", "A")]}
    )
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_excel(odd)
    assert str(err.value) == (
        "worksheet 'Rules': the header 'Input field' (column A) looks like a field column but is "
        "none of field, field name, source field, source field name, from field or old field "
        "(without one, every rule would belong to one field named after the worksheet or file); "
        'rename it, or pass columns={"field": "Input field"}'
    )
    m = pt.Mapping.from_excel(odd, columns={"field": "Input field"})
    assert rules(m) == [("s", "a", "A", None, 2)]


def test_two_columns_for_one_role(tmp_path: Path) -> None:
    twice = [("field", "source", "target", "target"), ("s", "a", "A", "B")]
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_excel(write_xlsx(tmp_path / "t.xlsx", {"Rules": twice}))
    assert str(err.value) == (
        "worksheet 'Rules': two target columns, 'target' (column C) and 'target' (column D); "
        "keep one (or rename the other)"
    )
    spelled = [("field", "Source", "Target", "Target value"), ("s", "a", "A", "B")]
    with pytest.raises(pt.InvalidSpecError, match=r"two target columns, 'Target' \(column C\) "):
        pt.Mapping.from_excel(write_xlsx(tmp_path / "s.xlsx", {"Rules": spelled}))
    csv = tmp_path / "t.csv"
    csv.write_text("source,from,target\na,b,A\n", encoding="utf-8")
    with pytest.raises(pt.InvalidSpecError, match=r"^worksheet 't\.csv': two source columns, "):
        pt.Mapping.from_csv(csv)
    keys = tmp_path / "k.json"
    keys.write_text('[{"field": "s", "source": "a", "target": "A", "to": "B"}]', encoding="utf-8")
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_json(keys)
    assert str(err.value) == (
        "worksheet 'k.json': two target keys, 'target' and 'to'; keep one (or rename the other)"
    )
    keys.write_text('[{"field": "s", "source": "a", "target": "A", "target": "B"}]')
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_json(keys)
    assert str(err.value) == "worksheet 'k.json' row 1: the rule has the key \"target\" twice"


def test_hidden_worksheets_are_skipped_and_said_so(tmp_path: Path) -> None:
    old = [("field", "source", "target"), ("status", "open", "Opened"), ("status", "x", "X")]
    path = write_xlsx(
        tmp_path / "h.xlsx",
        {"Rules": STATUS_RULES, "Old": old, "Older": old},
        hidden=["Old", "Older:very"],
    )
    message = (
        "h.xlsx: skipped the hidden worksheets 'Old', 'Older' "
        "(include_hidden=True reads hidden worksheets)"
    )
    with pytest.warns(UserWarning, match=f"^{re.escape(message)}$"):
        m = pt.Mapping.from_excel(path)
    assert len(m) == 5 and set(m.rules.column("sheet").to_pylist()) == {"Rules"}
    # Opting in reads them as live rules (here they conflict with the visible sheet).
    with pytest.raises(pt.InvalidSpecError, match=r"^worksheet 'Old' row 2: conflicting rule"):
        pt.Mapping.from_excel(path, include_hidden=True)
    # A hidden worksheet named in sheet= is read, without a warning.
    only = pt.Mapping.from_excel(path, sheet="Old")
    assert rules(only) == [("status", "open", "Opened", None, 2), ("status", "x", "X", None, 3)]
    nothing = write_xlsx(tmp_path / "n.xlsx", {"Notes": [], "Old": old}, hidden=["Old"])
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_excel(nothing)
    assert str(err.value) == (
        "workbook 'n.xlsx' has no rules in its visible worksheets (hidden, skipped: [\"Old\"])"
    )


def test_time_only_cells(tmp_path: Path) -> None:
    sheet = [
        ("field", "source", "target"),
        ("shift", dt.time(8, 30), "early"),
        ("shift", dt.time(0, 0, 0, 250_000), "midnight"),
        ("shift", dt.datetime(2024, 4, 1, 8, 30), "dated"),
    ]
    m = pt.Mapping.from_excel(write_xlsx(tmp_path / "t.xlsx", {"S": sheet}))
    assert m.rules.column("source").to_pylist() == [
        "08:30:00",
        "00:00:00.250",
        "2024-04-01T08:30:00",
    ]
    out = m.apply({"shift": ["08:30:00", "1899-12-31T08:30:00"]}).table.column("shift_mapped")
    assert out.to_pylist() == ["early", None]


def test_json_integers_keep_every_digit(tmp_path: Path) -> None:
    listed = tmp_path / "l.json"
    listed.write_text(
        '[{"field": "s", "source": 12345678901234567890123, "target": -98765432109876543210},'
        ' {"field": "s", "source": 2.50, "target": 1e2},'
        ' {"field": "s", "source": -0, "target": 0}]',
        encoding="utf-8",
    )
    m = pt.Mapping.from_json(listed)
    assert [(r[1], r[2]) for r in rules(m)] == [
        ("12345678901234567890123", "-98765432109876543210"),
        ("2.5", "100"),
        ("0", "0"),
    ]
    nested = tmp_path / "n.json"
    nested.write_text('{"s": {"a": 18446744073709551616}}', encoding="utf-8")
    assert rules(pt.Mapping.from_json(nested)) == [("s", "a", "18446744073709551616", None, 1)]
    d = pt.Mapping.from_dict({"s": {12345678901234567890123: "A"}})
    assert d.rules.column("source").to_pylist() == ["12345678901234567890123"]


def test_byte_order_marks(tmp_path: Path) -> None:
    rule = [{"field": "s", "source": "a", "target": "A"}]
    assert rules(pt.Mapping.from_json(write_json(tmp_path / "l.json", rule, bom=True))) == [
        ("s", "a", "A", None, 1)
    ]
    nested = write_json(tmp_path / "n.json", {"s": {"a": "A"}}, bom=True)
    assert rules(pt.Mapping.from_json(nested)) == [("s", "a", "A", None, 1)]
    csv = tmp_path / "status.csv"
    csv.write_text("source,target\nopen,Open\n", encoding="utf-8-sig")
    assert rules(pt.Mapping.from_csv(csv)) == [("status", "open", "Open", None, 2)]


def test_csv_rows_are_the_files_lines(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    # CRLF, a quoted cell over two lines, blank lines, a lone CR.
    path.write_bytes(b'field,source,target\r\ns,"a\r\nb",A\r\n\r\ns,c,C\r\n\n\ns,d,D\rs,e,E\n')
    m = pt.Mapping.from_csv(path)
    assert [(r[1], r[4]) for r in rules(m)] == [("a\r\nb", 2), ("c", 5), ("d", 8), ("e", 9)]
    big = tmp_path / "big.csv"
    lines = ["field,source,target"] + [f"d,k{i},T{i % 7}" for i in range(200_000)]
    big.write_text("\n".join(lines[:100_001]) + "\n\n" + "\n".join(lines[100_001:]) + "\n")
    rows = pt.Mapping.from_csv(big).rules.column("row").to_pylist()
    assert (rows[0], rows[99_999], rows[100_000], rows[-1]) == (2, 100_001, 100_003, 200_002)


def test_formula_hint_only_for_workbooks(tmp_path: Path) -> None:
    blank = [("field", "source", "target"), ("s", "a", None)]
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_excel(write_xlsx(tmp_path / "b.xlsx", {"S": blank}))
    assert str(err.value) == (
        "worksheet 'S' row 2: the target value is blank; a formula Excel never calculated "
        "reads as blank"
    )
    csv = tmp_path / "b.csv"
    csv.write_text("field,source,target\ns,,A\n", encoding="utf-8")
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_csv(csv)
    assert str(err.value) == "worksheet 'b.csv' row 2: the source value is blank"
    js = write_json(tmp_path / "b.json", [{"field": "s", "source": "a", "target": None}])
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_json(js)
    assert str(err.value) == "worksheet 'b.json' row 1: the target value is blank"
    table = pa.table({"field": ["s"], "source": ["a"], "target": pa.array([None], pa.string())})
    with pytest.raises(pt.InvalidSpecError) as err:
        pt.Mapping.from_table(table)
    assert str(err.value) == "worksheet 'table' row 1: the target value is blank"


@pytest.mark.parametrize("load", ["from_excel", "from_csv", "from_json"])
def test_a_folder_or_a_missing_file_says_what_is_wrong(tmp_path: Path, load: str) -> None:
    reader = getattr(pt.Mapping, load)
    with pytest.raises(IsADirectoryError) as err:
        reader(tmp_path)
    assert str(err.value) == f"'{tmp_path}' is a folder, not a mapping sheet"
    with pytest.raises(FileNotFoundError) as missing:
        reader(tmp_path / "absent.xlsx")
    assert str(missing.value) == f"no such mapping sheet: '{tmp_path / 'absent.xlsx'}'"
