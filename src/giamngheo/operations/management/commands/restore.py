"""``giamngheo restore FILE [--force]``: restore a backup made by ``giamngheo backup`` into the
configured database (embedded or ``DATABASE_URL``) and file directories, then compare every
table's row count and checksum with the backup's manifest and print them
(``operations.archive.restore``). Without ``--force`` the database and the file directories
must be empty. Exit status 1 when the archive is refused, 2 when a table does not match.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from giamngheo.lib.formatting import format_number
from giamngheo.operations import archive
from giamngheo.operations.pgtools import OperationsError


def _short(checksum: str | None) -> str:
    """A short fingerprint of a table's checksum for the printed table (the manifest keeps it
    whole)."""
    if checksum is None:
        return "-"
    return hashlib.sha256(checksum.encode()).hexdigest()[:12]


class Command(BaseCommand):
    # No system checks first (why: see the backup command).
    requires_system_checks: list[str] = []
    help = _("Khôi phục CSDL và các tệp từ một tệp sao lưu của “giamngheo backup”.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("tệp sao lưu (.tar)"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_(
                "xóa dữ liệu hiện có (mọi bảng của CSDL; thư mục tệp được đổi tên sang "
                ".before-restore-…) rồi khôi phục"
            ),
        )
        parser.add_argument(
            "--quiet-tables", action="store_true", help=_("không in từng bảng, chỉ in tổng")
        )

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = archive.restore(options["file"], force=options["force"], say=self.say)
        except OperationsError as error:
            raise CommandError(str(error)) from error
        expected = result.manifest.get("tables", {})
        restored = result.restored["tables"]
        if not options["quiet_tables"]:
            self.say(_("Bảng | số dòng (sao lưu → khôi phục) | tổng kiểm tra | khớp"))
            for name in sorted(set(expected) | set(restored)):
                want, got = expected.get(name, {}), restored.get(name, {})
                self.say(
                    f"{name} | {format_number(want.get('rows', 0))} → "
                    f"{format_number(got.get('rows', 0))} | {_short(got.get('checksum'))} | "
                    + (_("khớp") if want == got else _("KHÔNG KHỚP"))
                )
        rows = sum(t["rows"] for t in restored.values())
        for aside in result.moved_aside:
            self.say(_("Thư mục tệp cũ được giữ ở %(path)s.") % {"path": aside})
        for note in result.sequence_notes:
            self.say(_("Lưu ý (bộ đếm): %(note)s") % {"note": note})
        if result.problems:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("Đã khôi phục nhưng %(n)s bảng không khớp với bản sao lưu (xem trên).")
                % {"n": len(result.problems)},
                returncode=2,
            )
        self.say(
            _(
                "Đã khôi phục và kiểm tra: %(tables)s/%(tables)s bảng khớp số dòng và tổng kiểm "
                "tra (%(rows)s dòng), %(files)s tệp, trong %(seconds)s giây."
            )
            % {
                "tables": len(restored),
                "rows": format_number(rows),
                "files": format_number(result.files),
                "seconds": format_number(result.seconds, 1),
            }
        )
