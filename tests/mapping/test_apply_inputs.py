"""Inputs of ``apply`` at the edges: uint64 beyond int64, repeated column names, and the
suggestions given for unmapped values beyond normalisation."""

from __future__ import annotations

import pollutrack as pt
import pyarrow as pa
import pytest

BIG = 2**64 - 1


def test_uint64_beyond_int64_maps_exactly() -> None:
    m = pt.Mapping.from_dict({"id": {BIG: "max", 2**63: "half", 5: "five"}})
    ids = pa.array([BIG, 2**63, 5, None, BIG - 1], pa.uint64())
    res = m.apply({"id": ids}, on_unmapped="keep")
    assert res.table.column("id_mapped").to_pylist() == [
        "max",
        "half",
        "five",
        None,
        "18446744073709551614",
    ]
    assert res.report.to_pylist() == [
        {
            "field": "id",
            "value": "18446744073709551614",
            "count": 1,
            "first_row": 4,
            "suggestion": None,
        }
    ]
    encoded = pa.table({"id": ids.dictionary_encode()})
    out = m.apply(encoded, on_unmapped="keep").table.column("id_mapped")
    assert out.to_pylist() == ["max", "half", "five", None, "18446744073709551614"]
    # The text "18446744073709551615" is the same key; "+5" or "05" are not 5.
    text = m.apply({"id": [str(BIG), "05"]}).table.column("id_mapped")
    assert text.to_pylist() == ["max", None]


def test_repeated_input_columns() -> None:
    m = pt.Mapping.from_dict({"dept": {"HR": "Human resources"}})
    twice = pa.Table.from_arrays([pa.array(["HR"]), pa.array(["x"])], names=["dept", "dept"])
    with pytest.raises(pt.InvalidSpecError) as err:
        m.apply(twice)
    assert str(err.value) == (
        "the data has 2 columns named 'dept'; the column a field maps must be the only one of "
        "its name (rename or drop the others)"
    )
    other = pa.Table.from_arrays(
        [pa.array([1]), pa.array([2]), pa.array(["HR"])], names=["n", "n", "dept"]
    )
    out = m.apply(other).table
    assert out.column_names == ["n", "n", "dept", "dept_mapped"]
    assert out.column(3).to_pylist() == ["Human resources"]
    with pytest.raises(pt.InvalidSpecError, match="output column 'dept_mapped' already exists"):
        m.apply({"dept": ["HR"], "dept_mapped": ["x"]})


def test_similar_suggestions_for_unmapped_values() -> None:
    m = pt.Mapping.from_dict(
        {"dept": {"Finance": "FIN", "Finance and Accounting": "FA", "Room 102": "R2", "HR": "HR"}}
    )
    data = {"dept": ["Finanse", "Finance & Accounting", "finance ", "Room 101", "HRM", "Fin"]}
    res = m.apply(data)
    assert [(r["value"], r["suggestion"]) for r in res.report.to_pylist()] == [
        ("Finanse", "Finance"),
        ("Finance & Accounting", "Finance and Accounting"),
        ("finance ", "Finance"),  # normalisation alone
        ("Room 101", None),  # digits must agree
        ("HRM", None),  # 1 edit in 3 letters: 0.67
        ("Fin", None),
    ]
    normalized = m.apply({"dept": ["FINANSE "]}, normalize=True).report
    assert normalized.column("suggestion").to_pylist() == ["Finance"]
    assert (
        res.summary().splitlines()[1]
        == "  dept: 'Finanse' x1, first row 0; did you mean 'Finance'?"
    )
