"""pollutrack.duckdb on real DuckDB: every function equals the Arrow engine on the same rows."""

from __future__ import annotations

import random
import re

import pollutrack as pt
import pollutrack.duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support.sql_readings import STANDARDS, expected, measures, readings

duckdb = pytest.importorskip("duckdb")

OUTPUTS = ["aqi", "aqi_category", "aqi_dominant", "aqi_status"]


def connect(table: pa.Table | None = None, **options: object) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    pollutrack.duckdb.register(con, **options)
    if table is not None:
        con.register("t", table)
    return con


def struct_of(names: list[str]) -> str:
    """The readings struct a user writes: {'pm25': pm25, ...}."""
    return "{" + ", ".join(f"'{n}': \"{n}\"" for n in names) + "}"


def rows(con: duckdb.DuckDBPyConnection, query: str) -> list[dict]:
    return con.sql(query).to_arrow_table().to_pylist()


@pytest.mark.parametrize("standard", STANDARDS)
def test_every_aqi_function_equals_the_engine(standard: str) -> None:
    # 5,000 rows: DuckDB calls each function on vectors of 2,048 rows, on two threads.
    table = readings(5000, 7, standard)
    con = connect(table, standard=standard)
    r = struct_of(measures(standard))
    got = rows(
        con,
        f"SELECT pt_aqi({r}) AS aqi, pt_aqi_category({r}) AS aqi_category, "
        f"pt_aqi_dominant({r}) AS aqi_dominant, pt_aqi_status({r}) AS aqi_status "
        "FROM t ORDER BY id",
    )
    want = [{k: row[k] for k in OUTPUTS} for row in expected(table, standard=standard)]
    assert got == want
    together = rows(con, f"SELECT pt_aqi_all({r}) AS a FROM t ORDER BY id")
    assert [row["a"] for row in together] == want
    # The standard as an argument, over a connection registered with another.
    other = connect(table)
    assert rows(other, f"SELECT pt_aqi_all({r}, '{standard}') AS a FROM t ORDER BY id") == together


def test_a_standard_per_row() -> None:
    table = readings(3000, 8, "us_epa_2024").select(["id", "pm25", "pm10", "no2"])
    rng = random.Random(3)
    chosen = [rng.choice(["us_epa_2024", "eu_eaqi_2024", "in_naqi", None]) for _ in range(3000)]
    table = table.append_column("std", pa.array(chosen))
    con = connect(table)
    query = "SELECT pt_aqi_all({'pm25': pm25, 'pm10': pm10, 'no2': no2}, std) AS a FROM t"
    got = rows(con, query + " ORDER BY id")
    for standard in ("us_epa_2024", "eu_eaqi_2024", "in_naqi"):
        want = expected(table.select(["pm25", "pm10", "no2"]), standard=standard)
        for i in (i for i, s in enumerate(chosen) if s == standard):
            assert got[i]["a"] == {k: want[i][k] for k in OUTPUTS}
    assert all(got[i]["a"] is None for i, s in enumerate(chosen) if s is None)


def test_struct_fields_are_recognised_as_column_names_are() -> None:
    table = pa.table({"a": [12.0, 55.5, None], "b": [0.071, 0.03, 0.2]})
    con = connect(table)
    got = rows(con, "SELECT pt_aqi_all({'PM2.5': a, 'O3': b}) AS r FROM t")
    want = pt.aqi.compute({"PM2.5": table["a"], "O3": table["b"]}).to_pylist()
    assert [r["r"] for r in got] == [{k: w[k] for k in OUTPUTS} for w in want]
    # The registered columns= names a field as it names a column.
    con = connect(table, columns={"pm25": "a"})
    assert rows(con, "SELECT pt_aqi({'a': a}) AS aqi FROM t") == [
        {"aqi": v}
        for v in pt.aqi.compute(table.select(["a"]), columns={"pm25": "a"})["aqi"].to_pylist()
    ]


def test_options_pass_to_the_engine() -> None:
    table = readings(1500, 9, "us_epa_2024")
    options: pt.aqi.AqiOptions = {
        "standard": pt.aqi.Standard("us_epa_2012"),
        "units": {"no2": "ug/m3", "co": "mg/m3"},
        "temperature": 20,
        "beyond": "cap",
    }
    con = connect(table, **options)
    r = struct_of(measures("us_epa_2024"))
    got = [row["a"] for row in rows(con, f"SELECT pt_aqi_all({r}) AS a FROM t ORDER BY id")]
    want = [{k: row[k] for k in OUTPUTS} for row in expected(table, **options)]
    assert got == want
    assert got != [{k: row[k] for k in OUTPUTS} for row in expected(table)]


@pytest.mark.parametrize("standard", ["us_epa_2024", "eu_eaqi_2024", "cn_hj633_2012"])
def test_subindex_equals_the_engine(standard: str) -> None:
    table = readings(3000, 10, standard)
    con = connect(table, standard=standard, beyond="null")
    for measure in measures(standard):
        got = rows(con, f"SELECT pt_subindex({measure}, '{measure}') AS s FROM t ORDER BY id")
        want = pt.aqi.subindex(table[measure], measure, standard=standard, beyond="null")
        assert [r["s"] for r in got] == want.to_pylist(), measure
    # A measure per row, and a standard argument.
    names = measures(standard)
    pick = pa.array([names[i % len(names)] for i in range(table.num_rows)])
    table = table.append_column("m", pick).append_column("v", table[names[0]])
    con = connect(table)
    got = rows(con, f"SELECT pt_subindex(v, m, '{standard}') AS s FROM t ORDER BY id")
    for i, row in enumerate(got):
        value = table["v"][i].as_py()
        want = pt.aqi.subindex(pa.array([value], pa.float64()), pick[i].as_py(), standard=standard)
        assert row["s"] == want[0].as_py()


def test_subindex_units() -> None:
    con = connect(units={"o3": "ppb"})
    got = con.sql("SELECT pt_subindex(125.0, 'o3_8h'), pt_subindex(0.125, 'o3_8h')").fetchall()
    want = pt.aqi.subindex(pa.array([125.0]), "o3_8h", unit="ppb")[0].as_py()
    assert got == [(want, pt.aqi.subindex(pa.array([0.125]), "o3_8h", unit="ppb")[0].as_py())]


@pytest.mark.parametrize("on_unmapped", ["null", "keep", "default"])
def test_map_equals_the_engine(on_unmapped: str) -> None:
    mapping = pt.Mapping.from_dict(
        {"cbwd": {"NE": "northeast", "NW": "northwest"}, "grade": {"a": "A", "1": "one"}}
    )
    codes = ["NE", "NW", "cv", None, "ne ", "XX"] * 700
    table = pa.table({"id": range(len(codes)), "cbwd": codes})
    options: pt.mapping.ApplyOptions = {"on_unmapped": on_unmapped, "normalize": True}  # type: ignore[typeddict-item]
    if on_unmapped == "default":
        options["default"] = "other"
    con = connect(table, mapping=mapping, mapping_options=options)
    got = rows(con, "SELECT pt_map('cbwd', cbwd) AS m FROM t ORDER BY id")
    want = mapping.apply(table, fields=["cbwd"], **options).table["cbwd_mapped"].to_pylist()
    assert [r["m"] for r in got] == want
    # Numbers are looked up as the engine looks them up.
    assert con.sql("SELECT pt_map('grade', 1), pt_map('grade', 'a')").fetchall() == [
        tuple(
            mapping.apply({"grade": pa.array(v)}, fields=["grade"], **options)
            .table["grade_mapped"][0]
            .as_py()
            for v in ([1], ["a"])
        )
    ]


def test_unmapped_values_can_fail_the_query() -> None:
    mapping = pt.Mapping.from_dict({"cbwd": {"NE": "northeast"}})
    con = connect(
        pa.table({"cbwd": ["NE", "SE"]}), mapping=mapping, mapping_options={"on_unmapped": "error"}
    )
    with pytest.raises(duckdb.Error, match="field 'cbwd': value 'SE' is not mapped"):
        con.sql("SELECT pt_map('cbwd', cbwd) FROM t").fetchall()
    with pytest.raises(duckdb.Error, match="the mapping has no field 'wind'; its fields are cbwd"):
        con.sql("SELECT pt_map('wind', cbwd) FROM t").fetchall()


def test_nulls_and_empty_tables() -> None:
    con = connect(pa.table({"pm25": pa.array([], pa.float64())}))
    assert (
        con.sql("SELECT pt_aqi({'pm25': pm25}), pt_aqi_status({'pm25': pm25}) FROM t").fetchall()
        == []
    )
    got = con.sql(
        "SELECT pt_aqi(NULL), pt_aqi_status({'pm25': NULL::DOUBLE}), pt_subindex(NULL, 'pm25'), "
        "pt_subindex(35.5, NULL), pt_aqi({'pm25': 35.5}, NULL)"
    ).fetchall()
    status = pt.aqi.compute({"pm25": pa.array([None], pa.float64())})["aqi_status"][0].as_py()
    assert got == [(None, status, None, None, None)]
    # A DECIMAL literal is read as the number it is.
    want = pt.aqi.compute({"pm25": [35.5]})["aqi"][0].as_py()
    assert con.sql("SELECT pt_aqi({'pm25': 35.5})").fetchall() == [(want,)]


def test_parquet_files_as_a_user_queries_them(tmp_path) -> None:
    table = readings(2500, 11, "us_epa_2024").select(["id", "pm25", "pm10"])
    pq.write_table(table.slice(0, 1000), tmp_path / "a.parquet")
    pq.write_table(table.slice(1000), tmp_path / "b.parquet")
    con = connect()
    got = con.sql(
        f"SELECT id, pt_aqi({{'pm25': pm25, 'pm10': pm10}}) AS aqi "
        f"FROM read_parquet('{tmp_path}/*.parquet') ORDER BY id"
    ).to_arrow_table()
    assert got["aqi"].to_pylist() == pt.aqi.compute(table)["aqi"].to_pylist()


def test_bad_calls_are_clear_errors() -> None:
    with pytest.raises(pt.InvalidSpecError, match="unknown standard 'us_epa'"):
        pollutrack.duckdb.register(duckdb.connect(), standard="us_epa")
    with pytest.raises(pt.InvalidSpecError, match="beyond"):
        pollutrack.duckdb.register(duckdb.connect(), beyond="sideways")
    with pytest.raises(TypeError, match="unexpected keyword argument 'standrad'"):
        pollutrack.duckdb.register(duckdb.connect(), standrad="in_naqi")  # type: ignore[call-arg]
    con = connect(pa.table({"pm25": [1.0, 2.0]}))
    # Constant arguments: DuckDB folds the call when it binds the query.
    for query, message in [
        ("SELECT pt_subindex(1.0, 'pm2')", "standard us_epa_2024 has no measure 'pm2'"),
        ("SELECT pt_aqi({'pm25': 1.0}, 'nope')", "unknown standard 'nope'"),
        ("SELECT pt_subindex(pm25, 'o3', 'ca_aqhi') FROM t", "ca_aqhi combines its pollutants"),
        ("SELECT pt_aqi(pm25) FROM t", r"readings are a struct of pollutant columns"),
        (
            "SELECT pt_aqi({'pm25': pm25}, 'us_epa_2024', 3) FROM t",
            r"pt_aqi takes pt_aqi\(readings \[, standard\]\), not 3",
        ),
        ("SELECT pt_aqi({'x': pm25}) FROM t", "no pollutant column"),
        ("SELECT pt_map('cbwd', 'NE')", "does not exist"),
    ]:
        with pytest.raises(duckdb.Error, match=message):
            con.sql(query).fetchall()


def test_on_invalid_raise_fails_the_query_with_the_engines_message() -> None:
    table = pa.table({"pm25": [12.0, float("nan")]})
    with pytest.raises(pt.InvalidValueError) as caught:
        pt.aqi.compute(table, on_invalid="raise")
    con = connect(table, on_invalid="raise")
    with pytest.raises(duckdb.Error, match=re.escape(f"InvalidValueError: {caught.value}")):
        con.sql("SELECT pt_aqi({'pm25': pm25}) FROM t").fetchall()


def test_prefix_and_registering_again() -> None:
    con = duckdb.connect()
    names = pollutrack.duckdb.register(con, prefix="aq_")
    assert names[:2] == ["aq_aqi", "aq_aqi_category"]
    pollutrack.duckdb.register(con, prefix="aq_", standard="eu_eaqi_2024")  # replaces them
    got = con.sql("SELECT aq_aqi_category({'pm25': 30.0})").fetchall()[0][0]
    assert (
        got == pt.aqi.compute({"pm25": [30.0]}, standard="eu_eaqi_2024")["aqi_category"][0].as_py()
    )
