"""The ``giamngheo`` command.

Own subcommands:
  serve [--host H] [--port P]       serve the web app (starts the embedded database if in use);
        [--workers N] [--production]  N gunicorn processes; production checks, JSON logs
        [--job-workers M]             M supervised job workers (default 1)
  db start|stop|status              manage the embedded PostgreSQL server
  standards|classify|mpi|simulate   the standards engine (pure Python, no database)
  bench NAME [...]                  run bench/NAME.py from a source checkout
Anything else is a Django management command (migrate, shell, createsuperuser, areas, demo, …).
"""

from __future__ import annotations

import argparse
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


def _serve_options(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="giamngheo serve", description="Chạy ứng dụng web.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=8, help="luồng mỗi tiến trình web")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="số tiến trình web (gunicorn); không đặt: một tiến trình waitress",
    )
    parser.add_argument(
        "--job-workers",
        type=int,
        default=None,
        help="số tiến trình công việc nền do lệnh này chạy (mặc định 1; 0: không chạy)",
    )
    parser.add_argument(
        "--timeout", type=int, default=120, help="giây tối đa cho một yêu cầu (gunicorn)"
    )
    parser.add_argument(
        "--production",
        action="store_true",
        help="chế độ chạy thật: kiểm tra cấu hình, tệp tĩnh nén, nhật ký JSON",
    )
    options = parser.parse_args(argv)
    if not 0 <= options.workers <= 64 or (options.job_workers or 0) < 0:
        parser.error("--workers: 1..64, --job-workers ≥ 0")
    return options


def _production_refusals() -> list[str]:
    """The production problems and the errors of ``check --deploy`` (warnings are printed)."""
    from django.core import checks

    from giamngheo.web.production import production_problems

    problems = production_problems()
    messages = checks.run_checks(include_deployment_checks=True)
    for message in messages:
        if message.level >= checks.ERROR and message.msg not in problems:
            problems.append(f"{message.msg} ({message.id})")
    if not problems:
        for message in messages:
            if message.level >= checks.WARNING:
                print(f"giamngheo: cảnh báo: {message.msg} ({message.id})", file=sys.stderr)
    return problems


def _job_worker_count(options: argparse.Namespace) -> int:
    if options.job_workers is not None:
        return int(options.job_workers)
    return 0 if os.environ.get("GIAMNGHEO_BACKGROUND_WORKER", "1").strip() == "0" else 1


def _serve(argv: Sequence[str]) -> int:
    options = _serve_options(argv)
    if options.production:
        os.environ["GIAMNGHEO_PRODUCTION"] = "1"
    if (code := _ensure_database()) != 0:
        return code
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    import django

    django.setup()
    if problem := _database_reachable() or _schema_problem():
        return _fail(problem)
    from django.conf import settings

    if settings.PRODUCTION:
        if problems := _production_refusals():
            return _fail(
                "không chạy ở chế độ thật vì cấu hình chưa an toàn:\n  - " + "\n  - ".join(problems)
            )
        from django.core.management import call_command

        # Hashed, compressed copies for WhiteNoise (each machine its own STATIC_ROOT).
        call_command("collectstatic", interactive=False, verbosity=0)
    import signal

    from giamngheo.jobs.supervisor import WorkerProcessSupervisor

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(0)  # waitress closes on SystemExit; the finally below stops the rest

    signal.signal(signal.SIGTERM, stop)
    # Imports, exports and other long jobs run in separate, supervised worker processes (a job
    # that exhausts memory cannot take the web server down); `giamngheo worker` processes run
    # under a service manager instead with --job-workers 0 (GIAMNGHEO_BACKGROUND_WORKER=0).
    supervisors = [WorkerProcessSupervisor().start() for _ in range(_job_worker_count(options))]
    try:
        address = f"http://{options.host}:{options.port}/"
        if options.workers:
            return _serve_gunicorn(options, address)
        print(f"giamngheo đang phục vụ tại {address} (Ctrl+C để dừng)", flush=True)
        from waitress import serve

        from giamngheo.wsgi import application

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
        for supervisor in supervisors:
            supervisor.stop()
    return 0


def _serve_gunicorn(options: argparse.Namespace, address: str) -> int:
    """N app processes: gunicorn's arbiter in a fresh interpreter (it forks its workers before
    importing the app, see giamngheo.web.gunicorn_conf), stopped gracefully with this one."""
    import signal
    import subprocess

    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:giamngheo.web.gunicorn_conf",
        "--bind",
        f"{options.host}:{options.port}",
        "--workers",
        str(options.workers),
        "--threads",
        str(options.threads),
        "--timeout",
        str(options.timeout),
        "giamngheo.wsgi:application",
    ]
    arbiter = subprocess.Popen(command)  # noqa: S603 - our own command line
    print(
        f"giamngheo đang phục vụ tại {address} bằng {options.workers} tiến trình (gunicorn, "
        f"pid {arbiter.pid}; Ctrl+C để dừng)",
        flush=True,
    )
    try:
        return arbiter.wait()
    except (SystemExit, KeyboardInterrupt):
        arbiter.send_signal(signal.SIGTERM)  # graceful: requests in progress end first
        try:
            arbiter.wait(40)
        except subprocess.TimeoutExpired:
            arbiter.kill()
            arbiter.wait()
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
