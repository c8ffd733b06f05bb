"""--store-failures, severity and mostly in the exit code, and --xlsx workbooks for the sheet's
owners (read back with openpyxl)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pollutrack as pt
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pollutrack.cli.outputs import is_ours

Run = Callable[..., tuple[int, str, str]]


def rules_file(tmp_path: Path, rules: list[dict]) -> Path:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules))
    return path


def test_store_failures_writes_exactly_the_failing_rows(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    # stations: AQI 28, 112, null, 509
    rules = rules_file(
        tmp_path,
        [
            {"rule": "in_range", "column": "aqi", "max": 100},
            {"rule": "not_null", "column": "aqi", "severity": "warn"},
            {"rule": "row_count", "min": 4},
        ],
    )
    out, folder = tmp_path / "aqi.parquet", tmp_path / "failures"
    code, _, err = cli("aqi", stations, "-o", out, "--checks", rules, "--store-failures", folder)
    assert code == 0, err
    assert "  FAIL in_range" in err and "  WARN not_null" in err and "  ok   row_count" in err
    path = folder / "aqi.failures.parquet"
    assert "3 failing rows -> " in err and sorted(p.name for p in folder.iterdir()) == [path.name]
    table = pq.read_table(path)
    assert table.schema.names[:5] == ["rule_index", "rule", "rule_column", "severity", "row_number"]
    columns = ["rule_index", "rule", "severity", "row_number", "station", "aqi"]
    assert [tuple(r.values()) for r in table.select(columns).to_pylist()] == [
        (0, "in_range", "error", 1, "A", 112),
        (0, "in_range", "error", 3, "B", 509),
        (1, "not_null", "warn", 2, "B", None),
    ]
    assert is_ours(path)  # stamped: a later run over the folder leaves it out
    report = json.loads((tmp_path / "aqi.parquet.report.json").read_text())
    assert report["failures"] == str(path)
    assert [(c["rule"], c["severity"], c["passed"]) for c in report["checks"]] == [
        ("in_range", "error", False),
        ("not_null", "warn", False),
        ("row_count", "error", True),
    ]
    code, _, err = cli("check", out, "--rules", rules, "--store-failures", folder)
    assert code == 0, err
    assert pq.read_table(folder / "rules.failures.parquet").num_rows == 3


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ([{"rule": "in_range", "column": "aqi", "max": 100}], 1),
        ([{"rule": "in_range", "column": "aqi", "max": 100, "severity": "warn"}], 0),
        ([{"rule": "in_range", "column": "aqi", "max": 100, "mostly": 0.5}], 0),  # 2 of 4 pass
        ([{"rule": "in_range", "column": "aqi", "max": 100, "mostly": 0.51}], 1),
        ([{"rule": "not_null", "column": "aqi", "mostly": 0.75}], 0),  # 3 of 4
        ([{"rule": "row_count", "max": 3, "severity": "warn"}], 0),
        ([{"rule": "row_count", "max": 3}], 1),
    ],
)
def test_only_errors_fail_the_exit_code(
    cli: Run, stations: Path, tmp_path: Path, rules: list[dict], code: int
) -> None:
    path = rules_file(tmp_path, rules)
    out = tmp_path / "aqi.parquet"
    assert cli("aqi", stations, "-o", out, "--checks", path, "--fail-on-checks")[0] == code
    assert cli("check", out, "--rules", path, "--fail-on-checks")[0] == code
    assert cli("check", out, "--rules", path)[0] == 0  # without --fail-on-checks, as before


def test_store_failures_needs_rules_and_a_free_name(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    out = tmp_path / "aqi.parquet"
    code, _, err = cli("aqi", stations, "-o", out, "--store-failures", tmp_path)
    assert code == 2 and "--store-failures needs --checks" in err
    rules = rules_file(tmp_path, [{"rule": "not_null", "column": "station"}])
    data = tmp_path / "rules.failures.parquet"  # the name the failing rows would get
    pq.write_table(pa.table({"station": ["A"]}), data)
    code, _, err = cli("check", data, "--rules", rules, "--store-failures", tmp_path)
    assert code == 2 and "would overwrite the input" in err
    assert pq.read_table(data).num_rows == 1


def test_map_writes_the_unmapped_values_workbook(cli: Run, tmp_path: Path) -> None:
    codes = tmp_path / "codes.csv"
    codes.write_text("cbwd\nNE\nne\nSW\nSW\ncv\n")
    sheet, xlsx = pt.mapping.sample_sheet(), tmp_path / "owners" / "fix.xlsx"
    code, _, err = cli("map", codes, "--sheet", sheet, "-o", tmp_path / "m.parquet", "--xlsx", xlsx)
    assert code == 0, err
    assert sorted(p.name for p in xlsx.parent.iterdir()) == ["fix.xlsx"]  # no temporary left
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Summary", "Unmapped values"]
    rows = [[c.value for c in r] for r in book["Unmapped values"].iter_rows()]
    assert rows[0] == [
        "field", "value", "count", "first row (from 0)", "suggestion", "worksheet", "row",
        "what to do",
    ]  # fmt: skip
    assert rows[1:] == [
        [
            "cbwd",
            "ne",
            1,
            1,
            "NE",
            "wind",
            2,
            "add a rule for this spelling, or map with normalize",
        ],
        ["cbwd", "SW", 2, 2, None, "wind", 6, "add a rule: this value and its target"],
    ]
    summary = dict(r for r in book["Summary"].iter_rows(values_only=True))
    assert summary["mapping sheet"] == str(sheet)
    assert (summary["values mapped"], summary["values unmapped"]) == (2, 3)
    report = json.loads((tmp_path / "m.parquet.report.json").read_text())
    assert report["outputs"] == [str(tmp_path / "m.parquet"), str(xlsx)]


def test_drift_writes_what_to_fix_and_where(cli: Run, tmp_path: Path) -> None:
    allowed = tmp_path / "allowed.json"
    allowed.write_text(json.dumps({"cbwd": ["northeast", "northwest", "Calm or variable", "SW"]}))
    xlsx = tmp_path / "drift.xlsx"
    sheet = pt.mapping.sample_sheet()
    code, _, err = cli("drift", "--sheet", sheet, "--allowed", allowed, "--xlsx", xlsx)
    assert code == 0 and f"workbook -> {xlsx}" in err
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Summary", "Not allowed", "Likely renames", "Unreached options"]
    values = {ws.title: [list(r) for r in ws.iter_rows(min_row=2, values_only=True)] for ws in book}
    assert values["Not allowed"] == [
        ["cbwd", "southeast", "not among the allowed options", "wind", 4,
         "map to an allowed option, or remove the rule"],
    ]  # fmt: skip
    assert values["Likely renames"] == [
        ["cbwd", "calm or variable", "Calm or variable", "wind", 5,
         "change the target to 'Calm or variable'"],
    ]  # fmt: skip
    add = "add a rule mapping a source value to this option, if one should"
    assert values["Unreached options"] == [["cbwd", "SW", "wind", 6, add]]


def test_bad_workbook_names(cli: Run, tmp_path: Path) -> None:
    allowed = tmp_path / "allowed.json"
    allowed.write_text(json.dumps({"cbwd": ["northeast"]}))
    sheet = pt.mapping.sample_sheet()
    code, _, err = cli(
        "drift", "--sheet", sheet, "--allowed", allowed, "--xlsx", tmp_path / "x.csv"
    )
    assert code == 2 and "the workbook's name must end in .xlsx" in err
    code, _, err = cli("drift", "--sheet", sheet, "--allowed", allowed, "--xlsx", sheet)
    assert code == 2 and "would overwrite the input" in err


def test_formulas_in_values_stay_text(tmp_path: Path) -> None:
    m = pt.Mapping.from_dict({"s": {"a": "A"}})
    path = pt.workbook.write_mapping_report(
        tmp_path / "w.xlsx", m, result=m.apply({"s": ["=1+1", "@SUM(A1)"]})
    )
    book = openpyxl.load_workbook(path)
    cells = [r[1] for r in book["Unmapped values"].iter_rows(min_row=2, values_only=True)]
    assert cells == ["=1+1", "@SUM(A1)"]
    assert book["Unmapped values"]["B2"].data_type == "s"  # a string, not a formula


def test_hidden_worksheets_are_skipped_with_a_warning_and_read_with_include_hidden(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    from support.mapping_sheets import write_xlsx

    header = ("field", "source", "target")
    sheet = write_xlsx(
        tmp_path / "s.xlsx",
        {"Rules": [header, ("status", "open", "Opened")], "Old": [header, ("status", "x", "X")]},
        hidden=["Old"],
    )
    data = tmp_path / "d.csv"
    data.write_text("status\nopen\nx\n")
    out = tmp_path / "m.parquet"
    code, _, err = cli("map", data, "--sheet", sheet, "-o", out)
    assert code == 0, err
    assert err.splitlines()[0] == (
        "pollutrack: warning: s.xlsx: skipped the hidden worksheet 'Old' "
        "(--include-hidden reads hidden worksheets)"
    )
    assert pq.read_table(out)["status_mapped"].to_pylist() == ["Opened", None]
    code, _, err = cli("map", data, "--sheet", sheet, "--include-hidden", "-o", out)
    assert code == 0, err
    assert "warning" not in err
    assert pq.read_table(out)["status_mapped"].to_pylist() == ["Opened", "X"]
    report = json.loads(out.with_name("m.parquet.report.json").read_text())
    assert report["options"]["include_hidden"] is True
    allowed = tmp_path / "allowed.json"
    allowed.write_text(json.dumps({"status": ["Opened", "X"]}))
    code, _, err = cli("drift", "--sheet", sheet, "--include-hidden", "--allowed", allowed)
    assert (code, err.strip()) == (0, "0 drift rows")
