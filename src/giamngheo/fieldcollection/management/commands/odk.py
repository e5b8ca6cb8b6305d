"""``giamngheo odk form --village CODE --output FILE.xlsx|FILE.zip [--collector USERNAME]
[--year YEAR] [--form CODE]``: the XLSForms of the standard in force for a village, with the
preloaded households (``forms_package``), each checked by converting it with pyxform (and by
ODK Validate when ``java`` is installed and ``--odk-validate`` is given).

``giamngheo odk import FILE [--dry-run] [--user USERNAME]``: an ODK Central CSV zip or a Kobo
JSON export through ``services.import_export``. Runs as the system unless ``--user`` names an
account whose reach applies. Exit status 2 when a submission or the file was refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.types import Actor
from giamngheo.fieldcollection import forms_package, services, xlsform
from giamngheo.lib import clock
from giamngheo.lib.errors import DomainError


def _user(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("Không có tài khoản «%(user)s».") % {"user": username})
    return user


class Command(BaseCommand):
    help = _("Biểu mẫu ODK Collect/KoboCollect: lập biểu mẫu cho một thôn, nhập bản nộp.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        form = sub.add_parser("form", help=_("lập biểu mẫu XLSForm và danh sách hộ nạp sẵn"))
        form.add_argument("--village", required=True, help=_("mã thôn/tổ dân phố"))
        form.add_argument("--output", required=True, type=Path, help=_("tệp .xlsx hoặc .zip"))
        form.add_argument("--collector", help=_("tài khoản cộng tác viên: chỉ các hộ được giao"))
        form.add_argument("--year", type=int, help=_("năm rà soát (mặc định: năm nay)"))
        form.add_argument(
            "--form", action="append", default=[], help=_("chỉ phiếu này (vd. b2-2022)")
        )
        form.add_argument(
            "--odk-validate", action="store_true", help=_("kiểm tra thêm bằng ODK Validate (Java)")
        )
        form.add_argument("--user", help=_("lập với quyền của tài khoản này"))
        imp = sub.add_parser("import", help=_("nhập bản nộp (ODK Central .zip, Kobo .json)"))
        imp.add_argument("file", type=Path)
        imp.add_argument("--dry-run", action="store_true", help=_("chỉ chạy thử, không ghi gì"))
        imp.add_argument("--user", help=_("nhập với quyền của tài khoản này"))

    def handle(self, *args: Any, **options: Any) -> None:
        actor: Actor = _user(options.get("user"))
        try:
            if options["action"] == "form":
                self._form(actor, options)
            else:
                self._import(actor, options)
        except DomainError as error:
            raise CommandError(str(error)) from error

    def _form(self, actor: Actor, options: dict[str, Any]) -> None:
        output: Path = options["output"]
        if output.suffix.lower() not in (".xlsx", ".zip"):
            raise CommandError(_("Tệp ra phải là .xlsx hoặc .zip."))
        village = forms_package.village_for(actor, options["village"])
        collector = _user(options.get("collector"))
        package = forms_package.build_package(
            actor=actor,
            village=village,
            review_year=options.get("year") or clock.today().year,
            collector=collector,
            form_codes=options["form"],
        )
        for spec, form in package.forms:
            data = xlsform.xlsx_bytes(form)
            try:
                xlsform.to_xform(data, odk_validate=options["odk_validate"])
            except xlsform.XlsFormError as error:
                raise CommandError(f"{spec.code}: {error}") from error
        with transaction.atomic():
            forms_package.record_generated(actor=actor, package=package, collector=collector)
        for path in forms_package.write_package(package, output):
            self.stdout.write(str(path))
        self.stdout.write(
            _("%(forms)s biểu mẫu, %(households)s hộ, %(members)s thành viên.")
            % {
                "forms": len(package.forms),
                "households": len(package.households),
                "members": len(package.members),
            }
        )

    def _import(self, actor: Actor, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("Không có tệp %(path)s.") % {"path": path})
        report = services.import_export(actor=actor, path=path, dry_run=options["dry_run"])
        for error in report.errors[:100]:
            self.stdout.write(
                _("Bản nộp %(n)s (%(id)s, hộ %(household)s): %(messages)s")
                % {
                    "n": error["number"],
                    "id": error["instance_id"] or "?",
                    "household": error["household"] or "?",
                    "messages": "; ".join(error["messages"]),
                }
            )
        self.stdout.write(report.headline())
        if report.file_error or report.errors:
            raise SystemExit(2)
