"""pollutrack.spark in jobs as they run for real: streams. Each result equals the Arrow
engine's on the same rows."""

from __future__ import annotations

from collections import Counter

import pollutrack as pt
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark", reason="pyspark is installed by scripts/test")
from pollutrack.spark import (
    apply_mapping,
    aqi_status_counts,
    unmapped_report,
    with_aqi,
)


def test_streaming_dataframes(spark, tmp_path) -> None:
    """A Structured Streaming job gets the engine's rows, and the report and counts as
    aggregates (complete mode)."""
    pm25 = [12.0, None, -1.0, float("nan"), 35.5, 400.0, 9.1, 0.0, 55.4, 125.5] * 30
    table = pa.table(
        {
            "id": pa.array(range(300), pa.int64()),
            "pm25": pm25,
            "pm10": [float(v % 700) for v in range(0, 3000, 10)],
            "cbwd": ["NE", "NW", "cv", None, "XX"] * 60,
        }
    )
    pq.write_table(table, tmp_path / "part-0.parquet")
    stream = spark.readStream.schema("id long, pm25 double, pm10 double, cbwd string")
    source = stream.parquet(str(tmp_path)).repartition(3)
    mapping = pt.Mapping.from_dict({"cbwd": {"NE": "northeast", "NW": "northwest"}})

    def run(df, mode: str, name: str) -> pa.Table:
        query = df.writeStream.format("memory").queryName(name).outputMode(mode).start()
        query.processAllAvailable()
        query.stop()
        return spark.sql(f"SELECT * FROM {name}").toArrow()

    got = run(apply_mapping(with_aqi(source), mapping), "append", "rows").sort_by("id")
    want = mapping.apply(pt.aqi.compute(table)).table
    assert (
        got.drop_columns(["pm25", "pm10"]).to_pylist()
        == want.drop_columns(["pm25", "pm10"]).to_pylist()
    )
    report = run(unmapped_report(source, mapping), "complete", "report").to_pylist()
    assert {r["value"]: r["count"] for r in report} == {"cv": 60, "XX": 60}
    counts = run(aqi_status_counts(source), "complete", "counts").to_pylist()
    statuses = pt.aqi.compute(table)["aqi_status"].to_pylist()
    assert {r["aqi_status"]: r["count"] for r in counts} == Counter(statuses)
