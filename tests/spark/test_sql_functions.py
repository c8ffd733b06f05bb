"""pollutrack.spark.functions and register on real PySpark (classic and Connect): every
function equals the Arrow engine on the same rows, for several standards."""

from __future__ import annotations

import re

import pollutrack as pt
import pyarrow as pa
import pytest

pytest.importorskip("pyspark", reason="pyspark is installed by scripts/test")
from pollutrack.aqi.options import _aqi_options
from pollutrack.spark import _in_map, apply_mapping, register, with_aqi
from pollutrack.spark import functions as ptf
from pyspark.sql import SparkSession
from pyspark.sql import functions as sf
from support.sql_readings import STANDARDS, expected, measures, readings

OUTPUTS = ["aqi", "aqi_category", "aqi_dominant", "aqi_status"]


def four(rows: list[dict]) -> list[dict]:
    return [{k: r[k] for k in OUTPUTS} for r in rows]


@pytest.mark.parametrize("standard", STANDARDS)
def test_column_builders_equal_the_engine(spark: SparkSession, standard: str) -> None:
    table = readings(1500, 21, standard)
    df = spark.createDataFrame(table).repartition(5)
    r = sf.struct(*measures(standard))
    got = (
        df.select(
            "id",
            ptf.aqi(r, standard=standard),
            ptf.aqi_category(r, standard=standard),
            ptf.aqi_dominant(r, standard=standard),
            ptf.aqi_status(r, standard=standard),
            ptf.aqi_all(r, standard=standard),
            # The columns by name: sent as they are, no struct.
            ptf.aqi_all(measures(standard), standard=standard).alias("by_name"),
        )
        .orderBy("id")
        .toArrow()
    )
    assert got.column_names == ["id", *OUTPUTS, "aqi_all", "by_name"]
    want = four(expected(table, standard=standard))
    assert got.select(OUTPUTS).to_pylist() == want
    assert got["aqi_all"].to_pylist() == want
    assert got["by_name"].to_pylist() == want


@pytest.mark.parametrize("standard", ["eu_eaqi_2024", "ca_aqhi", "cn_hj633_2012"])
def test_with_aqi_keeps_its_output_on_every_standard(spark: SparkSession, standard: str) -> None:
    table = readings(1200, 22, standard).append_column("site", pa.array(["a.b"] * 1200))
    df = spark.createDataFrame(table).repartition(4)
    for options in ({"standard": standard}, {"standard": standard, "subindices": True}):
        out = with_aqi(df, **options)
        # The schema of the mapInArrow path, field for field (nullability included).
        assert out.schema == _in_map.with_aqi(df, _aqi_options("with_aqi", options)).schema
        got = out.orderBy("id").toArrow().drop_columns(table.column_names)
        assert got.to_pylist() == expected(table, **options)


def test_sql_as_a_user_writes_it(spark: SparkSession) -> None:
    table = readings(2000, 23, "us_epa_2024").select(["id", "pm25", "pm10", "o3_8h", "no2"])
    codes = ["NE", "NW", "cv", None, "XX"] * 400
    table = table.append_column("cbwd", pa.array(codes))
    table = table.append_column("std", pa.array(["eu_eaqi_2024", "us_epa_2024"] * 1000))
    mapping = pt.Mapping.from_dict({"cbwd": {"NE": "northeast", "NW": "northwest"}})
    names = register(spark, mapping=mapping, mapping_options={"on_unmapped": "keep"})
    assert names == [
        "pt_aqi",
        "pt_aqi_category",
        "pt_aqi_dominant",
        "pt_aqi_status",
        "pt_aqi_all",
        "pt_subindex",
        "pt_map",
    ]
    spark.createDataFrame(table).repartition(6).createOrReplaceTempView("readings")
    got = spark.sql(
        """
        SELECT id,
               pt_aqi(struct(pm25, pm10)) AS aqi,
               pt_aqi_category(named_struct('pm25', pm25, 'o3_8h', o3_8h)) AS category,
               pt_aqi_all(struct(pm25, pm10, no2)).aqi_status AS status,
               pt_aqi_dominant(struct(pm25, no2), std) AS dominant,
               pt_subindex(pm10, 'pm10') AS pm10_index,
               pt_subindex(pm25, 'pm25', 'eu_eaqi_2024') AS eaqi_pm25,
               pt_map('cbwd', cbwd) AS wind
        FROM readings ORDER BY id
        """
    ).toArrow()
    assert (
        got["aqi"].to_pylist() == pt.aqi.compute(table.select(["pm25", "pm10"]))["aqi"].to_pylist()
    )
    category = pt.aqi.compute(table.select(["pm25", "o3_8h"]))["aqi_category"]
    assert got["category"].to_pylist() == category.to_pylist()
    status = pt.aqi.compute(table.select(["pm25", "pm10", "no2"]))["aqi_status"]
    assert got["status"].to_pylist() == status.to_pylist()
    by_standard = {
        s: pt.aqi.compute(table.select(["pm25", "no2"]), standard=s)["aqi_dominant"].to_pylist()
        for s in ("eu_eaqi_2024", "us_epa_2024")
    }
    chosen = table["std"].to_pylist()
    assert got["dominant"].to_pylist() == [by_standard[s][i] for i, s in enumerate(chosen)]
    assert got["pm10_index"].to_pylist() == pt.aqi.subindex(table["pm10"], "pm10").to_pylist()
    eaqi = pt.aqi.subindex(table["pm25"], "pm25", standard="eu_eaqi_2024")
    assert got["eaqi_pm25"].to_pylist() == eaqi.to_pylist()
    mapped = mapping.apply(table, on_unmapped="keep").table["cbwd_mapped"]
    assert got["wind"].to_pylist() == mapped.to_pylist()


def test_subindex_and_map_builders(spark: SparkSession) -> None:
    table = readings(1000, 24, "eu_eaqi_2024").append_column(
        "cbwd", pa.array(["NE", "cv", None, "ne"] * 250)
    )
    df = spark.createDataFrame(table).repartition(3)
    mapping = pt.Mapping.from_dict({"cbwd": {"NE": "northeast"}})
    got = (
        df.select(
            "id",
            ptf.subindex("o3", "o3", standard="eu_eaqi_2024", unit="ppb"),
            ptf.subindex(sf.col("pm25"), "pm25", beyond="null"),
            ptf.map_value(
                "cbwd", "cbwd", mapping, normalize=True, on_unmapped="default", default="?"
            ),
        )
        .orderBy("id")
        .toArrow()
    )
    assert got.column_names == ["id", "aqi_o3", "aqi_pm25", "cbwd_mapped"]
    o3 = pt.aqi.subindex(table["o3"], "o3", standard="eu_eaqi_2024", unit="ppb")
    assert got["aqi_o3"].to_pylist() == o3.to_pylist()
    assert (
        got["aqi_pm25"].to_pylist()
        == pt.aqi.subindex(table["pm25"], "pm25", beyond="null").to_pylist()
    )
    mapped = mapping.apply(table, normalize=True, on_unmapped="default", default="?")
    assert got["cbwd_mapped"].to_pylist() == mapped.table["cbwd_mapped"].to_pylist()


def test_apply_mapping_in_place_equals_the_engine(spark: SparkSession) -> None:
    mapping = pt.Mapping.from_dict(
        {"grade": {"a": "A", "b": "B"}, "cbwd": {"NE": "northeast", "NW": "northwest"}}
    )
    table = pa.table(
        {
            "id": range(210),
            "cbwd": ["NE", "NW", "cv", None, "CV", "XX", "ne"] * 30,
            "x.y": [1.0] * 210,
            "grade": ["a", "b", "c", "a", None, "b", "z"] * 30,
        }
    )
    df = spark.createDataFrame(table).repartition(4)
    for options in ({"replace": True}, {"replace": True, "fields": ["grade"]}, {"normalize": True}):
        out = apply_mapping(df, mapping, **options)
        assert out.schema == _in_map.apply_mapping(df, mapping, options).schema
        got = out.orderBy("id").toArrow()
        assert got.to_pylist() == mapping.apply(table, **options).table.to_pylist()


@pytest.mark.parametrize("batch", [1, 100_000])
def test_batch_sizes_and_empty_partitions(spark: SparkSession, batch: int) -> None:
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch))
    try:
        table = readings(400, 25, "us_epa_2024")
        df = spark.createDataFrame(table).repartition(16).filter("id < 30")
        r = sf.struct("pm25", "o3_1h", "so2_1h", "so2_24h")
        got = df.select("id", ptf.aqi_all(r)).orderBy("id").toArrow()
        cols = table.slice(0, 30).select(["pm25", "o3_1h", "so2_1h", "so2_24h"])
        assert got["aqi_all"].to_pylist() == four(expected(cols))
        empty = df.filter("id < 0").select(ptf.aqi(r), ptf.aqi_status(r)).toArrow()
        assert empty.num_rows == 0
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")


def test_bad_calls_are_clear_errors(spark: SparkSession) -> None:
    with pytest.raises(pt.InvalidSpecError, match="has no measure 'pm2'"):
        ptf.subindex("pm25", "pm2")
    with pytest.raises(pt.InvalidSpecError, match="unknown standard 'epa'"):
        ptf.aqi(sf.struct("pm25"), standard="epa")
    with pytest.raises(pt.InvalidSpecError, match="unknown standard 'epa'"):
        register(spark, standard="epa")
    with pytest.raises(TypeError, match="readings are a struct Column or a list of column names"):
        ptf.aqi([sf.col("pm25")])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="unexpected keyword argument 'standrad'"):
        ptf.aqi_category(sf.struct("pm25"), standrad="in_naqi")  # type: ignore[call-arg]
    mapping = pt.Mapping.from_dict({"cbwd": {"NE": "northeast"}})
    with pytest.raises(pt.InvalidSpecError, match="the mapping has no field 'wind'"):
        ptf.map_value("wind", "cbwd", mapping)
    with pytest.raises(TypeError, match="'replace' does not apply"):
        register(spark, mapping=mapping, mapping_options={"replace": True})
    register(spark)
    spark.createDataFrame([(1.0,)], "pm25 double").createOrReplaceTempView("one")
    # In SQL the engine's message ends the job, on the driver.
    for query, message in [
        ("SELECT pt_subindex(pm25, 'pm2') FROM one", "standard us_epa_2024 has no measure 'pm2'"),
        ("SELECT pt_aqi(pm25) FROM one", "readings are a struct of pollutant columns"),
        ("SELECT pt_aqi(struct(pm25), 'nope') FROM one", "unknown standard 'nope'"),
    ]:
        with pytest.raises(Exception, match=message):
            spark.sql(query).collect()


def test_on_invalid_raise_fails_the_job_with_the_engines_message(spark: SparkSession) -> None:
    table = pa.table({"id": [1, 2], "pm25": [12.0, float("nan")]})
    with pytest.raises(pt.InvalidValueError) as caught:
        pt.aqi.compute(table, on_invalid="raise")
    df = spark.createDataFrame(table).coalesce(1)  # one batch: its row is the table's row
    with pytest.raises(Exception, match=re.escape(str(caught.value))):
        with_aqi(df, on_invalid="raise").collect()


def test_without_arrow_udfs(spark: SparkSession, monkeypatch: pytest.MonkeyPatch) -> None:
    """PySpark 4.0 has no arrow_udf: the functions say which release they need, and with_aqi
    and apply_mapping take the mapInArrow path with the same output."""
    import pyspark
    import pyspark.sql.functions

    monkeypatch.delattr(pyspark.sql.functions, "arrow_udf")
    message = f"which PySpark 4.1 added; this is PySpark {pyspark.__version__}"
    with pytest.raises(ImportError, match=message):
        ptf.aqi(sf.struct("pm25"))
    with pytest.raises(ImportError, match=message):
        register(spark)
    table = readings(300, 26, "us_epa_2024").append_column("cbwd", pa.array(["NE", "cv"] * 150))
    df = spark.createDataFrame(table)
    got = with_aqi(df).orderBy("id").toArrow().drop_columns(table.column_names)
    assert got.to_pylist() == expected(table)
    mapping = pt.Mapping.from_dict({"cbwd": {"NE": "northeast"}})
    mapped = apply_mapping(df, mapping).orderBy("id").toArrow()["cbwd_mapped"]
    assert mapped.to_pylist() == mapping.apply(table).table["cbwd_mapped"].to_pylist()
