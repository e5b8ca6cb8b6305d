"""Real processes for the production tests: app servers (``giamngheo serve --production``)
and job workers (``giamngheo worker``) against the test database, each with a directory of its
own (as on separate machines) and the shared jobs directory."""

from __future__ import annotations

import contextlib
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

from tests.conftest import test_database_url

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = secrets.token_urlsafe(64)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], Any], seconds: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.1)
    return value


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """A production environment on the test database (no demo, no test settings)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "GIAMNGHEO_DEMO",
            "GIAMNGHEO_DEBUG",
            "GIAMNGHEO_TEST_SETTINGS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # refused by check --deploy, rightly
        }
        and not key.startswith("PYTEST_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="giamngheo.settings",
        DATABASE_URL=test_database_url(),
        GIAMNGHEO_VAR_DIR=str(var_dir),
        GIAMNGHEO_PRODUCTION="1",
        GIAMNGHEO_SECRET_KEY=SECRET_KEY,
        GIAMNGHEO_ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Process:
    """A started command whose output goes to a log file; stopped with SIGTERM."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self.handle = log.open("wb")
        self.popen = subprocess.Popen(
            command, env=env, stdout=self.handle, stderr=subprocess.STDOUT, cwd=ROOT
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 45.0) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.handle.close()


class Starting:
    """A process launched but maybe not ready yet: ``ready()`` waits for it. Launch several
    before waiting for any: they start in parallel (each spends seconds importing Django)."""

    def __init__(self, process: Process, check: Callable[[], bool], what: str, seconds: float):
        self.process, self._check, self._what, self._seconds = process, check, what, seconds

    def ready(self) -> Process:
        wait_for(self._check, self._seconds, self._what)
        return self.process


def launch_app(tmp: Path, name: str, *, workers: int = 1, **env: str) -> tuple[Starting, str]:
    """``giamngheo serve --production --workers N --job-workers 0`` on a free port, launched;
    its base URL. Ready once /readyz answers 200."""
    port = free_port()
    var = tmp / name
    var.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "giamngheo", "serve", "--production", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--threads", "4"]
    command += ["--job-workers", "0"]
    process = Process(name, command, production_env(var, **env), tmp / f"{name}.log")
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert process.alive(), process.output()
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=5) as response:  # noqa: S310
                return bool(response.status == 200)
        except OSError:
            return False

    return Starting(process, ready, f"{name} ready", 180), base


def launch_worker(tmp: Path, name: str, **env: str) -> Starting:
    """``giamngheo worker`` (polling every 0.2 s), launched; ready once it waits for jobs."""
    var = tmp / name
    var.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "giamngheo", "worker", "--poll", "0.2"]
    process = Process(name, command, production_env(var, **env), tmp / f"{name}.log")

    def waiting() -> bool:
        assert process.alive(), process.output()
        return "Đang chờ công việc" in process.output()

    return Starting(process, waiting, f"{name} waiting", 120)


@contextlib.contextmanager
def stopping(processes: list[Process]) -> Iterator[list[Process]]:
    try:
        yield processes
    finally:
        for process in reversed(processes):
            process.stop()
