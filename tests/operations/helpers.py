"""What the operations tests share: the giamngheo command in a subprocess, databases made
and dropped on the test server, and each table's content read independently of the code
under test (``md5`` of every row's text, sorted)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import psycopg
from django.db import connection, connections

from giamngheo.operations import pgtools
from tests.conftest import test_database_url

COMMAND = [sys.executable, "-m", "giamngheo"]


def run(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=timeout,
        check=False,
    )


def _server() -> dict[str, Any]:
    settings = connection.settings_dict
    return {
        "host": settings["HOST"] or "localhost",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }


def url_of(name: str) -> str:
    base = test_database_url()
    return base.rsplit("/", 1)[0] + "/" + quote(name, safe="")


@contextmanager
def database(name: str, *, template: str | None = None) -> Iterator[str]:
    """A new database on the test server (a copy of ``template`` if given); its URL. Dropped
    afterwards."""
    connections.close_all()  # a template must have no open session
    with psycopg.connect(**_server(), dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        copied = False
        for _attempt in range(8):
            try:
                admin.execute(f'CREATE DATABASE "{name}"{suffix}')
                copied = True
                break
            except psycopg.errors.ObjectInUse:
                # A template must have no other session: an autovacuum worker holds it for a
                # moment; a connection kept by another thread of this test process (the browser
                # tests' live server) holds it for good and must not be cut.
                time.sleep(0.25)
        if not copied:
            admin.execute(f'CREATE DATABASE "{name}"')
    if not copied and template:
        _copy_with_pg_dump(template, name)
    try:
        yield url_of(name)
    finally:
        with psycopg.connect(**_server(), dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy_with_pg_dump(source: str, target: str) -> None:
    """Copy ``source`` into the empty ``target`` with the server's own pg_dump and pg_restore
    (works while other sessions are connected to ``source``)."""
    server = _server()
    with psycopg.connect(**server, dbname="postgres") as conn:
        major, _version = pgtools.server_major(conn)
    tools = pgtools.tools_for(major)
    env = {**os.environ, "PGPASSWORD": server["password"] or ""}
    common = ["-h", str(server["host"]), "-p", str(server["port"]), "-U", str(server["user"])]
    dump = subprocess.run(
        [str(tools.pg_dump), *common, "-Fc", "-d", source],
        capture_output=True,
        env=env,
        check=True,
    )
    subprocess.run(
        [str(tools.pg_restore), *common, "--no-owner", "-d", target],
        input=dump.stdout,
        capture_output=True,
        env=env,
        check=True,
    )


def table_contents(url: str) -> dict[str, tuple[int, str]]:
    """Every ordinary table outside the system schemas → (rows, md5 of its rows' text in
    sorted order)."""
    with psycopg.connect(url) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        names = conn.execute(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1"
        ).fetchall()
        result = {}
        for (name,) in names:
            row = conn.execute(
                f"SELECT count(*), md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), "  # noqa: S608
                f"'')) FROM {name} t"
            ).fetchone()
            assert row is not None
            result[name] = (int(row[0]), str(row[1]))
    return result


def sequence_values(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) "
                "FROM pg_sequences ORDER BY 1"
            ).fetchall()
        ]
        return {
            n: int(conn.execute(f"SELECT last_value FROM {n}").fetchone()[0])  # type: ignore[index]  # noqa: S608
            for n in names
        }
