"""Inputs as people have them: the bundled CSV, later rows of another type, columns in another
order, odd names, folders holding earlier outputs, option files of the wrong shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pollutrack.cli.demo import sample_path
from pollutrack.mapping import sample_sheet

Run = Callable[..., tuple[int, str, str]]


def test_the_bundled_csv_through_aqi_map_and_check(cli: Run, tmp_path: Path) -> None:
    # TEMP is whole numbers for 42,427 rows, then 14.66666667 on line 42,429.
    beijing = sample_path()
    out = tmp_path / "aqi.parquet"
    code, _, err = cli("aqi", beijing, "-o", out)
    assert (code, err) == (0, f"43,824 rows -> {out}\n")
    table = pq.read_table(out)
    assert table.schema.field("TEMP").type == pa.float64()
    assert table.slice(42_426, 2).select(["TEMP", "aqi"]).to_pylist() == [
        {"TEMP": 20.0, "aqi": 77},
        {"TEMP": 14.66666667, "aqi": 97},
    ]
    counts = json.loads((tmp_path / "aqi.parquet.report.json").read_text())["counts"]
    assert counts["aqi_status"] == {"no_data": 2067, "ok": 40403, "beyond_index": 1354}

    mapped = tmp_path / "mapped.parquet"
    code, _, err = cli("map", beijing, "--sheet", sample_sheet(), "-o", mapped)
    assert (code, err) == (0, f"43,824 rows -> {mapped}\n")
    report = json.loads((tmp_path / "mapped.parquet.report.json").read_text())
    assert report["counts"]["fields"][0]["mapped"] == 43_824

    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"rule": "row_count", "min": 43_824, "max": 43_824}]))
    code, _, err = cli("check", beijing, "--rules", rules, "--fail-on-checks")
    assert code == 0 and "ok   row_count" in err


@pytest.fixture
def late_text(tmp_path: Path) -> Path:
    """300,000 whole numbers (past pyarrow's first 1 MiB block), then 'abc' on line 300,002."""
    path = tmp_path / "late.csv"
    path.write_text("station,pm25\n" + "A,5\n" * 300_000 + "A,abc\n")
    return path


def test_a_later_row_of_another_type_names_file_line_and_column(
    cli: Run, late_text: Path, tmp_path: Path
) -> None:
    code, _, err = cli("aqi", late_text, "-o", tmp_path / "o.parquet")
    assert (code, err) == (
        2,
        f"pollutrack: {late_text}: line 300002, column 'pm25': 'abc' is not a number; "
        "the column 'pm25' was read as text\n",
    )
    # Where text is fine, the column is simply text.
    rules = tmp_path / "rules.json"
    rules.write_text('[{"rule": "not_null", "column": "pm25"}]')
    assert cli("check", late_text, "--rules", rules, "--fail-on-checks")[0] == 0


def test_a_later_float_widens_an_integer_column(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_text("pm25\n" + "5\n" * 300_000 + "35.5\n")
    out = tmp_path / "o.parquet"
    assert cli("aqi", path, "-o", out)[0] == 0
    column = pq.read_table(out).column("aqi")
    assert (column[0].as_py(), column[300_000].as_py(), len(column)) == (28, 101, 300_001)


def test_a_schema_type_a_row_does_not_fit_names_its_line(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('station,pm25\nA,5\n\n"B\nC",7\nD,7.5\n')
    schema = tmp_path / "schema.json"
    schema.write_text('{"station": "string", "pm25": "int64"}')
    code, _, err = cli("aqi", path, "-o", tmp_path / "o.parquet", "--schema", schema)
    assert (code, err) == (
        2,
        f"pollutrack: {path}: line 6, column 'pm25': '7.5' does not convert to int64\n",
    )


def test_files_with_columns_in_another_order_are_aligned(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("station,pm25\nA,5.0\n")
    (tmp_path / "b.csv").write_text("pm25,station\n40.0,B\n")
    (tmp_path / "c.csv").write_text("pm25,other\n1.0,x\n")
    out = tmp_path / "out" / "o.parquet"
    code, _, err = cli("aqi", tmp_path / "a.csv", tmp_path / "b.csv", "-o", out)
    assert code == 0, err
    table = pq.read_table(out)
    assert table.select(["station", "pm25", "aqi"]).to_pylist() == [
        {"station": "A", "pm25": 5.0, "aqi": 28},
        {"station": "B", "pm25": 40.0, "aqi": 112},
    ]
    code, _, err = cli("aqi", tmp_path / "a.csv", tmp_path / "c.csv", "-o", out)
    assert (code, err) == (
        2,
        f"pollutrack: {tmp_path / 'c.csv'}: columns differ from {tmp_path / 'a.csv'}'s: "
        "missing ['station']; extra ['other']\n",
    )


def test_a_column_twice_in_a_header_is_an_error(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("pm25,pm25\n5,6\n")
    code, _, err = cli("aqi", path, "-o", tmp_path / "o.parquet")
    assert (code, err) == (2, f"pollutrack: {path}: column 'pm25' appears more than once\n")


NOT_A_LIST = 'quality rules are a JSON list like [{"rule": "not_null", "column": "aqi"}], not '


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("null", NOT_A_LIST + "null"),
        ('{"rule": "not_null", "column": "aqi"}', NOT_A_LIST + "an object"),
        ('"in_range"', NOT_A_LIST + "a string"),
        ("[1, 2]", 'rule 1 is 1, not an object like {"rule": "not_null", "column": "aqi"}'),
    ],
)
def test_a_rules_file_of_the_wrong_shape(
    cli: Run, stations: Path, tmp_path: Path, text: str, reason: str
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(text)
    out = tmp_path / "o.parquet"
    assert cli("aqi", stations, "-o", out, "--checks", rules) == (
        2,
        "",
        f"pollutrack: {rules}: {reason}\n",
    )
    assert cli("check", stations, "--rules", rules) == (2, "", f"pollutrack: {rules}: {reason}\n")
    assert not out.exists()  # a bad rules file stops the run before anything is written


def test_a_custom_standard_that_is_not_an_object(cli: Run, stations: Path, tmp_path: Path) -> None:
    standard = tmp_path / "mine.json"
    standard.write_text("[1, 2]")
    out = tmp_path / "o.parquet"
    assert cli("aqi", stations, "-o", out, "--standard", standard) == (
        2,
        "",
        f"pollutrack: {standard}: a custom standard is a JSON object: {{...}}\n",
    )
    missing = tmp_path / "nope.json"
    assert cli("aqi", stations, "-o", out, "--standard", missing) == (
        2,
        "",
        f"pollutrack: --standard {missing}: no such file\n",
    )


def test_a_name_with_glob_characters_is_that_file(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "[x].csv").write_text("pm25\n5.0\n")
    (tmp_path / "x.csv").write_text("pm25\n40.0\n")
    out = tmp_path / "o.parquet"
    assert cli("aqi", tmp_path / "[x].csv", "-o", out)[0] == 0
    assert pq.read_table(out).column("aqi").to_pylist() == [28]
    (tmp_path / "[x].csv").unlink()  # now the pattern matches x.csv
    assert cli("aqi", tmp_path / "[x].csv", "-o", out)[0] == 0
    assert pq.read_table(out).column("aqi").to_pylist() == [112]
    (tmp_path / "[y].json").write_text('{"pm25": 330.0}\n')
    assert cli("aqi", tmp_path / "[y].json", "-o", out)[0] == 0
    assert pq.read_table(out).column("aqi").to_pylist() == [509]


def test_a_folder_input_skips_what_pollutrack_wrote(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    out = tmp_path / "aqi.parquet"
    for _ in range(2):  # the second run does not read the first one's output or report
        code, _, err = cli("aqi", tmp_path, "-o", out)
        assert code == 0, err
    report = json.loads((tmp_path / "aqi.parquet.report.json").read_text())
    assert [i["path"] for i in report["inputs"]] == [str(stations)]
    assert report["inputs_skipped"] == [str(out), str(out) + ".report.json"]
    # Nor does a run writing elsewhere; a CSV output is known by the report beside it.
    elsewhere = tmp_path / "sub" / "aqi.csv"
    assert cli("aqi", tmp_path, "-o", tmp_path / "more.csv")[0] == 0
    assert cli("aqi", tmp_path, "-o", elsewhere)[0] == 0
    report = json.loads((tmp_path / "sub" / "aqi.csv.report.json").read_text())
    assert [i["path"] for i in report["inputs"]] == [str(stations)]
    assert pq.read_table(out).num_rows == 4
    # A folder holding nothing but an output (a partitioned one) is read whole.
    parts = tmp_path / "parts"
    assert cli("aqi", stations, "-o", parts, "--partition-by", "station")[0] == 0
    rules = tmp_path / "rules.json"
    rules.write_text('[{"rule": "row_count", "min": 4, "max": 4}]')
    assert cli("check", parts, "--rules", rules, "--fail-on-checks")[0] == 0


def test_a_folder_of_reports_only(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "x.report.json").write_text("{}")
    code, _, err = cli("aqi", tmp_path, "-o", tmp_path / "o.parquet")
    assert (code, err) == (
        2,
        f"pollutrack: {tmp_path}: the folder holds no csv, parquet or json file "
        "(skipped 1 run reports)\n",
    )


def test_option_files_that_are_missing_or_folders(cli: Run, stations: Path, tmp_path: Path) -> None:
    sheet, folder = sample_sheet(), tmp_path / "sheets"
    folder.mkdir()
    missing = tmp_path / "allowed.json"
    assert cli("drift", "--sheet", sheet, "--allowed", missing) == (
        2,
        "",
        f"pollutrack: --allowed {missing}: no such file\n",
    )
    assert cli("drift", "--sheet", sheet, "--allowed", folder) == (
        2,
        "",
        f"pollutrack: --allowed {folder}: is a folder, not a file\n",
    )
    why = (
        f"pollutrack: --sheet {folder}: is a folder; "
        "give the mapping sheet's file (.xlsx, .ods, .csv, .json)\n"
    )
    assert cli("drift", "--sheet", folder, "--allowed", missing) == (2, "", why)
    assert cli("map", stations, "--sheet", folder, "-o", tmp_path / "o.parquet") == (2, "", why)


def test_a_row_with_too_many_fields_names_its_line(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('station,pm25\nA,5\n\n"B\nC",7\nD,7,8\n')
    rules = tmp_path / "rules.json"
    rules.write_text("[]")
    code, _, err = cli("check", path, "--rules", rules)
    assert (code, err) == (2, f"pollutrack: {path}: line 6: 3 fields where the header has 2\n")
