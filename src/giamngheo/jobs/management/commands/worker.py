"""``giamngheo worker [--once]``: run background jobs (imports, exports), each in a process of
its own (see giamngheo.jobs.worker).

Signals: Ctrl+C (SIGINT) stops after the current job, a second Ctrl+C stops it at once;
SIGTERM (service managers, ``giamngheo serve`` stopping) stops at once. A job stopped at once
is marked failed (its data writes are rolled back) and can be run again.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from giamngheo.jobs import worker
from giamngheo.jobs.models import Job
from giamngheo.jobs.runner import limit_memory


def _bind_to_parent() -> None:
    """Under ``giamngheo serve``: get SIGTERM when serve ends, even if it is killed."""
    expected = os.environ.get("GIAMNGHEO_WORKER_PARENT_PID")
    if not expected:
        return
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    if str(os.getppid()) != expected:
        raise SystemExit(0)  # serve ended while this process was starting


class Command(BaseCommand):
    help = _("Chạy các công việc nền (nhập, xuất dữ liệu). Với --once: chạy hết hàng đợi rồi dừng.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help=_("chạy hết các công việc đang chờ rồi dừng")
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=worker.DEFAULT_POLL_SECONDS,
            help=_("số giây chờ giữa hai lần xem hàng đợi"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        _bind_to_parent()
        stop, abort = threading.Event(), threading.Event()

        def finish_then_stop(_signum: int, _frame: object) -> None:
            if stop.is_set():
                abort.set()
                return
            self.stderr.write(_("Đang dừng sau công việc hiện tại… (Ctrl+C lần nữa để dừng ngay)"))
            stop.set()

        def stop_now(_signum: int, _frame: object) -> None:
            stop.set()
            abort.set()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, finish_then_stop)
            signal.signal(signal.SIGTERM, stop_now)

        if not settings.JOB_ISOLATION:
            # Job bodies run in this process: the memory limit protects the machine.
            limit_memory(int(settings.JOB_MEMORY_LIMIT_MB))

        def report(job: Job) -> None:
            self.stdout.write(f"#{job.pk} {job.kind}: {job.get_status_display()} — {job.message}")

        recovered = worker.recover_stale_jobs()
        if recovered:
            self.stdout.write(
                _("Đã đánh dấu lỗi %(n)s công việc bị dừng giữa chừng.") % {"n": len(recovered)}
            )
        if not options["once"]:
            self.stdout.write(_("Đang chờ công việc (Ctrl+C để dừng)…"))
        count = worker.run_worker(
            once=options["once"],
            poll_seconds=options["poll"],
            stop=stop,
            abort=abort,
            on_job=report,
            recover=False,
        )
        self.stdout.write(_("Đã chạy %(n)s công việc.") % {"n": count})
