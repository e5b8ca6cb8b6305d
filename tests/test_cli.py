"""The ``giamngheo`` command as a user runs it (subprocesses, real database)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMAND = [sys.executable, "-m", "giamngheo"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def test_an_unreachable_database_gives_one_clear_sentence_and_no_traceback() -> None:
    result = run("migrate", env={"DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("giamngheo: Không kết nối được cơ sở dữ liệu PostgreSQL")
    assert "127.0.0.1:1" in lines[0]


def test_a_database_url_that_is_not_postgresql_is_refused() -> None:
    result = run("migrate", env={"DATABASE_URL": "sqlite:///tmp/x.db"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_django_management_commands_are_available() -> None:
    result = run("help")
    assert result.returncode == 0
    for command in ("migrate", "shell", "createsuperuser", "areas", "demo"):
        assert command in result.stdout


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the embedded server is not used when DATABASE_URL points elsewhere",
)
def test_db_status_reports_the_embedded_server() -> None:
    result = run("db", "status")
    assert result.returncode in (0, 3)
    assert "PostgreSQL nhúng" in result.stdout
