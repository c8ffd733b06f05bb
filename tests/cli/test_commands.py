"""The pollutrack command line: outputs, run report, exit codes and one-line reasons."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from pollutrack.cli import main


@pytest.fixture
def readings(tmp_path: Path) -> Path:
    table = pa.table(
        {
            "station": ["A", "A", "B", "B"],
            "date": ["2024-01-01", "2024-01-02", "2024-01-01", "2024-01-02"],
            "pm25": [5.0, 40.0, None, 330.0],
        }
    )
    path = tmp_path / "readings.csv"
    pacsv.write_csv(table, path)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_aqi_writes_parquet_and_a_report(readings: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "aqi.parquet"
    code, _, err = run("aqi", str(readings), "-o", str(out))
    assert code == 0, err
    table = pq.read_table(out)
    assert table.column("aqi").to_pylist() == [28, 112, None, 509]
    assert table.schema.metadata[b"pollutrack"]  # lineage travels in the file too
    report = json.loads((tmp_path / "out" / "aqi.parquet.report.json").read_text())
    assert report["counts"] == {
        "rows_in": 4,
        "rows_out": 4,
        "rows_rejected": 0,
        "rejected": [],
        "aqi_status": {"ok": 2, "no_data": 1, "beyond_index": 1},
    }
    (inp,) = report["inputs"]
    assert inp["sha256"] == hashlib.sha256(readings.read_bytes()).hexdigest()
    assert inp["bytes"] == readings.stat().st_size
    assert report["outputs"] == [str(out)] and report["options"]["standard"] == "us_epa_2024"
    assert set(report["timings_seconds"]) == {"read_and_compute", "write", "checks"}


def test_aqi_partitioned_by_date(readings: Path, tmp_path: Path) -> None:
    out = tmp_path / "aqi"
    code, _, err = run("aqi", str(readings), "-o", str(out), "--partition-by", "date")
    assert code == 0, err
    parts = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert parts == ["date=2024-01-01", "date=2024-01-02"]
    assert len(list(out.rglob("*.parquet"))) == 2  # one file per day, not a swarm
    table = ds.dataset(out, partitioning="hive").to_table()
    assert table.num_rows == 4


def test_checks_and_exit_codes(readings: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            [
                {"rule": "in_range", "column": "aqi", "min": 0, "max": 500},
                {"rule": "row_count", "min": 4, "max": 4},
            ]
        )
    )
    out = tmp_path / "aqi.parquet"
    code, _, err = run("aqi", str(readings), "-o", str(out), "--checks", str(rules))
    assert code == 0 and "FAIL in_range" in err and "ok   row_count" in err
    code, _, _ = run(
        "aqi", str(readings), "-o", str(out), "--checks", str(rules), "--fail-on-checks"
    )
    assert code == 1
    report = json.loads((tmp_path / "aqi.parquet.report.json").read_text())
    assert [c["passed"] for c in report["checks"]] == [False, True]
    code, _, _ = run("check", str(out), "--rules", str(rules), "--fail-on-checks")
    assert code == 1


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["aqi", "missing.csv", "-o", "x.parquet"], "missing.csv: no such file or folder"),
        (["aqi", "*.nothing", "-o", "x.parquet"], "*.nothing: no file matches"),
        (["aqi", "{readings}", "-o", "x.parquet", "--column", "pm25"], "expected KEY=VALUE"),
        (["aqi", "{readings}", "-o", "x.parquet", "--standard", "mars"], "unknown standard 'mars'"),
        (["aqi", "{text}", "-o", "x.parquet"], "unknown file type '.txt'"),
        (["check", "{readings}", "--rules", "{readings}"], "not JSON"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    readings: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    args = [a.format(readings=readings, text=text) for a in args]
    code, _, err = run(*args)
    assert code == 2
    assert reason in err
    assert "Traceback" not in err


def test_folder_with_mixed_formats(readings: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    table = pacsv.read_csv(readings)
    pacsv.write_csv(table, folder / "a.csv")
    pq.write_table(table, folder / "b.parquet")
    code, _, err = run("aqi", str(folder), "-o", str(tmp_path / "o.parquet"))
    assert code == 0, err
    assert pq.read_table(tmp_path / "o.parquet").num_rows == 8
    pq.write_table(pa.table({"other": [1]}), folder / "c.parquet")
    code, _, err = run("aqi", str(folder), "-o", str(tmp_path / "o.parquet"))
    assert (code == 2 and "no pollutant column" not in err) or code == 2


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pollutrack.cli",
            "aqi",
            str(tmp_path / "nope.csv"),
            "-o",
            str(tmp_path / "o.parquet"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"pollutrack: {tmp_path / 'nope.csv'}: no such file or folder"
    ]


def test_demo_runs_the_whole_job(tmp_path: Path) -> None:
    code, out, err = run("demo", "--out", str(tmp_path / "demo"))
    assert code == 0, err
    assert "days: 1,826; rated: 1,722; not rated: 104" in out
    assert "quality checks: 6 of 6 passed" in out
    years = sorted(p.name for p in (tmp_path / "demo" / "daily").iterdir())
    assert years == ["year=2010", "year=2011", "year=2012", "year=2013", "year=2014"]
    report = json.loads((tmp_path / "demo" / "run_report.json").read_text())
    assert report["counts"]["days_out"] == 1826 and report["counts"]["unmapped_wind_codes"] == 0
    assert len(report["inputs"]) == 2 and all(len(i["sha256"]) == 64 for i in report["inputs"])
    # The answer comes from DuckDB over the Parquet folder: calm air is the worst.
    assert "Which prevailing wind brings the worst air?" in out
    assert out.strip().splitlines()[-4].split()[:3] == ["calm", "or", "variable"]


def test_map_and_drift(tmp_path: Path) -> None:
    import pollutrack as pt

    codes = tmp_path / "codes.csv"
    pacsv.write_csv(pa.table({"cbwd": ["NE", "cv", "SW", "NW"]}), codes)
    sheet = pt.mapping.sample_sheet()
    out = tmp_path / "mapped.parquet"
    code, _, err = run("map", str(codes), "--sheet", str(sheet), "-o", str(out))
    assert code == 0, err
    assert "cbwd: 'SW' x1, first row 2" in err
    assert pq.read_table(out).column("cbwd_mapped").to_pylist() == [
        "northeast",
        "calm or variable",
        None,
        "northwest",
    ]
    report = json.loads((tmp_path / "mapped.parquet.report.json").read_text())
    assert report["counts"]["unmapped"][0]["value"] == "SW"
    code, _, _ = run("map", str(codes), "--sheet", str(sheet), "-o", str(out), "--fail-on-unmapped")
    assert code == 1
    allowed = tmp_path / "allowed.json"
    allowed.write_text(
        json.dumps({"cbwd": ["northeast", "northwest", "southeast", "calm/variable"]})
    )
    code, printed, _ = run(
        "drift", "--sheet", str(sheet), "--allowed", str(allowed), "--fail-on-drift"
    )
    assert code == 1 and "calm or variable" in printed
    allowed.write_text(
        json.dumps({"cbwd": ["northeast", "northwest", "southeast", "calm or variable"]})
    )
    assert run("drift", "--sheet", str(sheet), "--allowed", str(allowed), "--fail-on-drift")[0] == 0
    code, _, err = run("map", str(codes), "--sheet", str(codes.with_suffix(".txt")), "-o", str(out))
    assert code == 2 and "a mapping sheet must be" in err


def test_json_input_counts_rejected_records(tmp_path: Path) -> None:
    path = tmp_path / "readings.ndjson"
    path.write_text('{"pm25": 5.0}\n{"pm25": 40.0\n{"pm25": 330.0}\n')
    out = tmp_path / "o.parquet"
    code, _, err = run("aqi", str(path), "-o", str(out))
    assert code == 0, err
    assert pq.read_table(out).column("aqi").to_pylist() == [28, 509]
    counts = json.loads((tmp_path / "o.parquet.report.json").read_text())["counts"]
    assert (counts["rows_in"], counts["rows_out"], counts["rows_rejected"]) == (3, 2, 1)
    assert counts["rejected"][0]["line"] == 2


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"this is not parquet")
    code, _, err = run("aqi", str(broken), "-o", str(tmp_path / "o.parquet"))
    assert code == 2
    assert str(broken) in err and "Traceback" not in err


def test_demo_without_duckdb_runs_the_job_and_says_how_to_get_the_sql_step(
    tmp_path: Path,
) -> None:
    code = (
        "import sys; sys.modules['duckdb'] = None\n"  # as if the [demo] extra were not installed
        "from pollutrack.cli import main\n"
        f"main(['demo', '--out', {str(tmp_path / 'out')!r}])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == (
        "skipped the SQL step: DuckDB is not installed (pip install 'pollutrack[demo]')"
    )
    assert (tmp_path / "out" / "run_report.json").is_file()


def test_aqi_options_reach_the_engine_as_given(tmp_path: Path) -> None:
    import pollutrack as pt

    data = pa.table({"pm25": [12.1, 330.0], "ozone": [70.0, 20.0], "no2": [13.2, 5.0]})
    path = tmp_path / "r.csv"
    pacsv.write_csv(data, path)
    out = tmp_path / "o.parquet"
    flags = ["--column", "o3=ozone", "--unit", "o3=ppb", "--subindices", "--beyond", "cap"]
    code, _, err = run("aqi", str(path), "-o", str(out), *flags)
    assert code == 0, err
    options: pt.aqi.AqiOptions = {
        "columns": {"o3": "ozone"},
        "units": {"o3": "ppb"},
        "subindices": True,
        "beyond": "cap",
    }
    want = pt.aqi.compute(data, **options)
    got = pq.read_table(out)
    assert got.to_pylist() == want.to_pylist()
    assert got.column("aqi").to_pylist() == [100, 500]
    assert got.column("aqi_o3").to_pylist() == [100, 19]
    report = json.loads((tmp_path / "o.parquet.report.json").read_text())
    assert report["options"] == {
        "standard": "us_epa_2024",
        **options,
        "temperature": None,
        "partition_by": None,
    }
    # 13.2 ppb NO2 is EEA band 3 at the EEA's 20 °C, band 2 at 25 °C.
    path = tmp_path / "no2.csv"
    pacsv.write_csv(pa.table({"no2": [13.2]}), path)
    for temperature, band in ((None, 3), ("25", 2)):
        flags = ["--standard", "eu_eaqi_2024", "--unit", "no2=ppb"]
        flags += ["--temperature", temperature] if temperature else []
        code, _, err = run("aqi", str(path), "-o", str(out), *flags)
        assert code == 0, err
        assert pq.read_table(out).column("aqi").to_pylist() == [band]


def test_map_options_reach_the_engine_as_given(tmp_path: Path) -> None:
    import pollutrack as pt

    data = pa.table({"cbwd": ["ne ", "cv", "SW"]})
    path = tmp_path / "codes.csv"
    pacsv.write_csv(data, path)
    out = tmp_path / "mapped.parquet"
    flags = ["--on-unmapped", "default", "--default", "other", "--normalize"]
    code, _, err = run("map", str(path), "--sheet", str(pt.mapping.sample_sheet()), "-o", str(out))
    assert code == 0, err
    assert pq.read_table(out).column("cbwd_mapped").to_pylist() == [None, "calm or variable", None]
    code, _, err = run(
        "map", str(path), "--sheet", str(pt.mapping.sample_sheet()), "-o", str(out), *flags
    )
    assert code == 0, err
    mapping = pt.Mapping.from_excel(pt.mapping.sample_sheet())
    want = mapping.apply(data, on_unmapped="default", default="other", normalize=True).table
    got = pq.read_table(out)
    assert got.column("cbwd_mapped").to_pylist() == ["northeast", "calm or variable", "other"]
    assert got.column("cbwd_mapped").to_pylist() == want.column("cbwd_mapped").to_pylist()
