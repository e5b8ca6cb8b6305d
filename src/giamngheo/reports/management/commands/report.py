"""``giamngheo report``: the official reports from the command line.

- ``report review --area CODE --year YEAR --format json|xlsx|pdf [--output FILE] [--form F]``:
  the review's figures of a province or commune (JSON: ``reports.summary.review_summary``; with
  ``--form``, that form's table), or the forms as xlsx/pdf (all forms of the area's level, or
  one); JSON goes to stdout without ``--output``.
- ``report refresh --area CODE --year YEAR``: recompute the area's figures (audited).
- ``report forms``: list the forms (data forms and those built by code).

Runs as the system (every area), like the other commands: whoever runs it holds the database.
When the area has no figures for the year yet they are computed first.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.reports import catalogue, outputs, services, summary
from giamngheo.reports.models import AreaFigures


class Command(BaseCommand):
    help = _("Báo cáo kết quả rà soát hộ nghèo, hộ cận nghèo theo các biểu mẫu.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        review = sub.add_parser("review", help=_("báo cáo kết quả rà soát của một địa bàn"))
        review.add_argument("--area", required=True, help=_("mã tỉnh hoặc xã"))
        review.add_argument("--year", required=True, type=int, help=_("năm rà soát"))
        review.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        review.add_argument(
            "--output", type=Path, help=_("tệp sẽ ghi (json: mặc định ra màn hình)")
        )
        review.add_argument("--form", help=_("chỉ một biểu (mã biểu, xem `report forms`)"))
        refresh = sub.add_parser("refresh", help=_("tính lại số liệu của một địa bàn"))
        refresh.add_argument("--area", required=True, help=_("mã tỉnh hoặc xã"))
        refresh.add_argument("--year", required=True, type=int, help=_("năm rà soát"))
        sub.add_parser("forms", help=_("danh sách các biểu"))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "forms":
            for entry in catalogue.all_forms():
                mark = "" if entry.verified else " *"
                levels = ",".join(entry.levels)
                self.stdout.write(f"{entry.code}\t{levels}\t{entry.title}{mark}")
            self.stdout.write(_("* mẫu chưa kiểm chứng với văn bản chính thức"))
            return
        area = AdministrativeUnit.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(_("Không có địa bàn mã %(code)s.") % {"code": options["area"]})
        year = options["year"]
        try:
            if action == "refresh":
                result = services.figures_refresh(actor=None, area=area, year=year)
                self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
                return
            if not AreaFigures.objects.filter(unit=area, year=year).exists():
                self.stderr.write(_("Chưa có số liệu năm %(year)s: đang tính…") % {"year": year})
                services.figures_refresh(actor=None, area=area, year=year)
            self._review(area, year, options)
        except (services.ReportError, catalogue.FormUnavailable) as error:
            raise CommandError(str(error)) from error

    def _review(self, area: AdministrativeUnit, year: int, options: dict[str, Any]) -> None:
        file_format, output, form = options["format"], options["output"], options["form"]
        if file_format == "json":
            if form:
                table = catalogue.build(form, viewer=None, unit=area, year=year)
                data: Any = summary.table_data(table)
            else:
                data = summary.review_summary(None, area, year)
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if output is None:
                sys.stdout.write(text + "\n")
            else:
                output.write_text(text + "\n", encoding="utf-8")
                self.stdout.write(str(output))
            return
        codes = [form] if form else [f.code for f in catalogue.data_forms_at(area)]
        tables = [catalogue.build(code, viewer=None, unit=area, year=year) for code in codes]
        content = outputs.render(tables, file_format)
        if output is None:
            output = Path(f"bao-cao-{area.code}-{year}{'-' + form if form else ''}.{file_format}")
        output.write_bytes(content)
        self.stdout.write(str(output))
