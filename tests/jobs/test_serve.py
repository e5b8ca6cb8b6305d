"""``giamngheo serve`` runs the job worker as a separate, supervised process: started with
the server, restarted when it dies, stopped with the server (no orphan), even when the
server itself is killed.

Each test starts the real command on a free port against the test database (external
PostgreSQL through DATABASE_URL, as in production).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from giamngheo.jobs.models import Job, JobStatus
from giamngheo.jobs.retention import PURGE_JOB

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = quote(db.get("HOST") or "localhost", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    """Live (not zombie) child processes of ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"


def wait_for(condition: Callable[[], Any], seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return value


def worker_of(serve: subprocess.Popen[bytes]) -> int | None:
    pids = [pid for pid in children(serve.pid) if b"worker" in _cmdline(pid)]
    return pids[0] if len(pids) == 1 else None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url(),
        GIAMNGHEO_VAR_DIR=str(tmp_path),
        GIAMNGHEO_BACKGROUND_WORKER="1",
        GIAMNGHEO_SECRET_KEY=secrets.token_urlsafe(48),  # as in production
    )
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "giamngheo", "serve", "--port", str(port), "--threads", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                return bool(r.status == 200)
        except OSError:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            return False

    try:
        wait_for(healthy, 30)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
        for pid in children(process.pid):  # never leave a process behind
            os.kill(pid, signal.SIGKILL)


def test_serve_runs_jobs_in_a_separate_worker_process_and_stops_it(
    serve: subprocess.Popen[bytes],
) -> None:
    worker = wait_for(lambda: worker_of(serve))
    assert worker != serve.pid
    # The worker schedules the hourly file purge at start and runs it in a job process.
    purge = wait_for(lambda: Job.objects.filter(kind=PURGE_JOB, status=JobStatus.SUCCEEDED).first())
    assert purge.process_id not in (None, serve.pid, worker)
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(30) == 0
    wait_for(lambda: gone(worker), 15)


def test_a_dead_worker_is_restarted_and_a_killed_server_leaves_no_worker(
    serve: subprocess.Popen[bytes],
) -> None:
    first = wait_for(lambda: worker_of(serve))
    os.kill(first, signal.SIGKILL)
    second = wait_for(lambda: (pid := worker_of(serve)) and pid != first and pid)
    assert serve.poll() is None  # the web server lives on
    serve.kill()  # no chance to clean up: the kernel tells the worker (PR_SET_PDEATHSIG)
    serve.wait()
    wait_for(lambda: gone(second), 15)


def test_no_worker_process_when_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from giamngheo.jobs.supervisor import start_worker_process

    monkeypatch.setenv("GIAMNGHEO_BACKGROUND_WORKER", "0")
    assert start_worker_process() is None
