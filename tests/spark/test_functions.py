"""pollutrack.spark on real PySpark in local mode: results equal the Arrow engine's."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter

import pollutrack as pt
import pyarrow as pa
import pytest

pyspark = pytest.importorskip("pyspark", reason="pyspark is installed by scripts/test")
from pollutrack.spark import aqi_column, daily, nowcast, with_aqi  # noqa: E402
from pollutrack.spark.sql import aqi_category_column  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from support.station_hours import station_hours  # noqa: E402

MEASURES = {
    "pm25": 600.0,
    "pm10": 800.0,
    "o3_8h": 0.3,
    "o3_1h": 0.7,
    "co": 60.0,
    "so2": 1200.0,
    "so2_24h": 1200.0,
    "no2": 2200.0,
}
EDGES = {
    "pm25": [9.05, 35.49, 35.5, 325.4, 325.5, 9.1, 0.3],
    "o3_8h": [0.2, 0.201, 0.0549],
    "o3_1h": [0.124, 0.125, 0.604, 0.605],
    "so2": [304.0, 305.0],
    "so2_24h": [304.0, 305.0, 1005.0],
}


def readings(n: int, seed: int) -> pa.Table:
    rng = random.Random(seed)

    def value(m: str) -> float | None:
        u = rng.random()
        if u < 0.05:
            return None
        if u < 0.07:
            return -1.0
        if u < 0.09:
            return float("nan")
        if u < 0.2 and m in EDGES:
            return rng.choice(EDGES[m])
        return round(rng.uniform(0, MEASURES[m]), 3)

    cols = {m: pa.array([value(m) for _ in range(n)], pa.float64()) for m in MEASURES}
    return pa.table({"id": pa.array(range(n), pa.int64()), **cols})


def expected(table: pa.Table, **options: object) -> list[dict]:
    return pt.aqi.compute(table, **options).drop_columns(list(MEASURES)).to_pylist()


def collect(df, table: pa.Table) -> list[dict]:
    got = df.orderBy("id").toArrow()
    return got.drop_columns(list(MEASURES)).to_pylist()


def test_with_aqi_equals_the_engine(spark: SparkSession) -> None:
    table = readings(3000, 1)
    df = spark.createDataFrame(table).repartition(7)
    for options in (
        {},
        {"subindices": True},
        {"beyond": "cap"},
        {"beyond": "null", "subindices": True},
    ):
        assert collect(with_aqi(df, **options), table) == expected(table, **options)


def test_options_pass_to_with_aqi_as_to_compute(spark: SparkSession) -> None:
    table = readings(1000, 6)
    df = spark.createDataFrame(table).repartition(3)
    options: pt.aqi.AqiOptions = {
        "standard": pt.aqi.Standard("us_epa_2012"),
        "columns": {"so2_24h": None, "pm10": "o3_8h"},
        "units": {"no2": "ug/m3", "co": "mg/m3"},
        "temperature": 20,
        "beyond": "cap",
        "on_invalid": "flag",
        "subindices": True,
    }
    got = collect(with_aqi(df, **options), table)
    assert got == expected(table, **options)
    assert got != expected(table, subindices=True)  # the options changed the result


def test_unknown_options_fail_on_the_driver(spark: SparkSession) -> None:
    from pollutrack.spark import apply_mapping, aqi_status_counts, mapping_counts, unmapped_report

    df = spark.createDataFrame(
        [("A", dt.datetime(2024, 1, 1), 2.0)], "s string, t timestamp, pm25 double"
    )
    mapping = pt.Mapping.from_dict({"s": {"A": "a"}})
    calls = [
        ("with_aqi", "subindex", lambda: with_aqi(df, subindex=True)),
        ("with_aqi", "standrad", lambda: aqi_status_counts(df, standrad="us_epa_2012")),
        ("nowcast", "tz", lambda: nowcast(df, station="s", time="t", tz="UTC")),
        ("daily", "zone", lambda: daily(df, station="s", time="t", zone="UTC")),
        ("apply", "field", lambda: apply_mapping(df, mapping, field=["s"])),
        (
            "unmapped_report",
            "on_unmapped",
            lambda: unmapped_report(df, mapping, on_unmapped="keep"),
        ),
        ("apply", "fields_", lambda: mapping_counts(df, mapping, fields_=["s"])),
    ]
    for function, key, call in calls:
        message = f"{function}() got an unexpected keyword argument '{key}'"
        with pytest.raises(TypeError, match=re.escape(message)):
            call()


def test_schema_is_exact_and_labels_are_strings(spark: SparkSession) -> None:
    df = spark.createDataFrame(readings(10, 2))
    out = with_aqi(df, subindices=True)
    fields = {f.name: f for f in out.schema.fields}
    assert fields["aqi"].dataType.simpleString() == "int"
    assert fields["aqi_category"].dataType.simpleString() == "string"
    assert fields["aqi_status"].nullable is False
    assert [f.name for f in out.schema.fields][: len(df.columns)] == df.columns
    assert out.count() == 10


@pytest.mark.parametrize("batch", [1, 100_000])
def test_batch_sizes_and_empty_partitions(spark: SparkSession, batch: int) -> None:
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch))
    try:
        table = readings(500, 3)
        # 16 partitions for 40 rows after the filter: most are empty.
        df = spark.createDataFrame(table).repartition(16).filter("id < 40")
        assert collect(with_aqi(df), table) == expected(table.slice(0, 40))
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")


def test_large_var_types(spark: SparkSession) -> None:
    spark.conf.set("spark.sql.execution.arrow.useLargeVarTypes", "true")
    try:
        table = readings(200, 4).append_column("site", pa.array(["x"] * 200))
        df = spark.createDataFrame(table)
        got = with_aqi(df).orderBy("id").toArrow()
        # Collected results follow the option on a classic session; Connect sends strings.
        large = "connect" not in type(spark).__module__
        assert got.schema.field("aqi_category").type == (
            pa.large_string() if large else pa.string()
        )
        assert got.drop_columns(list(MEASURES)).to_pylist() == expected(table)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.useLargeVarTypes")


def test_bad_inputs_fail_on_the_driver(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, "12.0")], "id long, pm25 string")
    with pytest.raises(pt.UnsupportedTypeError, match="pm25"):
        with_aqi(df)
    with pytest.raises(pt.ColumnNotFoundError, match="no pollutant column"):
        with_aqi(spark.createDataFrame([(1, 2.0)], "id long, x double"))
    with pytest.raises(pt.InvalidSpecError, match="beyond"):
        with_aqi(spark.createDataFrame([(1, 2.0)], "id long, pm25 double"), beyond="sideways")
    nulls = spark.createDataFrame([(1, None)], "id long, pm25 double")
    assert with_aqi(nulls).first()["aqi_status"] == "no_data"


@pytest.mark.parametrize("beyond", ["extend", "cap", "null"])
@pytest.mark.parametrize("negative", [None, "null"])
def test_native_column_equals_the_engine(
    spark: SparkSession, beyond: str, negative: str | None
) -> None:
    table = readings(4000, 5)
    df = spark.createDataFrame(table)
    columns = {m: m for m in MEASURES}
    column = aqi_column(columns, beyond=beyond, negative=negative)
    got = df.select("id", column).orderBy("id").toArrow()
    assert got.column_names == ["id", "aqi"]  # named as with_aqi names it
    want = pt.aqi.compute(table, beyond=beyond, negative=negative)
    assert got.column("aqi").to_pylist() == want.column("aqi").to_pylist()
    # The readings hold negatives, so the two rules really differ on these rows.
    assert pt.aqi.compute(table, negative="zero") != pt.aqi.compute(table, negative="null")


def test_native_category(spark: SparkSession) -> None:
    df = spark.createDataFrame([(v,) for v in (0, 50, 51, 300, 301, 900)], "aqi int")
    assert df.select(aqi_category_column(df["aqi"])).columns == ["aqi_category"]
    got = [r[0] for r in df.select(aqi_category_column(df["aqi"])).collect()]
    assert got == ["Good", "Good", "Moderate", "Very Unhealthy", "Hazardous", "Hazardous"]


def test_hourly_functions_per_station(spark: SparkSession) -> None:
    table = station_hours("ABC", 60, 6, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    df = spark.createDataFrame(table).repartition(5)
    got = nowcast(df, station="station", time="time").orderBy("station", "time").toArrow()
    want = pt.aqi.nowcast(table, station="station", time="time").sort_by(
        [("station", "ascending"), ("time", "ascending")]
    )
    assert got.column("pm25_nowcast").to_pylist() == want.column("pm25_nowcast").to_pylist()
    assert got.column("nowcast_aqi").to_pylist() == want.column("nowcast_aqi").to_pylist()
    got_d = daily(df, station="station", time="time").orderBy("station", "date").toArrow()
    want_d = pt.aqi.daily(table, station="station", time="time")
    assert got_d.column("pm25_24h").to_pylist() == want_d.column("pm25_24h").to_pylist()
    assert got_d.column("aqi").to_pylist() == want_d.column("aqi").to_pylist()


# --- mappings -------------------------------------------------------------------------------


def test_apply_mapping_equals_the_engine(spark: SparkSession) -> None:
    import pickle

    from pollutrack.spark import apply_mapping, unmapped_report

    mapping = pt.Mapping.from_dict(
        {"cbwd": {"NE": "northeast", "NW": "northwest", "SE": "southeast"}}
    )
    assert len(pickle.dumps(mapping)) < 1000  # ships to executors compactly
    codes = ["NE", "NW", "SE", "cv", None, "cv", "XX"] * 30
    table = pa.table({"id": pa.array(range(len(codes)), pa.int64()), "cbwd": codes})
    df = spark.createDataFrame(table).repartition(6)
    got = apply_mapping(df, mapping).orderBy("id").toArrow()
    want = mapping.apply(table)
    assert got.column("cbwd_mapped").to_pylist() == want.table.column("cbwd_mapped").to_pylist()
    kept = apply_mapping(df, mapping, on_unmapped="keep").orderBy("id").toArrow()
    assert kept.column("cbwd_mapped").to_pylist()[3] == "cv"
    report = {(r["field"], r["value"]): r["count"] for r in unmapped_report(df, mapping).collect()}
    assert report == {("cbwd", "cv"): 60, ("cbwd", "XX"): 30}


def test_status_counts(spark: SparkSession) -> None:
    from pollutrack.spark import aqi_status_counts

    df = spark.createDataFrame([(5.0,), (None,), (-1.0,), (400.0,), (7.0,)], "pm25 double")
    counts = {r["aqi_status"]: r["count"] for r in aqi_status_counts(df).collect()}
    # -1.0 is rated as 0 under the US EPA default (negative_as_zero).
    assert counts == {"ok": 2, "no_data": 1, "negative_as_zero": 1, "beyond_index": 1}


def test_other_standards_and_custom_standards_ship_to_executors(spark: SparkSession) -> None:
    table = pa.table(
        {
            "id": pa.array(range(6), pa.int64()),
            "pm25": [10.0, 36.0, 76.0, None, 300.0, 45.0],
            "pm10": [20.0, 160.0, 40.0, 5.0, None, 90.0],
        }
    )
    df = spark.createDataFrame(table).repartition(3)
    china = with_aqi(df, standard="cn_hj633_2012", subindices=True)
    assert "aqi_exceeding" in china.columns
    got = china.orderBy("id").toArrow().to_pylist()
    assert got == pt.aqi.compute(table, standard="cn_hj633_2012", subindices=True).to_pylist()
    custom = pt.aqi.Standard.from_table(pt.aqi.breakpoints("us_epa_2012"), id="epa_2012_copy")
    got = with_aqi(df, standard=custom).orderBy("id").toArrow().column("aqi").to_pylist()
    assert got == pt.aqi.compute(table, standard="us_epa_2012").column("aqi").to_pylist()
    with pytest.raises(ValueError, match="with_aqi"):
        aqi_column({"pm25": "pm25"}, standard="uk_daqi")


def test_executors_use_the_cpus_of_their_task(spark: SparkSession) -> None:
    """Spark runs a task per core: each worker's engine pool shrinks to the task's CPUs (1)."""
    from pollutrack.spark import _fit_threads_to_task

    def threads(batches):
        pt.set_num_threads(3)  # as if the executor had 3 cores
        _fit_threads_to_task()
        for batch in batches:
            yield pa.record_batch({"n": pa.array([pt.get_num_threads()] * batch.num_rows)})

    got = spark.range(8).repartition(2).mapInArrow(threads, "n long").collect()
    assert [row.n for row in got] == [1] * 8


def test_mapping_counts_equal_the_engine(spark: SparkSession) -> None:
    from pollutrack.spark import mapping_counts

    mapping = pt.Mapping.from_dict(
        {"grade": {"a": "A", "b": "B"}, "cbwd": {"NE": "northeast", "NW": "northwest"}}
    )
    codes = ["NE", "NW", "cv", None, "CV", "XX", "ne"] * 30
    grades = ["a", "b", "c", "a", None, "b", "z"] * 30
    ids = pa.array(range(len(codes)), pa.int64())
    table = pa.table({"id": ids, "cbwd": codes, "grade": grades})
    df = spark.createDataFrame(table).repartition(6)
    for normalize in (None, True):
        got = mapping_counts(df, mapping, normalize=normalize).toArrow()
        want = mapping.apply(table, normalize=normalize).counts
        assert got.to_pylist() == want.to_pylist(), normalize
    empty = mapping_counts(df.filter("id < 0"), mapping, fields=["grade"]).toArrow()
    zeros = mapping.apply(table.slice(0, 0), fields=["grade"]).counts
    assert empty.to_pylist() == zeros.to_pylist()


def test_every_spark_type_passes_through(spark: SparkSession) -> None:
    """Columns the AQI does not read come back unchanged, whatever their type."""
    import decimal

    row = (1, "s1", dt.datetime(2024, 1, 1, 5), dt.date(2024, 1, 1), decimal.Decimal("1.50"))
    row += (["a", "b"], {"k": 1}, (1, "x"), b"\x00", 12.3)
    schema = (
        "id long, site string, t timestamp, d date, dec decimal(10,2), tags array<string>, "
        "m map<string,int>, st struct<a:int,b:string>, bin binary, pm25 double"
    )
    df = spark.createDataFrame([row], schema)
    for large in ("false", "true"):
        spark.conf.set("spark.sql.execution.arrow.useLargeVarTypes", large)
        try:
            got = with_aqi(df).first()
        finally:
            spark.conf.unset("spark.sql.execution.arrow.useLargeVarTypes")
        assert tuple(got)[: len(row)] == df.first()
        assert (got["aqi"], got["aqi_category"], got["aqi_status"]) == (57, "Moderate", "ok")


def test_column_names_with_dots(spark: SparkSession) -> None:
    """The bundled Beijing file names its PM2.5 column ``pm2.5``: PySpark's own mapInArrow and
    applyInArrow cannot look such names up, so every function must still work and keep them."""
    from pollutrack.cli.demo import load_hourly
    from pollutrack.spark import apply_mapping, aqi_status_counts, mapping_counts, unmapped_report

    hourly = load_hourly().slice(0, 500)
    table = hourly.rename_columns([{"cbwd": "wind.dir"}.get(n, n) for n in hourly.column_names])
    table = table.rename_columns([{"station": "site.id"}.get(n, n) for n in table.column_names])
    df = spark.createDataFrame(table).repartition(3)
    got = with_aqi(df, columns={"pm25": "pm2.5"}).orderBy("No").toArrow()
    want = pt.aqi.compute(table, columns={"pm25": "pm2.5"})
    assert got.column_names == want.column_names
    assert got.drop_columns(["time"]).to_pylist() == want.drop_columns(["time"]).to_pylist()
    statuses = aqi_status_counts(df, columns={"pm25": "pm2.5"}).collect()
    assert {r["aqi_status"]: r["count"] for r in statuses} == Counter(
        want["aqi_status"].to_pylist()
    )
    mapping = pt.Mapping.from_dict({"wind.dir": {"NE": "northeast", "NW": "northwest"}})
    mapped = apply_mapping(df, mapping).orderBy("No").toArrow().column("wind.dir_mapped")
    result = mapping.apply(table)
    assert mapped.to_pylist() == result.table.column("wind.dir_mapped").to_pylist()
    report = {r["value"]: r["count"] for r in unmapped_report(df, mapping).collect()}
    assert report == {r["value"]: r["count"] for r in result.report.to_pylist()}
    assert set(report) == {"SE", "cv"}
    assert mapping_counts(df, mapping).toArrow().to_pylist() == result.counts.to_pylist()
    hours = nowcast(df, station="site.id", time="time").orderBy("time").toArrow()
    want_hours = pt.aqi.nowcast(table, station="site.id", time="time")
    assert hours.column("nowcast_aqi").to_pylist() == want_hours.column("nowcast_aqi").to_pylist()
