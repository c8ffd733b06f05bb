"""Loading and validating mapping sheets: Excel (real files), ODS, CSV, JSON, tables, dicts."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pandas as pd
import polars as pl
import pollutrack as pt
import pyarrow as pa
import pytest
from support.mapping_sheets import STATUS_RULES, write_json, write_xlsx


def rules(m: pt.Mapping) -> list[tuple[str, str, str, int]]:
    return [(r["field"], r["source"], r["target"], r["row"]) for r in m.rules.to_pylist()]


def test_one_sheet_layout_with_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", {"Map": STATUS_RULES})
    m = pt.Mapping.from_excel(path)
    assert m.fields == ["status", "dept"]
    assert rules(m)[0] == ("status", "open", "Open", 2)
    assert rules(m)[-1] == ("dept", "HR", "HR", 6)
    assert m.rules.column("sheet").to_pylist() == ["Map"] * 5
    assert len(m) == 5
    assert m.duplicates.num_rows == 0


def test_one_worksheet_per_field_and_header_aliases(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "status": [("Source value", "Target value"), ("open", "Open")],
            "empty": [],
            "dept": [(None, None), ("From", "To"), ("HR", "Human resources")],
        },
    )
    m = pt.Mapping.from_excel(path)
    assert rules(m) == [("status", "open", "Open", 2), ("dept", "HR", "Human resources", 3)]
    only = pt.Mapping.from_excel(path, sheet="dept")
    assert only.fields == ["dept"]


def test_target_field_and_renamed_columns(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "m.xlsx",
        {
            "S": [
                ("Feld", "Von", "Nach", "Zielfeld"),
                ("cbwd", "NE", "northeast", "wind"),
                ("cbwd", "cv", "calm", None),
            ]
        },
    )
    columns = {"field": "feld", "source": "VON", "target": "nach", "target_field": "Zielfeld"}
    m = pt.Mapping.from_excel(path, columns=columns)
    assert m.target_fields == {"cbwd": "wind"}
    out = m.apply({"cbwd": ["cv"]}).table
    assert out.column_names == ["cbwd", "wind"]
    assert out.column("wind").to_pylist() == ["calm"]


def test_conflict_names_worksheet_and_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", {"Map": [*STATUS_RULES, ("status", "open", "Opened")]})
    with pytest.raises(
        pt.InvalidSpecError,
        match=r"worksheet 'Map' row 7: conflicting rule: field 'status' source "
        r"value 'open' maps to 'Opened' here but to 'Open' at worksheet 'Map' row 2",
    ):
        pt.Mapping.from_excel(path)


def test_exact_duplicates_are_reported_not_fatal(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", {"Map": [*STATUS_RULES, ("dept", "HR", "HR")]})
    m = pt.Mapping.from_excel(path)
    assert len(m) == 5
    dup = m.duplicates.to_pylist()
    assert [(d["source"], d["row"], d["first_row"]) for d in dup] == [("HR", 7, 6)]


def test_excel_numbers_1_and_1_0_and_text_1_are_one_key(tmp_path: Path) -> None:
    sheet = [
        ("field", "source", "target"),
        ("p", 1, "One"),
        ("p", 2.0, "Two"),
        ("p", "1", "One"),
        ("p", 2.5, "Half"),
    ]
    m = pt.Mapping.from_excel(write_xlsx(tmp_path / "m.xlsx", {"S": sheet}))
    assert m.rules.column("source").to_pylist() == ["1", "2", "2.5"]
    assert m.duplicates.column("row").to_pylist() == [4]
    ints = m.apply({"p": pa.array([1, 2, 3], pa.int16())}, on_unmapped="keep").table.column(
        "p_mapped"
    )
    assert ints.to_pylist() == ["One", "Two", "3"]
    assert ints.type == pa.string()
    text = m.apply({"p": ["1", "2", "2.5", "1.0"]}).table.column("p_mapped")
    assert text.to_pylist() == ["One", "Two", "Half", None]  # data text is never reinterpreted
    conflict = [("field", "source", "target"), ("p", 1.0, "One"), ("p", "1", "Uno")]
    with pytest.raises(pt.InvalidSpecError, match="row 3: conflicting rule"):
        pt.Mapping.from_excel(write_xlsx(tmp_path / "c.xlsx", {"S": conflict}))


def test_dates_booleans_and_padding(tmp_path: Path) -> None:
    sheet = [
        ("field", "source", "target"),
        ("d", dt.date(2024, 1, 31), "Q1"),
        ("d", dt.datetime(2024, 4, 1, 8, 30), "Q2"),
        ("d", True, "yes"),
        ("d", " spaced ", "kept as written"),
    ]
    m = pt.Mapping.from_excel(write_xlsx(tmp_path / "m.xlsx", {"S": sheet}))
    assert m.rules.column("source").to_pylist() == [
        "2024-01-31",
        "2024-04-01T08:30:00",
        "true",
        " spaced ",
    ]


def test_blank_cells(tmp_path: Path) -> None:
    ok = [
        ("field", "source", "target"),
        ("s", "a", "A"),
        (None, None, None),
        ("s", "  ", None),
        ("s", "b", "B"),
    ]
    m = pt.Mapping.from_excel(write_xlsx(tmp_path / "ok.xlsx", {"S": ok}))
    assert rules(m) == [("s", "a", "A", 2), ("s", "b", "B", 5)]  # blank rows are skipped
    blank_target = [("field", "source", "target"), ("s", "a", "  ")]
    with pytest.raises(pt.InvalidSpecError, match="worksheet 'S' row 2: the target value is blank"):
        pt.Mapping.from_excel(write_xlsx(tmp_path / "t.xlsx", {"S": blank_target}))
    blank_source = [("field", "source", "target"), ("s", None, "A")]
    with pytest.raises(pt.InvalidSpecError, match="row 2: the source value is blank"):
        pt.Mapping.from_excel(write_xlsx(tmp_path / "s.xlsx", {"S": blank_source}))
    blank_field = [("field", "source", "target"), (None, "a", "A")]
    with pytest.raises(pt.InvalidSpecError, match="row 2: the field is blank"):
        pt.Mapping.from_excel(write_xlsx(tmp_path / "f.xlsx", {"S": blank_field}))


def test_formulas_and_error_cells(tmp_path: Path) -> None:
    # openpyxl saves formulas without a computed value, as any script does: they read as blank.
    formula = [("field", "source", "target"), ("s", "a", '=UPPER("a")')]
    with pytest.raises(
        pt.InvalidSpecError, match="target value is blank; a formula Excel never calculated"
    ):
        pt.Mapping.from_excel(write_xlsx(tmp_path / "f.xlsx", {"S": formula}))
    error = [("field", "source", "target"), ("s", "a", "#N/A")]
    with pytest.raises(
        pt.InvalidSpecError, match="row 2, column 'target': the cell holds the error #N/A"
    ):
        pt.Mapping.from_excel(write_xlsx(tmp_path / "e.xlsx", {"S": error}))


def test_bad_sheets(tmp_path: Path) -> None:
    missing = write_xlsx(
        tmp_path / "m.xlsx", {"S": [("field", "source", "value"), ("s", "a", "A")]}
    )
    with pytest.raises(pt.InvalidSpecError, match=r"worksheet 'S': no target column .*\"value\""):
        pt.Mapping.from_excel(missing)
    empty = write_xlsx(tmp_path / "e.xlsx", {"Empty": [], "S": STATUS_RULES})
    with pytest.raises(pt.InvalidSpecError, match=r"worksheet 'Empty' of 'e\.xlsx' is empty"):
        pt.Mapping.from_excel(empty, sheet="Empty")
    assert len(pt.Mapping.from_excel(empty)) == 5  # skipped when reading every worksheet
    nothing = write_xlsx(tmp_path / "n.xlsx", {"Empty": []})
    with pytest.raises(pt.InvalidSpecError, match="has no rules"):
        pt.Mapping.from_excel(nothing)
    header_only = write_xlsx(tmp_path / "h.xlsx", {"S": [("field", "source", "target")]})
    with pytest.raises(pt.InvalidSpecError, match="has no rules"):
        pt.Mapping.from_excel(header_only)
    with pytest.raises(
        pt.InvalidSpecError, match=r"has no worksheet 'Mapping'; it has \[\"Empty\", \"S\"\]"
    ):
        pt.Mapping.from_excel(empty, sheet=["S", "Mapping"])
    with pytest.raises(FileNotFoundError):
        pt.Mapping.from_excel(tmp_path / "absent.xlsx")
    not_a_workbook = tmp_path / "x.xlsx"
    not_a_workbook.write_text("hello")
    with pytest.raises(pt.InvalidSpecError, match="cannot read workbook"):
        pt.Mapping.from_excel(not_a_workbook)
    with pytest.raises(pt.InvalidSpecError, match="unknown column key 'src'"):
        pt.Mapping.from_excel(missing, columns={"src": "x"})


def test_ods_workbook(tmp_path: Path) -> None:
    pytest.importorskip("odf")
    path = tmp_path / "m.ods"
    frame = pd.DataFrame({"field": ["p", "p"], "source": [1.0, "x"], "target": ["One", "X"]})
    frame.to_excel(path, sheet_name="Rules", index=False, engine="odf")
    m = pt.Mapping.from_excel(path)
    assert rules(m) == [("p", "1", "One", 2), ("p", "x", "X", 3)]


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "status.csv"
    path.write_text("Source,Target\nopen,Open\n\nclosed,Closed\n", encoding="utf-8")
    m = pt.Mapping.from_csv(path)
    assert rules(m) == [("status", "open", "Open", 2), ("status", "closed", "Closed", 4)]
    assert m.rules.column("sheet").to_pylist() == ["status.csv"] * 2
    bad = tmp_path / "bad.csv"
    bad.write_text("field,source,target\ns,a,A\ns,a,B\n", encoding="utf-8")
    with pytest.raises(pt.InvalidSpecError, match=r"worksheet 'bad\.csv' row 3: conflicting rule"):
        pt.Mapping.from_csv(bad)


def test_json_shapes(tmp_path: Path) -> None:
    listed = write_json(
        tmp_path / "l.json", [{"field": "s", "source": 1.0, "target": "One", "note": "x"}]
    )
    assert rules(pt.Mapping.from_json(listed)) == [("s", "1", "One", 1)]
    nested = write_json(tmp_path / "n.json", {"s": {"a": "A", "b": "B"}})
    assert rules(pt.Mapping.from_json(nested)) == [("s", "a", "A", 1), ("s", "b", "B", 2)]
    broken = tmp_path / "b.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(pt.InvalidSpecError, match=r"'b\.json' is not valid JSON"):
        pt.Mapping.from_json(broken)
    with pytest.raises(pt.InvalidSpecError, match="must be an object of source: target"):
        pt.Mapping.from_json(write_json(tmp_path / "w.json", {"s": ["a"]}))
    with pytest.raises(pt.InvalidSpecError, match="expected text or a number"):
        pt.Mapping.from_json(
            write_json(tmp_path / "x.json", [{"field": "s", "source": [1], "target": "A"}])
        )


def test_tables_and_dicts() -> None:
    frame = pl.DataFrame({"field": ["p", "p"], "source": [1.0, 2.5], "target": ["One", "Half"]})
    assert rules(pt.Mapping.from_table(frame)) == [("p", "1", "One", 1), ("p", "2.5", "Half", 2)]
    per_field = pa.table({"source": pa.array(["a"]).dictionary_encode(), "target": ["A"]})
    assert pt.Mapping.from_table(per_field).fields == ["table"]
    with pytest.raises(
        pt.UnsupportedTypeError, match=r"column 'source' has type list<item: int64>,"
    ):
        pt.Mapping.from_table(pa.table({"field": ["s"], "source": [[1]], "target": ["A"]}))
    with pytest.raises(pt.InvalidSpecError, match="no source column"):
        pt.Mapping.from_table({"field": ["s"], "target": ["A"]})
    m = pt.Mapping.from_dict({"s": {1.0: "One", "b": "B"}})
    assert m.rules.column("source").to_pylist() == ["1", "b"]


def test_pickle_is_compact_and_equal(tmp_path: Path) -> None:
    sheet = (
        [("field", "source", "target")]
        + [("f", f"v{i}", f"T{i % 7}") for i in range(3000)]
        + [("f", "v1", "T1")]
    )
    m = pt.Mapping.from_excel(write_xlsx(tmp_path / "big.xlsx", {"S": sheet}))
    blob = pickle.dumps(m)
    assert len(blob) < 50 * 3001  # each rule: field, source, target, sheet, row as JSON
    back = pickle.loads(blob)
    assert back.rules.equals(m.rules)
    assert back.duplicates.equals(m.duplicates)
    data = {"f": ["v1", "v2999", "x"]}
    assert back.apply(data).table.equals(m.apply(data).table)
    core = pickle.loads(pickle.dumps(m._core))
    assert len(core) == 3000
