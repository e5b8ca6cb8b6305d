"""The embedded PostgreSQL after a power cut: a real server in a temporary data directory (its
own socket there, so other servers on the machine are not disturbed) is killed with SIGKILL;
``giamngheo db start`` starts it again, says that it stopped abruptly and what it recovered;
committed rows are there, uncommitted ones are not. A leftover postmaster.pid whose PID now
belongs to another program does not block the start."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

pytestmark = pytest.mark.once

COMMAND = [sys.executable, "-m", "giamngheo", "db"]


@pytest.fixture
def pgdata() -> Iterator[Path]:
    # Not under pytest's tmp_path: a Unix socket path must stay under 108 bytes.
    folder = Path(tempfile.mkdtemp(prefix="gn-ops-"))
    yield folder / "data"
    db("stop", pgdata=folder / "data")
    shutil.rmtree(folder, ignore_errors=True)


def db(action: str, *, pgdata: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "GIAMNGHEO_CRASH_AT"}}
    env["GIAMNGHEO_PGDATA"] = str(pgdata)
    return subprocess.run(
        [*COMMAND, action], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def postmaster(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


def connect(pgdata: Path) -> psycopg.Connection[tuple[object, ...]]:
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    return psycopg.connect(host=lines[4], port=lines[3], user="postgres", dbname="giamngheo")


def power_cut(pgdata: Path) -> None:
    """SIGKILL the postmaster, then wait for its children to notice and exit (as after a
    power cut, nothing of the old server is left)."""
    server = psutil.Process(postmaster(pgdata))
    children = server.children(recursive=True)
    server.send_signal(signal.SIGKILL)
    psutil.wait_procs([server, *children], timeout=30)


def test_a_killed_embedded_server_starts_again_and_says_what_it_recovered(pgdata: Path) -> None:
    started = db("start", pgdata=pgdata)
    assert started.returncode == 0, started.stderr
    assert "dừng đột ngột" not in started.stdout
    with connect(pgdata) as conn:
        conn.execute("CREATE TABLE ledger (id int PRIMARY KEY, note text)")
        conn.execute("INSERT INTO ledger SELECT g, 'đã ghi ' || g FROM generate_series(1, 1000) g")
        conn.commit()
    open_transaction = connect(pgdata)
    open_transaction.execute("INSERT INTO ledger VALUES (5000, 'chưa xác nhận')")

    power_cut(pgdata)
    status = db("status", pgdata=pgdata)
    assert status.returncode == 3 and "đã dừng" in status.stdout
    assert (pgdata / "postmaster.pid").exists()  # stale: left by the killed server

    again = db("start", pgdata=pgdata)
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    recovered = next(line for line in lines if line.startswith("Máy chủ CSDL đã dừng đột ngột"))
    assert "lần chạy cuối lúc 20" in recovered  # the time the server was last known up
    assert "đã phục hồi từ nhật ký giao dịch (WAL) đến vị trí" in recovered
    assert lines[-1].startswith("PostgreSQL nhúng đang chạy")
    with connect(pgdata) as conn:
        assert conn.execute("SELECT count(*), max(id) FROM ledger").fetchone() == (1000, 1000)
    open_transaction.close()

    # A clean stop and start: nothing to report.
    assert db("stop", pgdata=pgdata).returncode == 0
    clean = db("start", pgdata=pgdata)
    assert clean.returncode == 0 and "dừng đột ngột" not in clean.stdout


def test_a_leftover_pid_file_naming_another_program_is_removed(pgdata: Path) -> None:
    assert db("start", pgdata=pgdata).returncode == 0
    pid_file = (pgdata / "postmaster.pid").read_text().splitlines()
    assert db("stop", pgdata=pgdata).returncode == 0
    # After a reboot the old server's PID belongs to some other program.
    other = subprocess.Popen(["sleep", "120"])
    try:
        (pgdata / "postmaster.pid").write_text("\n".join([str(other.pid), *pid_file[1:]]) + "\n")
        status = db("status", pgdata=pgdata)
        assert status.returncode == 3, status.stdout  # not taken for the server
        started = db("start", pgdata=pgdata)
        assert started.returncode == 0, started.stderr
        assert f"Đã xóa tệp postmaster.pid cũ (pid {other.pid}" in started.stdout
        assert postmaster(pgdata) != other.pid
        with connect(pgdata) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        other.kill()
        other.wait()
