"""The ``giamngheo`` command.

Own subcommands:
  serve [--host H] [--port P]       serve the web app (starts the embedded database if in use)
  db start|stop|status              manage the embedded PostgreSQL server
  standards|classify|mpi|simulate   the standards engine (pure Python, no database)
  bench NAME [...]                  run bench/NAME.py from a source checkout
Anything else is a Django management command (migrate, shell, createsuperuser, areas, demo, …).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

ENGINE_COMMANDS = frozenset({"standards", "classify", "mpi", "simulate"})


def _fail(message: str, code: int = 1) -> int:
    print(f"giamngheo: {message}", file=sys.stderr)
    return code


def _uses_embedded_database() -> bool:
    return not os.environ.get("DATABASE_URL")


def _db_command(args: Sequence[str]) -> int:
    from giamngheo.lib import embedded_db

    action = args[0] if args else "status"
    if not _uses_embedded_database():
        return _fail("DATABASE_URL đang được đặt: máy chủ ngoài không do lệnh này quản lý.")
    try:
        if action == "start":
            status = embedded_db.start()
            if status.removed_stale_pid is not None:
                print(
                    f"Đã xóa tệp postmaster.pid cũ (pid {status.removed_stale_pid} nay là một "
                    "chương trình khác, không phải PostgreSQL)."
                )
            if status.recovery is not None:
                print(status.recovery.message())
            print(f"PostgreSQL nhúng đang chạy (dữ liệu: {status.data_dir}, pid {status.pid}).")
        elif action == "stop":
            stopped = embedded_db.stop()
            print("Đã dừng PostgreSQL nhúng." if stopped else "PostgreSQL nhúng không chạy.")
        elif action == "status":
            status = embedded_db.status()
            state = "đang chạy" if status.running else "đã dừng"
            print(f"PostgreSQL nhúng {state} (dữ liệu: {status.data_dir}).")
            return 0 if status.running else 3
        else:
            return _fail("dùng: giamngheo db start|stop|status", 2)
    except embedded_db.EmbeddedDatabaseError as error:
        return _fail(str(error))
    return 0


def _ensure_database() -> int:
    """Start the embedded server if it is the one in use; then check that the database answers."""
    if _uses_embedded_database():
        from giamngheo.lib import embedded_db

        try:
            status = embedded_db.start()
        except embedded_db.EmbeddedDatabaseError as error:
            return _fail(str(error))
        if status.recovery is not None:  # e.g. 'serve' after a power cut: say it once
            print(f"giamngheo: {status.recovery.message()}", file=sys.stderr)
    return 0


def _database_reachable() -> str | None:
    """None when the configured database answers, else one sentence saying why not."""
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        settings = connection.settings_dict
        where = f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}"
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "không rõ lý do"
        return (
            f"Không kết nối được cơ sở dữ liệu PostgreSQL “{settings.get('NAME')}” tại {where} "
            f"({reason})."
        )
    return None


# Commands that work on a database whose schema is missing or behind (or need no database).
_SCHEMA_NOT_NEEDED = frozenset(
    {
        "help",
        "--help",
        "-h",
        "version",
        "--version",
        "migrate",
        "makemigrations",
        "showmigrations",
        "sqlmigrate",
        "squashmigrations",
        "optimizemigration",
        "check",
        "dbshell",
        "shell",
        "diffsettings",
        "makemessages",
        "compilemessages",
        "restore",  # into an empty database (it checks the target itself)
    }
)


def _schema_problem() -> str | None:
    """None when every migration is applied, else one sentence telling what to run."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return None
    applied = executor.loader.applied_migrations
    if not applied:
        return "Cơ sở dữ liệu chưa được khởi tạo: hãy chạy “giamngheo migrate” trước."
    return (
        f"Cơ sở dữ liệu chưa được cập nhật ({len(pending)} bước chuyển đổi chưa chạy): "
        "hãy chạy “giamngheo migrate” trước."
    )


def _django(argv: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    import django

    django.setup()
    if argv and argv[0] not in {
        "help",
        "--help",
        "-h",
        "makemessages",
        "compilemessages",
        "makemigrations",
        "check",
        "version",
        "--version",
    }:
        problem = _database_reachable()
        if problem:
            return _fail(problem)
        if argv[0] not in _SCHEMA_NOT_NEEDED and (problem := _schema_problem()):
            return _fail(problem)
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["giamngheo", *argv])
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else _fail(exit_.code)
    return 0


def _serve(argv: Sequence[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="giamngheo serve", description="Chạy ứng dụng web.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8)
    options = parser.parse_args(argv)
    if (code := _ensure_database()) != 0:
        return code
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    import django

    django.setup()
    if problem := _database_reachable() or _schema_problem():
        return _fail(problem)
    import signal

    from django.conf import settings
    from waitress import serve

    from giamngheo.jobs.supervisor import start_worker_process
    from giamngheo.wsgi import application

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(0)  # waitress closes on SystemExit; the finally below stops the worker

    signal.signal(signal.SIGTERM, stop)
    # Imports, exports and other long jobs run in a separate, supervised worker process (a job
    # that exhausts memory cannot take the web server down), unless separate
    # 'giamngheo worker' processes are used (GIAMNGHEO_BACKGROUND_WORKER=0).
    supervisor = start_worker_process()
    try:
        print(
            f"giamngheo đang phục vụ tại http://{options.host}:{options.port}/ (Ctrl+C để dừng)",
            flush=True,
        )
        serve(
            application,
            host=options.host,
            port=options.port,
            threads=options.threads,
            # waitress buffers a body up to 1 GB by default: stop at the upload limit plus room
            # for the form's other fields (it answers 413 itself past that).
            max_request_body_size=settings.UPLOAD_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        )
    finally:
        if supervisor is not None:
            supervisor.stop()
    return 0


def _bench(argv: Sequence[str]) -> int:
    import importlib.util

    from giamngheo.lib.paths import checkout_root

    if not argv:
        return _fail("dùng: giamngheo bench TÊN [tham số...]", 2)
    root = checkout_root()
    script = root / "bench" / f"{argv[0]}.py" if root else None
    if script is None or not script.is_file():
        return _fail(f"không có benchmark “{argv[0]}” (cần chạy từ mã nguồn, thư mục bench/).", 2)
    spec = importlib.util.spec_from_file_location(f"bench_{argv[0]}", script)
    if spec is None or spec.loader is None:
        return _fail(f"không nạp được {script}.", 2)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    exit_code: int = module.main(list(argv[1:]))
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except Exception as error:
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(error, ImproperlyConfigured):  # e.g. production without a secret key
            return _fail(str(error))
        raise


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "help"
    if command in ENGINE_COMMANDS:
        from giamngheo.standards.cli import main as engine_main

        return engine_main(args)
    if command == "db":
        return _db_command(args[1:])
    if command == "serve":
        return _serve(args[1:])
    if command == "bench":
        return _bench(args[1:])
    if command in {"help", "--help", "-h"} and len(args) <= 1:
        print(__doc__)
    elif (code := _ensure_database()) != 0:
        return code
    return _django(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
