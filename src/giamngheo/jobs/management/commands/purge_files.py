"""``giamngheo purge_files [--days N] [--dry-run]``: delete job uploads and exports older than
the retention (``GIAMNGHEO_FILE_RETENTION_DAYS``) now; the worker does it hourly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from giamngheo.jobs import retention


class Command(BaseCommand):
    help = _("Xoá tệp tải lên và tệp kết quả của công việc nền lưu quá thời hạn.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help=_("số ngày lưu (mặc định: theo cấu hình)")
        )
        parser.add_argument("--dry-run", action="store_true", help=_("chỉ đếm, không xoá"))

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError(_("Số ngày lưu phải từ 1 trở lên."))
        report = retention.purge_files(days=days, dry_run=options["dry_run"])
        if report.retention_days <= 0:
            self.stdout.write(_("Không xoá tệp: thời hạn lưu là 0 (giữ mãi)."))
            return
        self.stdout.write(report.headline())
