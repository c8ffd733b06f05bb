"""JSON in and out: records set aside are counted aloud and can fail the run; --schema; the
JSON output is strict JSON that our own reader reads back."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pollutrack as pt
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pollutrack.mapping import sample_sheet

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    """Three good records and 25 truncated ones (lines 2 to 26)."""
    path = tmp_path / "feed.ndjson"
    path.write_text(
        '{"cbwd": "NE", "pm25": 5.0}\n'
        + '{"cbwd": "NW", "pm25": \n' * 25
        + '{"cbwd": "cv", "pm25": 40.0}\n{"cbwd": "SE", "pm25": 330.0}\n'
    )
    return path


def aside(feed: Path, report: Path) -> str:
    return (
        f"pollutrack: 25 JSON records set aside (first: {feed} line 2: truncated record: it ends "
        f"inside a value); all in {report}\n"
    )


def test_records_set_aside_are_counted_listed_and_can_fail_the_run(
    cli: Run, feed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "aqi.parquet"
    report = tmp_path / "aqi.parquet.report.json"
    code, _, err = cli("aqi", feed, "-o", out)
    assert (code, err) == (0, f"3 rows -> {out}\n" + aside(feed, report))
    counts = json.loads(report.read_text())["counts"]
    assert (counts["rows_in"], counts["rows_out"], counts["rows_rejected"]) == (28, 3, 25)
    assert [r["line"] for r in counts["rejected"]] == list(range(2, 27))  # every one listed
    code, _, err = cli("aqi", feed, "-o", out, "--fail-on-rejected")
    assert (code, err) == (1, f"3 rows -> {out}\n" + aside(feed, report))
    assert pq.read_table(out).column("aqi").to_pylist() == [28, 112, 509]  # still written

    mapped = tmp_path / "m.parquet"
    code, _, err = cli("map", feed, "--sheet", sample_sheet(), "-o", mapped, "--fail-on-rejected")
    assert code == 1 and err.endswith(aside(feed, tmp_path / "m.parquet.report.json"))
    rules = tmp_path / "rules.json"
    rules.write_text('[{"rule": "row_count", "min": 3}]')
    code, _, err = cli("check", feed, "--rules", rules)
    assert code == 0 and err.endswith(
        "pollutrack: 25 JSON records set aside (first: "
        f"{feed} line 2: truncated record: it ends inside a value)\n"
    )
    assert cli("check", feed, "--rules", rules, "--fail-on-rejected")[0] == 1


def test_schema_gives_json_and_csv_their_types(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "r.ndjson"
    path.write_text(
        '{"station": 7, "time": "2024-01-01T00:00:00Z", "pm25": 9}\n'
        '{"station": 8, "time": "2024-01-01T01:00:00Z", "pm25": "12.5", "extra": 1}\n'
    )
    schema = tmp_path / "schema.json"
    schema.write_text('{"station": "string", "time": "timestamp[us, tz=UTC]", "pm25": "double"}')
    out = tmp_path / "o.parquet"
    code, _, err = cli("aqi", path, "-o", out, "--schema", schema)
    assert code == 0, err
    table = pq.read_table(out)
    assert table.schema.field("time").type == pa.timestamp("us", tz="UTC")
    assert table.select(["station", "pm25", "aqi"]).to_pylist() == [
        {"station": "7", "pm25": 9.0, "aqi": 50},
        {"station": "8", "pm25": 12.5, "aqi": 57},
    ]
    # The same schema on a CSV: its columns, its types (a code keeps its leading zero).
    csv = tmp_path / "r.csv"
    csv.write_text("station,time,pm25,extra\n007,2024-01-01T00:00:00Z,9,1\n")
    code, _, err = cli("aqi", csv, "-o", out, "--schema", schema)
    assert code == 0, err
    assert pq.read_table(out).select(["station", "pm25"]).to_pylist() == [
        {"station": "007", "pm25": 9.0}
    ]
    assert "extra" not in pq.read_table(out).column_names


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"pm25": "dubble"}', "column 'pm25': unknown type 'dubble' (pyarrow type names: "),
        ('{"pm25": 5}', "column 'pm25': the type must be a name"),
        ('["double"]', 'a schema is a JSON object of column types, like {"pm25": "double"}'),
        ("{}", 'a schema is a JSON object of column types, like {"pm25": "double"}'),
        ("{", "not JSON: Expecting property name enclosed in double quotes"),
    ],
)
def test_a_bad_schema_is_one_line(
    cli: Run, stations: Path, tmp_path: Path, text: str, reason: str
) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(text)
    rules = tmp_path / "rules.json"
    rules.write_text("[]")
    for command in (["aqi", "-o", tmp_path / "o.parquet"], ["check", "--rules", rules]):
        code, _, err = cli(command[0], stations, *command[1:], "--schema", schema)
        assert code == 2 and err.startswith(f"pollutrack: {schema}: {reason}")
        assert len(err.splitlines()) == 1
    assert not (tmp_path / "o.parquet").exists()


def test_json_output_is_strict_json_our_reader_reads_back(cli: Run, tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(
        pa.table(
            {
                "time": pa.array(
                    [dt.datetime(2024, 1, 1, h, tzinfo=dt.UTC) for h in range(4)],
                    pa.timestamp("s", tz="UTC"),
                ),
                "pm25": [5.0, float("inf"), float("nan"), float("-inf")],
            }
        ),
        source,
    )
    out = tmp_path / "o.json"
    code, _, err = cli("aqi", source, "-o", out)
    assert code == 0, err

    def refuse(constant: str) -> None:
        raise ValueError(f"not strict JSON: {constant}")

    rows = [json.loads(line, parse_constant=refuse) for line in out.read_text().splitlines()]
    assert [(r["time"], r["pm25"], r["aqi"], r["aqi_status"]) for r in rows] == [
        ("2024-01-01T00:00:00+00:00", 5.0, 28, "ok"),
        ("2024-01-01T01:00:00+00:00", None, None, "not_finite"),
        ("2024-01-01T02:00:00+00:00", None, None, "not_finite"),
        ("2024-01-01T03:00:00+00:00", None, None, "not_finite"),
    ]
    back = pt.io.read_json(out)
    assert back.rejected.num_rows == 0
    assert back.table.column("pm25").to_pylist() == [5.0, None, None, None]
