"""``giamngheo backup FILE``: the database (pg_dump, custom format) and the files (MEDIA_ROOT,
the jobs' files) in one tar archive with a manifest (``operations.archive``).

``giamngheo backup --scheduled --dir DIR [--keep-daily 7] [--keep-weekly 4]
[--keep-monthly 12]``: a backup named by the time (``giamngheo-YYYYMMDD-HHMMSSZ.tar``) in DIR,
then the older scheduled backups beyond the retention are deleted (``operations.retention``).
How to run it every night: docs/operations.md, "Backups".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.lib.formatting import format_number
from giamngheo.operations import archive, retention
from giamngheo.operations.pgtools import OperationsError


class Command(BaseCommand):
    # No system checks first: they import every URL module and template library (about a
    # second, each run) and check nothing a backup or a restore uses; an operator saving or
    # recovering the data of an installation whose configuration has a problem must not be
    # stopped by it (``giamngheo check`` reports such problems).
    requires_system_checks: list[str] = []
    help = _("Sao lưu CSDL và các tệp (tệp tải lên, tệp của công việc nền) vào một tệp.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help=_("tệp sao lưu sẽ tạo (.tar)"))
        parser.add_argument(
            "--scheduled",
            action="store_true",
            help=_("sao lưu định kỳ vào thư mục --dir, rồi xóa bản cũ theo số bản giữ lại"),
        )
        parser.add_argument("--dir", type=Path, help=_("thư mục chứa các bản sao lưu định kỳ"))
        parser.add_argument("--keep-daily", type=int, default=7, help=_("số ngày gần nhất"))
        parser.add_argument("--keep-weekly", type=int, default=4, help=_("số tuần gần nhất"))
        parser.add_argument("--keep-monthly", type=int, default=12, help=_("số tháng gần nhất"))

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scheduled"]:
            if options["dir"] is None or options["file"] is not None:
                raise CommandError(_("Sao lưu định kỳ: dùng --dir THƯ_MỤC (không ghi tên tệp)."))
            directory: Path = options["dir"].expanduser().resolve()
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / retention.scheduled_name(timezone.now())
        elif options["file"] is None:
            raise CommandError(_("Cần tên tệp sao lưu: giamngheo backup TỆP.tar"))
        else:
            path = options["file"]
        try:
            result = archive.backup(path, say=self.say)
        except OperationsError as error:
            raise CommandError(str(error)) from error
        self.say(
            _(
                "Đã sao lưu vào %(path)s: %(size)s (CSDL %(dump)s; %(tables)s bảng, %(rows)s "
                "dòng; %(files)s tệp) trong %(seconds)s giây."
            )
            % {
                "path": result.path,
                "size": archive.human_size(result.size),
                "dump": archive.human_size(result.dump_size),
                "tables": result.tables,
                "rows": format_number(result.rows),
                "files": format_number(result.files),
                "seconds": format_number(result.seconds, 1),
            }
        )
        if options["scheduled"]:
            removed = retention.prune(
                path.parent,
                daily=options["keep_daily"],
                weekly=options["keep_weekly"],
                monthly=options["keep_monthly"],
            )
            for old in removed:
                self.say(_("Đã xóa bản sao lưu cũ %(name)s.") % {"name": old.name})
