"""``giamngheo import households FILE [--dry-run] [--only-valid] [--complete] [--province CODE]``:
a thin wrapper over ``registry.imports.import_households``, run synchronously. Members absent
from the file stay in their households unless ``--complete`` declares that the file lists them
all.
``giamngheo import surveys FILE [--dry-run] [--only-valid]``: survey results (the survey-results
template) through ``surveys.imports.import_survey_results``.

The command lives in ``surveys`` (above ``registry``) because it dispatches both kinds of file.
Runs as the system (every area) unless ``--user`` names an account whose reach applies.
Exit status 2 when the file has errors and ``--only-valid`` was not given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.types import Actor
from giamngheo.lib.formatting import format_number
from giamngheo.registry import imports
from giamngheo.surveys import imports as survey_imports

SHOWN_ERRORS = 100


class Command(BaseCommand):
    help = _("Nhập danh sách hộ gia đình và thành viên từ tệp .xlsx hoặc .csv.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what",
            choices=["households", "surveys"],
            help=_("loại dữ liệu: households (hộ gia đình) hoặc surveys (kết quả rà soát)"),
        )
        parser.add_argument("file", type=Path, help=_("tệp .xlsx hoặc .csv theo mẫu"))
        parser.add_argument("--dry-run", action="store_true", help=_("chỉ chạy thử, không ghi gì"))
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help=_("nếu có hộ lỗi, vẫn nhập các hộ hợp lệ (mặc định: không nhập gì)"),
        )
        parser.add_argument(
            "--complete",
            action="store_true",
            help=_(
                "tệp gồm đầy đủ thành viên của các hộ: thành viên không có trong tệp sẽ rời hộ "
                "(mặc định: họ vẫn ở lại hộ)"
            ),
        )
        parser.add_argument("--province", help=_("mã tỉnh (mặc định: tỉnh của các dòng)"))
        parser.add_argument(
            "--resolve",
            action="append",
            default=[],
            metavar=_("ĐỊA_CHỈ_CŨ=MÃ_XÃ"),
            help=_("chọn xã mới cho một địa chỉ cũ bị chia (khóa in trong báo cáo)"),
        )
        parser.add_argument("--user", help=_("nhập với quyền của tài khoản này"))
        parser.add_argument(
            "--report", type=Path, help=_("ghi báo cáo đầy đủ (lỗi, thay đổi) ra tệp .xlsx")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("Không có tệp %(path)s.") % {"path": path})
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(_("Không có tài khoản %(name)s.") % {"name": options["user"]})
        resolutions: dict[str, str] = {}
        for item in options["resolve"]:
            key, _sep, code = item.rpartition("=")
            if not key or not code:
                raise CommandError(_("--resolve cần dạng ĐỊA_CHỈ_CŨ=MÃ_XÃ."))
            resolutions[key] = code

        def progress(done: int, total: int, message: str) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"{done}% {message}")

        if options["what"] == "surveys":
            self.import_surveys(path, actor, options, progress)
            return

        report = imports.import_households(
            actor=actor,
            path=path,
            dry_run=options["dry_run"],
            only_valid=options["only_valid"],
            province_code=options["province"],
            resolutions=resolutions,
            progress=progress,
            complete=options["complete"],
        )
        self.print_report(report)
        if options["report"]:
            imports.write_report_xlsx(report, options["report"])
            self.stdout.write(_("Báo cáo: %(path)s") % {"path": options["report"]})
        if report.blocked:
            raise CommandError(
                _("Tệp có lỗi: không nhập gì (dùng --only-valid để nhập các hộ hợp lệ)."),
                returncode=2,
            )

    def import_surveys(
        self, path: Path, actor: Actor, options: dict[str, Any], progress: imports.Progress
    ) -> None:

        report = survey_imports.import_survey_results(
            actor=actor,
            path=path,
            dry_run=options["dry_run"],
            only_valid=options["only_valid"],
            province_code=options["province"],
            progress=progress,
        )
        self.stdout.write(report.headline())
        if report.error_count:
            self.stdout.write(_("Lỗi (dòng · cột · mã hộ · nội dung):"))
            for error in report.errors[:SHOWN_ERRORS]:
                self.stdout.write(
                    f"  {error['row']} · {error['column']} · {error['household'] or ''} · "
                    f"{error['message']}"
                )
            if report.error_count > SHOWN_ERRORS:
                self.stdout.write(
                    _("… và %(n)s lỗi khác.")
                    % {"n": format_number(report.error_count - SHOWN_ERRORS)}
                )
        if report.blocked:
            raise CommandError(
                _("Tệp có lỗi: không nhập gì (dùng --only-valid để nhập các dòng hợp lệ)."),
                returncode=2,
            )

    def print_report(self, report: imports.ImportReport) -> None:
        n = format_number
        self.stdout.write(report.headline())
        if report.province_name:
            self.stdout.write(_("Tỉnh: %(name)s") % {"name": report.province_name})
        self.stdout.write(
            _(
                "Dòng: %(rows)s · hộ: %(households)s · thành viên trong hộ mới: %(new)s · ở hộ "
                "đã có: thêm %(added)s, rời hộ %(removed)s, chuyển hộ %(moved)s, sửa %(updated)s"
            )
            % {
                "rows": n(report.rows),
                "households": n(report.households),
                "new": n(report.persons_in_new_households),
                "added": n(report.members_added),
                "removed": n(report.members_removed),
                "moved": n(report.members_moved),
                "updated": n(report.members_updated),
            }
        )
        if report.members_absent and not report.complete:
            self.stdout.write(
                _(
                    "%(n)s người đang có trong các hộ nhưng không có trong tệp: họ vẫn ở lại "
                    "hộ (dùng --complete nếu tệp gồm đầy đủ thành viên; khi đó họ sẽ rời hộ)."
                )
                % {"n": n(report.members_absent)}
            )
        for item in report.ambiguous:
            candidates = ", ".join(f"{c['name']} ({c['code']})" for c in item["candidates"])
            self.stdout.write(
                _('Địa chỉ cũ cần chọn xã: %(address)s → %(candidates)s; --resolve "%(key)s=MÃ"')
                % {"address": item["old_address"], "candidates": candidates, "key": item["key"]}
            )
        if report.ignored_columns:
            self.stdout.write(
                _("Cột không dùng đến: %(names)s") % {"names": ", ".join(report.ignored_columns)}
            )
        if report.error_count:
            self.stdout.write(_("Lỗi (dòng · cột · mã hộ · nội dung):"))
            for error in report.errors.head(SHOWN_ERRORS).iter_rows(named=True):
                self.stdout.write(
                    f"  {error['row']} · {error['column']} · {error['household'] or ''} · "
                    f"{error['message']}"
                )
            if report.error_count > SHOWN_ERRORS:
                self.stdout.write(
                    _("… và %(n)s lỗi khác (xem --report).")
                    % {"n": n(report.error_count - SHOWN_ERRORS)}
                )
