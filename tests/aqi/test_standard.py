"""pt.aqi.Standard (built-in and custom tables), compare, correct_purpleair and the options
every standard shares. The per-standard rules are checked in test_aqi_world.py."""

from __future__ import annotations

import json
import pickle
from fractions import Fraction
from pathlib import Path

import numpy as np
import pollutrack as pt
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from support import aqi_oracle as oracle

NEW = ["in_naqi", "cn_hj633_2012", "eu_eaqi_2024", "eu_eaqi_pre2024", "uk_daqi", "ca_aqhi"]


def test_every_standard_is_listed_with_its_measures() -> None:
    names = pt.aqi.standard_names()
    assert names[0] == "us_epa_2024" and set(NEW) <= set(names)
    table = pt.aqi.standards()
    china = table.filter(pc.field("standard") == "cn_hj633_2012")
    assert china.column("measure").to_pylist() == [
        "pm25", "pm10", "so2_24h", "so2_1h", "no2_24h", "no2_1h",
        "co_24h", "co_1h", "o3_8h", "o3_1h",
    ]  # fmt: skip
    assert set(china.column("rounding").to_pylist()) == {"half_even"}
    uk = table.filter(pc.field("standard") == "uk_daqi")
    assert set(uk.column("temperature_c").to_pylist()) == {20}
    assert uk.filter(pc.field("measure") == "so2").column("averaging").to_pylist() == ["15min"]


@pytest.mark.parametrize("standard", oracle.STANDARDS)
def test_what_a_standard_says_of_its_measures_agrees_with_the_reference(standard: str) -> None:
    """Decimals and aliases, as every user reads them from the standard (the oracle: by hand)."""
    std = pt.aqi.Standard(standard)
    for key in oracle.TABLES[standard]:
        measure = std.measure(key)
        assert measure["key"] == key
        assert Fraction(1, 10 ** measure["decimals"]) == oracle.QUANTUM[key]
        assert measure["rounding"] == "truncate"
    for alias, key in oracle.ALIASES.items():
        if key in oracle.TABLES[standard]:
            assert std.measure(alias)["key"] == key


def test_measure_reads_names_as_compute_does() -> None:
    epa = pt.aqi.Standard("us_epa_2024")
    pm = epa.measure("PM2.5 (ug/m3)")
    assert pm == {
        "key": "pm25",
        "pollutant": "pm25",
        "averaging": "24h",
        "unit": "ug/m3",
        "decimals": 1,
        "rounding": "truncate",
    }
    assert epa.measure("so2")["key"] == "so2_1h"
    assert pt.aqi.Standard("cn_hj633_2012").measure("so2")["key"] == "so2_24h"
    assert "decimals" not in pt.aqi.Standard("eu_eaqi_2024").measure("pm25")  # bands: no rounding
    with pytest.raises(pt.InvalidSpecError, match="us_epa_1999 has no measure 'pm10'"):
        pt.aqi.Standard("us_epa_1999").measure("pm10")


def test_breakpoints_and_categories_of_banded_standards() -> None:
    bp = pt.aqi.breakpoints("eu_eaqi_2024").filter(pc.field("measure") == "pm25")
    assert bp.column("conc_hi").to_pylist() == [5.0, 15.0, 50.0, 90.0, 140.0, None]
    assert bp.column("aqi_lo").to_pylist() == bp.column("aqi_hi").to_pylist() == [1, 2, 3, 4, 5, 6]
    uk = pt.aqi.categories("uk_daqi").to_pylist()
    assert [c["category"] for c in uk] == ["Low"] * 3 + ["Moderate"] * 3 + ["High"] * 3 + [
        "Very High"
    ]
    assert uk[6]["hex"] == "#FF6464" and uk[9]["aqi_hi"] is None
    with pytest.raises(pt.InvalidSpecError, match="formula"):
        pt.aqi.breakpoints("ca_aqhi")
    # Category dictionaries hold each name once, so pandas can make a Categorical of them.
    out = pt.aqi.compute({"pm25": [5.0, 40.0, 80.0]}, standard="uk_daqi")
    assert out.column("aqi_category").to_pandas().tolist() == ["Low", "Moderate", "Very High"]


def test_builtin_standard_objects_pickle_by_name() -> None:
    india = pt.aqi.Standard("in_naqi")
    assert repr(india) == "Standard('in_naqi')"
    assert pickle.loads(pickle.dumps(india)) == india
    assert len(pickle.dumps(india)) < 200
    data = {"pm25": [45.0], "no2": [60.0], "o3": [120.0]}
    assert pt.aqi.compute(data, standard=india).column("aqi").to_pylist() == [129]
    with pytest.raises(pt.InvalidSpecError, match="unknown standard 'xx'"):
        pt.aqi.Standard("xx")


def _custom(rows: list[list[object]]) -> dict[str, object]:
    return {
        "id": "my_pm",
        "title": "My PM2.5 index",
        "measures": [{"key": "pm25", "pollutant": "pm25", "unit": "ug/m3", "rows": rows}],
        "categories": [
            {"name": "Low", "lo": 0, "hi": 50, "hex": "#00FF00"},
            {"name": "High", "lo": 51, "hi": None},
        ],
    }


def test_custom_standard_from_dict_text_and_file(tmp_path: Path) -> None:
    spec = _custom([["0.0", "10.0", 0, 50], ["10.1", "50.0", 51, 100]])
    mine = pt.aqi.Standard.from_json(spec)
    assert (mine.id, mine.title) == ("my_pm", "My PM2.5 index")
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(spec))
    assert pt.aqi.Standard.from_json(path) == mine == pt.aqi.Standard.from_json(json.dumps(spec))
    assert pickle.loads(pickle.dumps(mine)) == mine
    # 10.05 truncates to 10.0 (50); 30: 51 + 49·199/399 = 75.4 -> 75; 60: extends the top row.
    out = pt.aqi.compute({"PM2.5": [10.05, 30.0, 60.0]}, standard=mine, subindices=True)
    assert out.column("aqi").to_pylist() == [50, 75, 112]
    assert out.column("aqi_category").to_pylist() == ["Low", "High", "High"]
    assert out.column("aqi_status").to_pylist() == ["ok", "ok", "beyond_index"]
    assert pt.aqi.subindex([10.1], "pm25", standard=mine).tolist() == [51.0]
    assert pt.aqi.concentration(51, "pm25", standard=mine) == 10.1
    meta = json.loads(out.schema.metadata[b"pollutrack"])
    assert (
        meta["standard"] == "my_pm"
        and meta["custom_standard"]["measures"][0]["rows"][1][0] == "10.1"
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["0", "10", 0, 50], ["12", "20", 51, 100]],
            "measure 'pm25': row 2: leaves a gap after row 1",
        ),
        ([["0", "10", 0, 50], ["9", "20", 51, 100]], "row 2: overlaps row 1"),
        ([["0", "10", 0, 50], ["11", "20", 40, 100]], "row 2: index starts below"),
        ([["10", "0", 0, 50]], "row 1: lower limit above upper limit"),
        ([["0", "ten", 0, 50]], "row 1: 'ten' is not a decimal"),
        ([["0", "10", 0]], "row 1: has 3 values, expected 4"),
    ],
)
def test_invalid_custom_tables_name_the_row(rows: list[list[object]], message: str) -> None:
    with pytest.raises(pt.InvalidSpecError, match=message):
        pt.aqi.Standard.from_json(_custom(rows))


def test_invalid_custom_standards() -> None:
    with pytest.raises(pt.InvalidSpecError, match="built-in"):
        pt.aqi.Standard.from_json(pt.aqi.Standard("us_epa_2024").to_dict())
    with pytest.raises(pt.InvalidSpecError, match="unknown field"):
        pt.aqi.Standard.from_json({**_custom([["0", "1", 0, 50]]), "colour": "red"})
    open_first = [{"name": "A", "lo": 0, "hi": None}, {"name": "B", "lo": 1, "hi": 2}]
    bad_categories = {**_custom([["0", "1", 0, 50]]), "categories": open_first}
    with pytest.raises(pt.InvalidSpecError, match="category 1"):
        pt.aqi.Standard.from_json(bad_categories)


def test_the_negative_policy_and_the_rules_are_part_of_a_standard() -> None:
    assert pt.aqi.Standard("us_epa_2024").to_dict()["negative"] == "zero"
    assert "negative" not in pt.aqi.Standard("in_naqi").to_dict()  # null, the default
    assert pt.aqi.Standard("cn_hj633_2012").to_dict()["rules"] == ["hj633_periods"]
    custom = _custom([["0", "10", 0, 50]])
    assert pt.aqi.subindex(-1.0, "pm25", standard=pt.aqi.Standard.from_json(custom)) is None
    zero = pt.aqi.Standard.from_json({**custom, "negative": "zero"})
    assert pt.aqi.subindex(-1.0, "pm25", standard=zero) == 0
    with pytest.raises(pt.InvalidSpecError, match="negative must be 'zero' or 'null', not 'abs'"):
        pt.aqi.Standard.from_json({**custom, "negative": "abs"})
    with pytest.raises(pt.InvalidSpecError, match="known: us_epa_so2, hj633_periods"):
        pt.aqi.Standard.from_json({**custom, "rules": ["larger"]})
    both = {**custom, "rules": ["us_epa_so2", "hj633_periods"]}
    with pytest.raises(pt.InvalidSpecError, match="exclude each other"):
        pt.aqi.Standard.from_json(both)
    bp = pt.aqi.breakpoints("us_epa_2012")
    copy = pt.aqi.Standard.from_table(bp, id="copy_zero", negative="zero")
    assert pt.aqi.subindex(-1.0, "pm25", standard=copy) == 0
    assert pt.aqi.subindex(-1.0, "pm25", standard=pt.aqi.Standard.from_table(bp, id="c")) is None


def test_a_variant_of_a_builtin_table() -> None:
    spec = pt.aqi.Standard("us_epa_2024").to_dict()
    spec["id"] = "epa_draft"
    spec["measures"][0]["rows"][0][1] = "8.0"  # Good ends at 8.0 instead of 9.0 ...
    spec["measures"][0]["rows"][1][0] = "8.1"  # ... and Moderate starts at 8.1
    draft = pt.aqi.Standard.from_json(spec)
    assert pt.aqi.subindex([8.1, 9.0], "pm25", standard=draft).tolist() == [51.0, 53.0]


def test_from_table_round_trips_a_linear_table() -> None:
    copy = pt.aqi.Standard.from_table(pt.aqi.breakpoints("us_epa_2012"), id="epa_2012_copy")
    rng = np.random.default_rng(3)
    data = {
        "pm25": np.round(rng.uniform(0, 600, 2000), 2),
        "pm10": rng.uniform(0, 700, 2000),
        "co": rng.uniform(0, 60, 2000),
        "no2": rng.uniform(0, 2200, 2000),
    }
    for key in data:  # same tables, same rounding: same indices
        ours = pt.aqi.subindex(data[key], key, standard=copy)
        theirs = pt.aqi.subindex(data[key], key, standard="us_epa_2012")
        np.testing.assert_array_equal(ours, theirs)


def test_from_table_builds_bands_with_a_categories_table() -> None:
    bands = pa.table(
        {
            "measure": ["pm10"] * 3,
            "unit": ["ug/m3"] * 3,
            "aqi_lo": [1, 2, 3],
            "aqi_hi": [1, 2, 3],
            "conc_lo": [0.0, 20.0, 50.0],
            "conc_hi": [20.0, 50.0, None],
        }
    )
    cats = pa.table({"category": ["A", "B", "C"], "aqi_lo": [1, 2, 3], "aqi_hi": [1, 2, None]})
    mine = pt.aqi.Standard.from_table(bands, cats, id="three_bands")
    assert pt.aqi.subindex([20.0, 20.5, 900.0], "pm10", standard=mine).tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="lacks columns"):
        pt.aqi.Standard.from_table(bands.drop_columns(["unit"]), cats, id="x")


def test_compare_epa_2012_with_2024() -> None:
    data = pa.table({"site": ["a", "b", "c", "d"], "pm25": [10.0, 40.0, 150.0, None]})
    t = pt.aqi.compare(data, ["us_epa_2012", "us_epa_2024"])
    assert t.column("site").to_pylist() == ["a", "b", "c", "d"]
    # 10.0: 42 (Good) -> 53 (Moderate); 150.0: 200 (Unhealthy) -> 225 (Very Unhealthy).
    assert t.column("us_epa_2012_aqi").to_pylist() == [42, 112, 200, None]
    assert t.column("us_epa_2024_aqi").to_pylist() == [53, 112, 225, None]
    assert t.column("us_epa_2024_aqi_change").to_pylist() == [11, 0, 25, None]
    assert t.column("us_epa_2024_category_change").to_pylist() == [1, 0, 1, None]
    assert t.column("us_epa_2024_status").to_pylist() == ["ok", "ok", "ok", "no_data"]
    meta = json.loads(t.schema.metadata[b"pollutrack"])
    assert [s["standard"] for s in meta["standards"]] == ["us_epa_2012", "us_epa_2024"]


def test_compare_leaves_out_what_a_standard_does_not_rate() -> None:
    data = {"pm25": [45.0], "pm10": [120.0], "no2": [60.0], "nh3": [300.0], "o3": [120.0]}
    t = pt.aqi.compare(
        data,
        ["in_naqi", "us_epa_2024", pt.aqi.Standard("uk_daqi")],
        units={"o3": "ug/m3", "no2": "ug/m3"},
    )
    row = t.to_pylist()[0]
    assert row["in_naqi_aqi"] == 129 and row["in_naqi_dominant"] == "o3"
    assert row["uk_daqi_aqi"] == 10  # PM10 120 µg/m³ is band 10
    meta = json.loads(t.schema.metadata[b"pollutrack"])
    assert meta["standards"][1]["columns_not_rated"] == ["nh3"]
    with pytest.raises(ValueError, match="twice"):
        pt.aqi.compare(data, ["uk_daqi", "uk_daqi"])


def test_unit_conversion_temperature_per_standard_and_overridable() -> None:
    # 13.2 ppb NO2 is 25.25 µg/m³ at 20 °C (EEA band 3) but 24.84 at 25 °C (band 2).
    data = {"no2": [13.2]}
    eea = pt.aqi.compute(data, standard="eu_eaqi_2024", units={"no2": "ppb"})
    assert eea.column("aqi").to_pylist() == [3]
    at25 = pt.aqi.compute(data, standard="eu_eaqi_2024", units={"no2": "ppb"}, temperature=25)
    assert at25.column("aqi").to_pylist() == [2]
    meta = json.loads(at25.schema.metadata[b"pollutrack"])
    assert meta["options"]["unit_conversion"].startswith("25 C")
    with pytest.raises(pt.InvalidSpecError, match="temperature"):
        pt.aqi.compute(data, standard="eu_eaqi_2024", temperature=30)


def test_columns_a_standard_does_not_rate_are_refused_with_a_way_out() -> None:
    data = {"pm25": [10.0], "nh3": [5.0]}
    with pytest.raises(pt.InvalidSpecError, match="nh3"):
        pt.aqi.compute(data)
    out = pt.aqi.compute(data, columns={"nh3": None})
    assert out.column("aqi").to_pylist() == [53]


def test_hourly_functions_name_the_standards_they_support() -> None:
    hourly = {"station": ["a"], "time": pa.array([0], pa.timestamp("s")), "pm25": [10.0]}
    with pytest.raises(pt.InvalidSpecError, match=r"pt\.aqi\.rolling"):
        pt.aqi.daily(hourly, station="station", time="time", standard="in_naqi")


def test_purpleair_correction() -> None:
    data = pa.table(
        {
            "PM2.5_CF_1": [20.0, 40.0, 100.0, 230.0, 300.0, -1.0, None, 10.0, float("nan")],
            "RH": [50.0, 50.0, 50.0, 50.0, None, 50.0, 50.0, 120.0, 50.0],
        }
    )
    out = pt.aqi.correct_purpleair(data)
    got = out.column("pm25_corrected").to_pylist()
    # 40: weight 0.5 -> (0.786·0.5 + 0.524·0.5)·40 − 4.31 + 5.75 = 27.64.
    # 230: w = 0.4 -> (0.69·0.4 + 0.786·0.6)·230 − 4.31·0.6 + 2.966·0.4 + 5.75·0.6
    #      + 8.84e-4·230²·0.4 = 171.948 − 2.586 + 1.1864 + 3.45 + 18.70544 = 192.70384.
    expected = [11.92, 27.64, 80.04, 192.70384, 289.526, None, None, None, None]
    assert [None if v is None else round(v, 6) for v in got] == expected
    assert out.column("pm25_corrected_status").to_pylist() == [
        "ok", "ok", "ok", "ok", "ok", "negative", "no_data", "humidity_out_of_range", "not_finite",
    ]  # fmt: skip
    wide = pt.aqi.correct_purpleair(data, method="us_wide_2021", name="pm")
    assert round(wide.column("pm")[2].as_py(), 6) == round(0.524 * 100 - 0.0862 * 50 + 5.75, 6)
    with pytest.raises(ValueError, match="name it with humidity="):
        pt.aqi.correct_purpleair({"pm25_cf_1": [1.0]})
    with pytest.raises(pt.InvalidSpecError, match="method"):
        pt.aqi.correct_purpleair(data, method="fancy")  # type: ignore[arg-type]
