"""``pollutrack sql``: DuckDB SQL with pollutrack's functions over files, written like the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pollutrack as pt
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

pytest.importorskip("duckdb")

QUERY = (
    "SELECT station, date, pt_aqi({'pm25': pm25}) AS aqi, "
    "pt_aqi_category({'pm25': pm25}) AS category, pt_aqi_status({'pm25': pm25}) AS status "
    "FROM input ORDER BY station, date"
)


def engine(path: Path, **options: object) -> pa.Table:
    return pt.aqi.compute(pacsv.read_csv(path), **options)


def test_a_query_over_csv_writes_parquet_and_a_report(cli, stations: Path, tmp_path: Path) -> None:
    out = tmp_path / "aqi.parquet"
    code, _, err = cli("sql", QUERY, stations, "-o", out)
    assert code == 0, err
    assert err.strip() == f"4 rows -> {out}"
    got = pq.read_table(out)
    want = engine(stations)
    assert got["aqi"].to_pylist() == want["aqi"].to_pylist()
    assert got["category"].to_pylist() == want["aqi_category"].cast(pa.string()).to_pylist()
    assert got["status"].to_pylist() == want["aqi_status"].cast(pa.string()).to_pylist()
    assert b"pollutrack_cli" in got.schema.metadata
    report = json.loads(out.with_name("aqi.parquet.report.json").read_text())
    assert report["command"] == "sql"
    assert report["options"]["query"] == QUERY
    assert report["options"]["tables"] == {"input": [str(stations)]}
    assert report["counts"] == {
        "rows_in": 4,
        "rows_out": 4,
        "rows_rejected": 0,
        "rejected": [],
        "tables": {"input": 4},
    }
    assert [i["path"] for i in report["inputs"]] == [str(stations)]
    assert set(report["timings_seconds"]) == {"read", "query", "write"}


def test_options_register_the_functions(cli, stations: Path, tmp_path: Path) -> None:
    out = tmp_path / "aqi.csv"
    code, _, err = cli(
        "sql", QUERY, stations, "-o", out, "--standard", "eu_eaqi_2024", "--beyond", "null"
    )
    assert code == 0, err
    nulls = pacsv.ConvertOptions(strings_can_be_null=True)
    got = pacsv.read_csv(out, convert_options=nulls)
    want = engine(stations, standard="eu_eaqi_2024", beyond="null")
    assert got["aqi"].to_pylist() == want["aqi"].to_pylist()
    assert got["category"].to_pylist() == want["aqi_category"].cast(pa.string()).to_pylist()


def test_tables_joined_json_through_the_reader_and_a_sheet(
    cli, stations: Path, tmp_path: Path
) -> None:
    meta = tmp_path / "meta.ndjson"
    meta.write_text('{"station": "A", "wind": "NE"}\n{"station": "B", "wind": "cv"}\n{"oops\n')
    sheet = tmp_path / "wind.csv"
    sheet.write_text("field,source,target\nwind,NE,northeast\n")
    out = tmp_path / "joined.json"
    query = (
        "SELECT i.station, i.date, pt_aqi({'pm25': pm25}) AS aqi, pt_map('wind', wind) AS wind "
        "FROM input i JOIN meta m USING (station) ORDER BY station, date"
    )
    args = ["sql", query, stations, "--table", f"meta={meta}", "-o", out, "--sheet", sheet]
    code, _, err = cli(*args, "--on-unmapped", "keep")
    assert code == 0, err
    assert "1 JSON record set aside (first:" in err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    want = engine(stations)["aqi"].to_pylist()
    assert [r["aqi"] for r in rows] == want
    assert [r["wind"] for r in rows] == ["northeast", "northeast", "cv", "cv"]
    report = json.loads(out.with_name("joined.json.report.json").read_text())
    assert report["counts"]["tables"] == {"input": 4, "meta": 2}
    assert report["counts"]["rows_rejected"] == 1
    assert [Path(i["path"]).name for i in report["inputs"]] == [
        "stations.csv",
        "meta.ndjson",
        "wind.csv",
    ]
    code, _, _ = cli(*args, "--fail-on-rejected")
    assert code == 1  # written, and failed as asked


def test_partitioned_output(cli, stations: Path, tmp_path: Path) -> None:
    out = tmp_path / "by_station"
    code, _, err = cli("sql", QUERY, stations, "-o", out, "--partition-by", "station")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["station=A", "station=B"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELEC 1", "pollutrack: SQL: Parser Error: syntax error at or near"),
        ("SELECT nope FROM input", "pollutrack: SQL: Binder Error: Referenced column"),
        (
            "SELECT pt_subindex(pm25, 'pm2') FROM input",
            "pollutrack: SQL: Invalid Input Error: Python exception occurred while executing "
            "the UDF: InvalidSpecError: standard us_epa_2024 has no measure 'pm2'",
        ),
        ("SELECT pt_map('wind', station) FROM input", "pollutrack: SQL: Catalog Error"),
    ],
)
def test_bad_queries_are_one_line_reasons(
    cli, stations: Path, tmp_path: Path, query: str, reason: str
) -> None:
    out = tmp_path / "out.parquet"
    code, _, err = cli("sql", query, stations, "-o", out)
    assert code == 2
    assert err.startswith(reason), err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_bad_usage(cli, stations: Path, tmp_path: Path) -> None:
    code, _, err = cli("sql", "SELECT 1", "-o", tmp_path / "o.parquet")
    assert code == 2 and "give INPUTS (the table 'input') or --table NAME=INPUT" in err
    code, _, err = cli("sql", "SELECT 1", "--table", f"2x={stations}", "-o", tmp_path / "o.csv")
    assert code == 2 and "'2x' is not a table name" in err
    code, _, err = cli("sql", QUERY, stations, "-o", stations.with_suffix(".csv"))
    assert code == 2 and "the output would overwrite the input" in err
    code, _, err = cli("sql", QUERY, stations, "-o", tmp_path / "o.xlsx")
    assert code == 2 and "unknown output type '.xlsx'" in err
    code, _, err = cli("sql", QUERY, stations, "-o", tmp_path / "o.csv", "--standard", "epa")
    assert code == 2 and "unknown standard 'epa'" in err
