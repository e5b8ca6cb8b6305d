"""``giamngheo worker [--once]``: run background jobs (imports, exports) in this process."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from giamngheo.jobs import worker
from giamngheo.jobs.models import Job


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
        stop = threading.Event()

        def request_stop(_signum: int, _frame: object) -> None:
            # The running job finishes first; a second Ctrl+C kills the process as usual.
            self.stderr.write(_("Đang dừng sau công việc hiện tại…"))
            stop.set()
            signal.signal(signal.SIGINT, signal.default_int_handler)

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, request_stop)
            signal.signal(signal.SIGTERM, request_stop)

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
            on_job=report,
            recover=False,
        )
        self.stdout.write(_("Đã chạy %(n)s công việc.") % {"n": count})
