"""Report tables → files, through the writers of ``giamngheo.lib`` (``report_xlsx``,
``report_pdf``): several forms in one workbook (a sheet per form); a PDF holds one form."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from django.utils.translation import gettext as _

from giamngheo.lib.report_table import ReportTable
from giamngheo.reports.services import ReportError

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(tables: Sequence[ReportTable], file_format: str) -> bytes:
    try:
        xlsx = importlib.import_module("giamngheo.lib.report_xlsx")
        pdf = importlib.import_module("giamngheo.lib.report_pdf")
    except ModuleNotFoundError as error:
        raise ReportError(_("Chưa có bộ ghi tệp xlsx/pdf.")) from error
    if not tables:
        raise ReportError(_("Không có biểu nào để xuất."))
    if file_format == "xlsx":
        if len(tables) == 1:
            return bytes(xlsx.write_xlsx(tables[0]))
        return bytes(
            xlsx.write_workbook([(t.metadata.get("form", str(i)), t) for i, t in enumerate(tables)])
        )
    if file_format == "pdf":
        if len(tables) != 1:
            raise ReportError(_("Tệp PDF chứa một biểu: chọn một biểu (--form)."))
        return bytes(pdf.write_pdf(tables[0]))
    raise ReportError(_("Định dạng không hỗ trợ: %(format)s.") % {"format": file_format})
