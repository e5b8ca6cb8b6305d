"""The ``giamngheo`` command as a user runs it (subprocesses, real database)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

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


@pytest.fixture
def fresh_database_url(django_db_blocker: Any) -> Iterator[str]:
    """A URL to a new, empty database on the test server (dropped afterwards)."""
    from urllib.parse import quote

    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    name = f"giamngheo_cli_fresh_{os.getpid()}"
    params = {
        "host": settings["HOST"] or "localhost",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with django_db_blocker.unblock(), psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    host = quote(str(params["host"]), safe="")
    password = f":{quote(str(settings['PASSWORD']))}" if settings["PASSWORD"] else ""
    yield f"postgres://{settings['USER']}{password}@{host}:{params['port']}/{name}"
    with django_db_blocker.unblock(), psycopg.connect(**params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_command_before_migrate_says_so_in_one_sentence(fresh_database_url: str) -> None:
    env = {"DATABASE_URL": fresh_database_url, "GIAMNGHEO_DEBUG": "1"}
    for command in (["areas", "stats", "--format", "json"], ["demo", "logins"]):
        result = run(*command, env=env)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines == [
            "giamngheo: Cơ sở dữ liệu chưa được khởi tạo: hãy chạy “giamngheo migrate” trước."
        ]
    # Half-way (only one app migrated): the sentence says the schema is behind.
    assert run("migrate", "contenttypes", env=env).returncode == 0
    result = run("areas", "stats", env=env)
    assert result.returncode == 1
    assert "chưa được cập nhật" in result.stderr
    assert "giamngheo migrate" in result.stderr
    assert "Traceback" not in result.stderr
