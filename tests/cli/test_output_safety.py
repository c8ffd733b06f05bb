"""Outputs never destroy data: inputs are never overwritten, failed writes leave files as they
were, and nothing but regular files (or our own output folders) is ever replaced."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

Run = Callable[..., tuple[int, str, str]]
Process = Callable[..., subprocess.CompletedProcess[str]]


def refused(out: Path, path: Path) -> str:
    return f"pollutrack: {out}: the output would overwrite the input {path}; write elsewhere\n"


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("name", ["data.parquet", "data.csv"])
def test_an_output_that_is_its_input_is_refused(cli: Run, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    table = pa.table({"pm25": [5.0, 40.0]})
    if name.endswith(".csv"):
        path.write_text("pm25\n5.0\n40.0\n")
    else:
        pq.write_table(table, path)
    before = path.read_bytes()
    code, _, err = cli("aqi", path, "-o", path)
    assert code == 2
    assert (
        err == f"pollutrack: {path}: the output would overwrite the input {path}; write elsewhere\n"
    )
    assert path.read_bytes() == before
    assert listing(tmp_path) == [name]  # no report, no temporary file


def test_the_same_file_by_another_name_is_refused(cli: Run, stations: Path, tmp_path: Path) -> None:
    link, hard = tmp_path / "link.csv", tmp_path / "hard.csv"
    link.symlink_to(stations)
    os.link(stations, hard)
    before = stations.read_bytes()
    for out in (link, hard):
        code, _, err = cli("aqi", stations, "-o", out)
        assert (code, err) == (2, refused(out, stations))
    assert stations.read_bytes() == before


def test_an_input_found_in_a_folder_is_not_overwritten(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    code, _, err = cli("aqi", tmp_path, "-o", stations)
    assert (code, err) == (2, refused(stations, stations))
    # The run report, the rules and the standard are checked too.
    rules = tmp_path / "rules.json"
    rules.write_text("[]")
    out = tmp_path / "out" / "aqi.parquet"
    for extra, target in [
        (["--report", stations], stations),
        (["--checks", rules, "--report", rules], rules),
        (["--checks", rules], None),
    ]:
        code, _, err = cli("aqi", stations, "-o", out, *extra)
        if target is None:
            assert code == 0, err
        else:
            assert (code, err) == (2, refused(target, target))
    assert stations.read_text().startswith("station,date,pm25\n") and rules.read_text() == "[]"


def test_a_partitioned_output_around_its_inputs_is_refused(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    code, _, err = cli("aqi", tmp_path, "-o", tmp_path, "--partition-by", "date")
    assert (code, err) == (2, refused(tmp_path, stations))
    assert listing(tmp_path) == ["stations.csv"]


def char_device(tmp_path: Path) -> Path:
    """/dev/full when not root; as root, a node of the same device in tmp_path, so a bug can
    never replace the machine's own."""
    if os.geteuid() != 0:
        return Path("/dev/full")
    node = tmp_path / "full"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        pytest.skip("cannot make a device node here")
    return node


def test_a_device_or_fifo_is_never_an_output(cli: Run, stations: Path, tmp_path: Path) -> None:
    device = char_device(tmp_path)
    rdev = device.stat().st_rdev
    link = tmp_path / "full.parquet"
    link.symlink_to(device)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    code, _, err = cli("aqi", stations, "-o", device)
    assert code == 2 and err.startswith(f"pollutrack: {device}: unknown output type (no extension)")
    for out in (link, fifo):
        code, _, err = cli("aqi", stations, "-o", out)
        assert (code, err) == (
            2,
            f"pollutrack: {out}: is not a regular file; the output must be a new or regular file\n",
        )
    assert stat.S_ISCHR(device.stat().st_mode) and device.stat().st_rdev == rdev
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert link.is_symlink()


def limited(size: int) -> Callable[[], None]:
    """A preexec_fn capping the size of any file the child writes (EFBIG past it)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """20,000 readings at three stations, about 100 kB as Parquet."""
    path = tmp_path / "in" / "big.parquet"
    path.parent.mkdir()
    rng = np.random.default_rng(7)
    pq.write_table(
        pa.table(
            {
                "station": np.array(["A", "B", "C"])[np.arange(20_000) % 3],
                "pm25": rng.uniform(0, 300, 20_000),
            }
        ),
        path,
    )
    return path


@pytest.mark.parametrize("name", ["out.parquet", "out.csv", "out.json"])
def test_a_failed_write_keeps_the_previous_output(
    cli_process: Process, big: Path, tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / name
    out.write_bytes(b"the previous output")
    before = big.read_bytes()
    proc = cli_process("aqi", big, "-o", out, preexec_fn=limited(16_384))
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"pollutrack: {out}: cannot be written: ") and "File too large" in line
    assert out.read_bytes() == b"the previous output"
    assert listing(folder) == [name]  # the temporary file is gone, nothing else was made
    assert big.read_bytes() == before


def test_a_failed_partitioned_write_keeps_the_previous_folder(
    cli: Run, cli_process: Process, big: Path, tmp_path: Path
) -> None:
    out = tmp_path / "daily"
    code, _, err = cli("aqi", big, "-o", out, "--partition-by", "station")
    assert code == 0, err
    before = {p: p.read_bytes() for p in out.rglob("*.parquet")}
    assert sorted(p.parent.name for p in before) == ["station=A", "station=B", "station=C"]
    proc = cli_process(
        "aqi", big, "-o", out, "--partition-by", "station", preexec_fn=limited(16_384)
    )
    assert proc.returncode == 2 and "File too large" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert {p: p.read_bytes() for p in out.rglob("*.parquet")} == before
    assert listing(tmp_path) == sorted(
        ["daily", "daily.report.json", "in", "in/big.parquet"]
        + [f"daily/station={s}" for s in "ABC"]
        + [f"daily/station={s}/part-0.parquet" for s in "ABC"]
    )


def test_a_failed_report_keeps_the_previous_report(cli_process: Process, tmp_path: Path) -> None:
    # 200 records set aside make a report of about 20 kB; the output is a few hundred bytes.
    path = tmp_path / "r.ndjson"
    path.write_text('{"pm25": 5.0}\n' + '{"pm25": \n' * 200)
    out, report = tmp_path / "o.csv", tmp_path / "o.csv.report.json"
    report.write_text("the previous report")
    proc = cli_process("aqi", path, "-o", out, preexec_fn=limited(8_192))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"pollutrack: {report}: cannot be written: ")
    assert len(proc.stderr.splitlines()) == 1 and "File too large" in proc.stderr
    assert report.read_text() == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.csv.report.json", "r.ndjson"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_keeps_its_file(cli: Run, stations: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    out = folder / "o.parquet"
    out.write_bytes(b"kept")
    folder.chmod(0o555)
    try:
        code, _, err = cli("aqi", stations, "-o", out)
    finally:
        folder.chmod(0o755)
    assert code == 2 and "Permission denied" in err and len(err.splitlines()) == 1
    assert out.read_bytes() == b"kept" and listing(folder) == ["o.parquet"]


def test_partitioned_output_replaces_only_its_own_folder(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    out = tmp_path / "parts"
    assert cli("aqi", stations, "-o", out, "--partition-by", "station")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["station=A", "station=B"]
    # A second run replaces the folder as a whole: station A alone remains.
    only_a = tmp_path / "a.csv"
    only_a.write_text("station,pm25\nA,5.0\n")
    code, _, err = cli("aqi", only_a, "-o", out, "--partition-by", "station")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["station=A"]
    # A file pollutrack did not write stops the run and stays.
    (out / "notes.txt").write_text("mine")
    code, _, err = cli("aqi", stations, "-o", out, "--partition-by", "station")
    assert (code, err) == (
        2,
        f"pollutrack: {out}: the folder holds notes.txt, which pollutrack did not write; "
        "remove it or choose another folder\n",
    )
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "station=A"]
    assert (out / "notes.txt").read_text() == "mine"


def test_outputs_are_stamped_and_keep_the_file_mode(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o.parquet"
    assert cli("aqi", stations, "-o", out)[0] == 0
    metadata = pq.read_schema(out).metadata
    assert b"pollutrack" in metadata and b'"command": "aqi"' in metadata[b"pollutrack_cli"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    out.chmod(0o640)
    assert cli("aqi", stations, "-o", out)[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_the_report_cannot_be_the_output_or_inside_it(
    cli: Run, stations: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o.csv"
    assert cli("aqi", stations, "-o", out, "--report", out) == (
        2,
        "",
        f"pollutrack: {out}: the output and the run report are one file\n",
    )
    parts, report = tmp_path / "parts", tmp_path / "parts" / "run.json"
    assert cli("aqi", stations, "-o", parts, "--partition-by", "station", "--report", report) == (
        2,
        "",
        f"pollutrack: {report}: the run report cannot go inside the output folder\n",
    )
    assert listing(tmp_path) == ["stations.csv"]
