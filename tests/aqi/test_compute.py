"""pt.aqi against hand-worked US EPA values (aqi_vectors.py) and the contract's edge cases."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import numpy as np
import pollutrack as pt
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from support import aqi_oracle as oracle
from support.aqi_vectors import (
    CATEGORY_TABLE,
    ENDPOINTS,
    OUTPUTS,
    ROWS,
    SUBINDEX,
    SUBINDICES,
    UNITS,
    case_id,
    summary,
)

E24, E12, E99 = "us_epa_2024", "us_epa_2012", "us_epa_1999"


def one_row(values: dict[str, float | None]) -> pa.Table:
    return pa.table({m: pa.array([v], pa.float64()) for m, v in values.items()})


# --- sub-index -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ENDPOINTS, ids=case_id)
def test_subindex_row_ends(case: tuple[str, str, str, int]) -> None:
    standard, measure, conc, expected = case
    got = pt.aqi.subindex(float(conc), measure, standard=standard)
    assert got == expected
    assert type(got) is int


@pytest.mark.parametrize("case", SUBINDEX, ids=case_id)
def test_subindex_cases(case: tuple[str, str, str, str, int | None]) -> None:
    standard, measure, value, beyond, expected = case
    assert pt.aqi.subindex(float(value), measure, standard=standard, beyond=beyond) == expected


@pytest.mark.parametrize("standard", [E24, E12, E99])
def test_subindex_arrays(standard: str) -> None:
    for measure in oracle.TABLES[standard]:
        cases = [(float(c), i) for s, m, c, i in ENDPOINTS if (s, m) == (standard, measure)]
        values = [c for c, _ in cases] + [None, math.nan, -1.0]
        want = [i for _, i in cases] + [None, None, None]
        null = {"standard": standard, "negative": "null"}
        got = pt.aqi.subindex(values, measure, **null)
        assert isinstance(got, np.ndarray)
        assert got.dtype == np.float64
        assert [None if math.isnan(x) else x for x in got] == want
        got_np = pt.aqi.subindex(np.array(values, dtype=float), measure, **null)
        assert [None if math.isnan(x) else x for x in got_np] == want
        got_pa = pt.aqi.subindex(pa.array(values, pa.float64()), measure, **null)
        assert got_pa.type == pa.int32()
        # pa.array turns the NaN into a NaN value, not a null: still a null sub-index.
        assert got_pa.to_pylist() == want
        # By default -1.0 is rated as 0: index 0, or none where the table starts above 0.
        at_zero = oracle.subindex(0, measure, standard)
        assert at_zero == (None if measure in ("o3_1h", "so2_24h") else 0)
        default = pt.aqi.subindex(pa.array(values, pa.float64()), measure, standard=standard)
        assert default.to_pylist() == [*want[:-1], at_zero]


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), (math.nan, None), (math.inf, None), (-2.0, None)]
)
def test_subindex_scalar_invalid(value: float | None, expected: None) -> None:
    assert pt.aqi.subindex(value, "pm25", negative="null") is expected
    assert pt.aqi.subindex(value, "pm25", standard="in_naqi") is expected  # India: null


@pytest.mark.parametrize(
    ("value", "measure", "expected"),
    [
        (Decimal("35.49"), "pm25", 100),
        (Decimal("9.1"), "pm25", 51),
        (np.float64(35.5), "pm25", 101),
        (np.int64(155), "pm10", 101),
        (155, "pm10", 101),
    ],
)
def test_subindex_scalar_types(value: object, measure: str, expected: int) -> None:
    # Every scalar, Decimal included, gives a plain int (contract: "scalar -> int | None").
    got = pt.aqi.subindex(value, measure)
    assert type(got) is int
    assert got == expected


@pytest.mark.parametrize("case", UNITS, ids=case_id)
def test_subindex_units(case: tuple[str, float, str, int]) -> None:
    measure, value, unit, expected = case
    assert pt.aqi.subindex(value, measure, unit=unit) == expected


def test_subindex_errors() -> None:
    with pytest.raises(pt.InvalidSpecError):
        pt.aqi.subindex(1.0, "pm25", unit="furlongs")
    with pytest.raises(pt.InvalidSpecError):
        pt.aqi.subindex(5.0, "pm10", standard=E99)
    with pytest.raises(pt.PollutrackError):
        pt.aqi.subindex(5.0, "pm7")
    with pytest.raises(pt.PollutrackError):
        pt.aqi.subindex(5.0, "pm25", standard="us_epa_1066")


# --- compute: values and status ----------------------------------------------------------------


@pytest.mark.parametrize("case", ROWS, ids=case_id)
def test_compute_rows(case: tuple) -> None:
    standard, beyond, values, expected = case
    result = pt.aqi.compute(one_row(values), standard=standard, beyond=beyond)
    assert summary(result) == [expected]


@pytest.mark.parametrize("case", SUBINDICES, ids=case_id)
def test_compute_subindices(case: tuple) -> None:
    standard, beyond, values, expected = case
    result = pt.aqi.compute(one_row(values), standard=standard, beyond=beyond, subindices=True)
    got = {
        n.removeprefix("aqi_"): result.column(n)[0].as_py()
        for n in result.column_names[len(values) + 4 :]
    }
    assert got == expected
    assert list(got) == list(expected)  # canonical order pm25, pm10, o3, co, so2, no2


def test_output_schema_and_order() -> None:
    table = pa.table(
        {
            "no2": [77.0],
            "pm25": [12.0],
            "o3_1h": [0.2],
            "o3_8h": [0.08],
            "so2_24h": [350.0],
            "note": ["x"],
        }
    )
    result = pt.aqi.compute(table, subindices=True)
    subs = ["aqi_pm25", "aqi_o3", "aqi_so2", "aqi_no2"]
    assert result.column_names == table.column_names + OUTPUTS + subs
    assert result.select(table.column_names).equals(table)  # input untouched
    assert result.schema.field("aqi").type == pa.int32()
    for name in OUTPUTS[1:]:
        t = result.schema.field(name).type
        assert pa.types.is_dictionary(t), name
        # Dominant ties can list up to 8 pollutants (255 sets), so its keys are int16.
        key = pa.int16() if name == "aqi_dominant" else pa.int8()
        assert (t.index_type, t.value_type) == (key, pa.string()), name
    assert all(result.schema.field(n).type == pa.int32() for n in subs)
    assert summary(result) == [(216, "Very Unhealthy", "so2", "ok")]
    assert [result.column(n)[0].as_py() for n in subs] == [56, 195, 216, 76]


@pytest.mark.parametrize("labels", ["string", "large_string"])
def test_plain_labels_for_spark(labels: str) -> None:
    """The engine writes labels as plain strings (what Spark takes), equal to a pyarrow cast."""
    rng = np.random.default_rng(5)
    pm25 = pa.array(rng.uniform(-5, 600, 5000), mask=rng.random(5000) < 0.1)
    batch = pa.record_batch({"pm25": pm25, "note": pa.array(["x"] * 5000)})
    plan = pt._core.aqi.Plan(batch.schema)
    text = getattr(pa, labels)()
    got = plan.compute_batch(batch, labels=labels)
    want = plan.compute_batch(batch)

    def plain_field(f: pa.Field) -> pa.Field:
        return f.with_type(text) if pa.types.is_dictionary(f.type) or f.type == pa.string() else f

    plain = pa.schema([plain_field(f) for f in want.schema])
    assert got.schema == plain and not got.schema.metadata
    assert not plain.field("aqi_status").nullable
    assert got.equals(want.cast(plain))
    assert got.column("aqi_category").null_count > 0  # nulls survive
    with pytest.raises(pt.InvalidSpecError, match="labels must be"):
        plan.compute_batch(batch, labels="category")


@pytest.mark.parametrize("standard", [E24, E12])
def test_metadata(standard: str) -> None:
    data = {"PM2.5 (ug/m3)": [1.0, 2.0, 3.0], "o3": [50.0, 60.0, 70.0]}
    result = pt.aqi.compute(data, standard=standard, units={"o3": "ppb"}, beyond="cap")
    meta = json.loads(result.schema.metadata[b"pollutrack"])
    assert meta["standard"] == standard
    assert meta["input_rows"] == 3
    assert {"function", "table_version", "options", "units"} <= meta.keys()
    assert meta["columns"] == {"pm25": "PM2.5 (ug/m3)", "o3_8h": "o3"}  # measure -> column used
    assert meta["options"]["beyond"] == "cap"


@pytest.mark.parametrize(
    ("batches", "row", "column", "value"),
    [
        (
            [{"pm25": [1.0, 2.0], "pm10": [1.0, 2.0]}, {"pm25": [3.0, 4.0], "pm10": [5.0, -5.0]}],
            3,
            "pm10",
            -5.0,
        ),  # row counted across chunks (negative="null": a negative reading is refused)
        ([{"pm25": [1.0, math.nan, 3.0], "pm10": [1.0, 2.0, -5.0]}], 1, "pm25", math.nan),
        (
            [{"pm25": [330.0, 1.0], "co": [1.0, math.inf]}],
            1,
            "co",
            math.inf,
        ),  # beyond is not raised
        ([{"o3_8h": [0.05, 0.25]}], 1, "o3_8h", 0.25),
        ([{"so2_24h": [400.0, 200.0]}], 1, "so2_24h", 200.0),
    ],
)
def test_on_invalid_raise(batches: list[dict], row: int, column: str, value: float) -> None:
    table = pa.Table.from_batches([pa.record_batch(b) for b in batches])
    with pytest.raises(pt.InvalidValueError) as info:
        pt.aqi.compute(table, on_invalid="raise", negative="null")
    err = info.value
    assert isinstance(err, pt.PollutrackError)
    assert isinstance(err, ValueError)
    assert (err.row, err.column) == (row, column)
    assert err.value == value or (math.isnan(value) and math.isnan(err.value))
    assert str(row) in str(err)
    assert column in str(err)


def test_on_invalid_raise_passes_valid_and_beyond() -> None:
    result = pt.aqi.compute({"pm25": [330.0, None, 9.1]}, on_invalid="raise")
    assert summary(result) == [
        (509, "Hazardous", "pm25", "beyond_index"),
        (None, None, None, "no_data"),
        (51, "Moderate", "pm25", "ok"),
    ]


# --- concentration -----------------------------------------------------------------------------


def test_concentration_examples() -> None:
    assert pt.aqi.concentration(101, "pm25") == 35.5
    assert pt.aqi.concentration(51, "pm25") == 9.1
    assert pt.aqi.concentration(0, "pm25") == 0.0
    assert pt.aqi.concentration(51, "pm25", standard=E12) == 12.1
    assert pt.aqi.concentration(300, "o3") == 0.2
    assert pt.aqi.concentration(301, "o3_8h") is None
    assert pt.aqi.concentration(201, "so2_1h") is None
    assert type(pt.aqi.concentration(101, "pm25")) is float


SWEEP = [(s, m) for s in (E24, E12) for m in oracle.MEASURES] + [(E99, "pm25")]


@pytest.mark.parametrize(("standard", "measure"), SWEEP)
def test_concentration_inverts_subindex(standard: str, measure: str) -> None:
    index = np.arange(501)
    conc = np.asarray(pt.aqi.concentration(index, measure, standard=standard))
    assert conc.dtype == np.float64
    want = [oracle.concentration(i, measure, standard) for i in index]
    assert [None if math.isnan(c) else c for c in conc] == [
        None if w is None else float(w) for w in want
    ]
    ok = ~np.isnan(conc)
    at = pt.aqi.subindex(conc[ok], measure, standard=standard)
    below = pt.aqi.subindex(  # one step below 0 is below every index (no index at all)
        np.round(conc[ok] - float(oracle.QUANTUM[measure]), 3),
        measure,
        standard=standard,
        negative="null",
    )
    assert np.all(at >= index[ok])
    assert np.all(np.isnan(below) | (below < index[ok]))


# --- tables ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("standard", "count"), [(E24, 39), (E12, 45), (E99, 7)])
def test_breakpoints(standard: str, count: int) -> None:
    bp = pt.aqi.breakpoints(standard)
    assert bp.column_names == [
        "measure",
        "pollutant",
        "averaging",
        "unit",
        "aqi_lo",
        "aqi_hi",
        "conc_lo",
        "conc_hi",
        "category",
    ]
    assert bp.num_rows == count
    rows = bp.to_pylist()
    got = sorted(
        (
            r["measure"],
            r["aqi_lo"],
            r["aqi_hi"],
            Decimal(str(r["conc_lo"])),
            Decimal(str(r["conc_hi"])),
        )
        for r in rows
    )
    want = sorted(
        (m, ilo, ihi, Decimal(lo), Decimal(hi))
        for m, table in oracle.TABLES[standard].items()
        for lo, hi, ilo, ihi in table
    )
    assert got == want
    hours = {
        "pm25": "24",
        "pm10": "24",
        "co": "8",
        "o3_8h": "8",
        "o3_1h": "1",
        "so2_1h": "1",
        "so2_24h": "24",
        "no2": "1",
    }
    units = {
        "o3_8h": "ppm",
        "o3_1h": "ppm",
        "co": "ppm",
        "so2_1h": "ppb",
        "so2_24h": "ppb",
        "no2": "ppb",
    }
    for r in rows:
        assert r["category"] == oracle.category(r["aqi_lo"])
        assert "".join(ch for ch in r["averaging"] if ch.isdigit()) == hours[r["measure"]]
        assert r["unit"] == units.get(r["measure"], r["unit"])
        assert "g/m" in r["unit"] or r["measure"] in units


@pytest.mark.parametrize("standard", [E24, E12, E99])
def test_categories(standard: str) -> None:
    keys = ["category", "aqi_lo", "aqi_hi", "colour", "hex"]
    assert pt.aqi.categories(standard).to_pylist() == [
        dict(zip(keys, row, strict=True)) for row in CATEGORY_TABLE
    ]


def test_standards() -> None:
    names = pt.aqi.standard_names()
    assert names[:3] == [E24, E12, E99]
    table = pt.aqi.standards()
    assert set(table.column("standard").to_pylist()) == set(names)
    epa = table.filter(pc.field("standard") == E24).select(["measure", "averaging", "unit"])
    assert epa.to_pylist()[:2] == [
        {"measure": "pm25", "averaging": "24h", "unit": "ug/m3"},
        {"measure": "pm10", "averaging": "24h", "unit": "ug/m3"},
    ]


# --- columns, units and errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "aqi", "dominant"),
    [
        ("PM2.5", 35.5, 101, "pm25"),
        ("pm2_5", 35.5, 101, "pm25"),
        ("PM2.5 (ug/m3)", 35.5, 101, "pm25"),
        ("Pm25", 9.1, 51, "pm25"),
        ("PM10", 155, 101, "pm10"),
        ("pm10 (ug/m3)", 155, 101, "pm10"),
        ("O3", 0.080, 133, "o3"),
        ("ozone", 0.080, 133, "o3"),
        ("O3_8h", 0.080, 133, "o3"),
        ("O3_1H", 0.200, 195, "o3"),
        ("CO", 1.1, 13, "co"),
        ("SO2", 245, 176, "so2"),
        ("so2_1h", 400, 200, "so2"),
        ("SO2_24h", 350, 216, "so2"),
        ("NO2", 77, 76, "no2"),
        ("NO2 (ppb)", 77, 76, "no2"),
        ("PM 2.5", 35.5, 101, "pm25"),
        ("pm25 (µg/m³)", 35.5, 101, "pm25"),
        ("SO2 24h", 350, 216, "so2"),
        ("O3 1h (ppm)", 0.200, 195, "o3"),
    ],
)
def test_column_recognition(name: str, value: float, aqi: int, dominant: str) -> None:
    result = pt.aqi.compute(pa.table({name: pa.array([value], pa.float64())}))
    row = summary(result)[0]
    assert (row[0], row[2], row[3]) == (aqi, dominant, "ok")


def test_columns_override() -> None:
    table = pa.table({"fine": [35.5], "pm10": [155.0], "oz": [0.2]})
    result = pt.aqi.compute(table, columns={"pm25": "fine", "o3": "oz"})
    assert summary(result) == [(300, "Very Unhealthy", "o3", "ok")]  # 0.200 ppm 8-h -> 300
    result = pt.aqi.compute(table, columns={"pm25": "fine", "o3_1h": "oz"})
    assert summary(result) == [(195, "Unhealthy", "o3", "ok")]
    result = pt.aqi.compute(
        pa.table({"pm25": [9.0], "pm10": [155.0]}), columns={"pm10": None}, subindices=True
    )
    assert summary(result) == [(50, "Good", "pm25", "ok")]
    assert "aqi_pm10" not in result.column_names
    with pytest.raises(pt.ColumnNotFoundError):
        pt.aqi.compute(table, columns={"pm25": "coarse"})


def test_units_in_compute() -> None:
    data = {"o3": [137.4], "no2": [200.0], "co": [10.0]}
    result = pt.aqi.compute(
        data, units={"o3": "ug/m3", "no2": "ug/m3", "co": "mg/m3"}, subindices=True
    )
    assert summary(result) == [(102, "Unhealthy for Sensitive Groups", "no2", "ok")]
    assert [result.column(c)[0].as_py() for c in ("aqi_o3", "aqi_co", "aqi_no2")] == [97, 93, 102]
    # Without units 137.4 is read as ppm: far above the 8-h table, so O3 is undefined.
    assert summary(pt.aqi.compute({"o3": [137.4]})) == [(None, None, None, "undefined")]


@pytest.mark.parametrize(
    ("units", "named"), [({"no2": "furlongs"}, "no2"), ({"pm25": "ppb"}, "pm25")]
)
def test_bad_units(units: dict[str, str], named: str) -> None:
    with pytest.raises(pt.InvalidSpecError, match=named):
        pt.aqi.compute({"pm25": [1.0], "no2": [1.0]}, units=units)


@pytest.mark.parametrize(
    ("data", "kwargs", "error", "builtin"),
    [
        ({"pm25": [1.0], "PM2.5": [2.0]}, {}, pt.InvalidSpecError, ValueError),
        ({"o3": [0.05], "o3_8h": [0.05]}, {}, pt.InvalidSpecError, ValueError),
        ({"temperature": [20.0]}, {}, pt.ColumnNotFoundError, KeyError),
        ({"pm25": ["35.5"]}, {}, pt.UnsupportedTypeError, TypeError),
        ({"pm25": [1.0], "aqi": [3]}, {}, pt.InvalidSpecError, ValueError),
        ({"pm25": [1.0], "aqi_category": ["x"]}, {}, pt.InvalidSpecError, ValueError),
        ({"pm25": [1.0], "pm10": [5.0]}, {"standard": E99}, pt.InvalidSpecError, ValueError),
        ({"pm25": [1.0]}, {"standard": "us_epa_1066"}, pt.PollutrackError, ValueError),
        ({"pm25": [1.0]}, {"beyond": "clip"}, pt.InvalidSpecError, ValueError),
        ({"pm25": [1.0]}, {"on_invalid": "ignore"}, pt.InvalidSpecError, ValueError),
    ],
)
def test_spec_errors(data: dict, kwargs: dict, error: type, builtin: type) -> None:
    with pytest.raises(error) as info:
        pt.aqi.compute(pa.table(data), **kwargs)
    assert isinstance(info.value, builtin)
    assert isinstance(info.value, pt.PollutrackError)


def test_1999_pm25_only() -> None:
    result = pt.aqi.compute({"pm25": [35.0, 15.5, 600.0]}, standard=E99)
    assert result.column("aqi").to_pylist() == [89, 51, 566]


# --- input types -------------------------------------------------------------------------------


def test_beyond_null_voids_the_pollutant_not_just_the_row() -> None:
    # O3 1-h 0.700 ppm is beyond the 0.604 top; the 8-h 0.090 ppm alone would give
    # 151 + 49 * (90 - 86) / 19 = 161.3 -> 161, which would understate ozone.
    table = pa.table({"o3_8h": [0.090, 0.090], "o3_1h": [0.700, 0.130], "pm25": [5.0, 5.0]})
    out = pt.aqi.compute(table, beyond="null", subindices=True)
    assert out.column("aqi_o3").to_pylist() == [None, 161]
    assert out.column("aqi_pm25").to_pylist() == [28, 28]
    assert out.column("aqi").to_pylist() == [None, 161]
    assert out.column("aqi_status").to_pylist() == ["beyond_index", "ok"]
    assert oracle.compute_row({"o3_8h": 0.090, "o3_1h": 0.700, "pm25": 5.0}, beyond="null")[4] == {
        "pm25": 28,
        "o3": None,
    }
