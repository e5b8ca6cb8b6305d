"""``giamngheo export households --area CODE FILE``: a thin wrapper over
``registry.exports.export_households`` (xlsx or CSV by the file's extension).

``giamngheo export parquet --area CODE --output DIR``: ``registry.parquet.export_parquet``, the
area's households, members and survey results as Parquet without direct identifiers, for
analysts (docs/analytics.md).

Runs as the system: every household of the area, numbers unmasked (whoever runs the command
already holds the database). ``--user`` exports with an account's reach and masking instead.
The export is recorded in the audit log either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.registry import exports, parquet


class Command(BaseCommand):
    help = _(
        "Xuất danh sách hộ gia đình và thành viên của một địa bàn ra tệp .xlsx hoặc .csv, "
        "hoặc ra Parquet (không có thông tin định danh) cho phân tích."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # The file is optional (parquet writes a directory) and may follow the options
        # (``export households --area 44 FILE``): plain parse_args would not take it there.
        parser.parse_args = parser.parse_intermixed_args  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what", choices=["households", "parquet"], help=_("loại dữ liệu: households, parquet")
        )
        parser.add_argument("file", type=Path, nargs="?", help=_("tệp .xlsx hoặc .csv sẽ ghi"))
        parser.add_argument(
            "--area", required=True, help=_("mã tỉnh, xã hoặc thôn cần xuất (ví dụ 44, 19435)")
        )
        parser.add_argument("--user", help=_("xuất với quyền (và việc che số) của tài khoản này"))
        parser.add_argument(
            "--output", type=Path, help=_("thư mục mới (hoặc trống) để ghi các tệp Parquet")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        area = AdministrativeUnit.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(_("Không có địa bàn mã %(code)s.") % {"code": options["area"]})
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(_("Không có tài khoản %(name)s.") % {"name": options["user"]})
        if options["what"] == "parquet":
            self._parquet(actor, area, options["output"])
            return
        if options["file"] is None:
            raise CommandError(_("Hãy cho biết tệp cần ghi (.xlsx hoặc .csv)."))
        try:
            report = exports.export_households(actor=actor, area=area, path=options["file"])
        except exports.ExportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.headline())
        self.stdout.write(str(report.path))

    def _parquet(self, actor: User | None, area: AdministrativeUnit, output: Path | None) -> None:
        if output is None:
            raise CommandError(_("Hãy cho biết thư mục cần ghi (--output)."))
        try:
            report = parquet.export_parquet(actor=actor, area=area, output=output)
        except parquet.ParquetError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.headline())
        for path in report.files:
            self.stdout.write(str(path))
