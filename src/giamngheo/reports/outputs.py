"""Report tables → files, through the writers of ``giamngheo.lib`` (``report_xlsx``,
``report_pdf``): several forms in one workbook (a sheet per form); a PDF holds one form."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from giamngheo.lib.report_pdf import write_pdf
from giamngheo.lib.report_table import ReportTable
from giamngheo.lib.report_xlsx import write_workbook, write_xlsx
from giamngheo.reports.services import ReportError

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(tables: Sequence[ReportTable], file_format: str) -> bytes:
    if not tables:
        raise ReportError(_("Không có biểu nào để xuất."))
    if file_format == "xlsx":
        if len(tables) == 1:
            return write_xlsx(tables[0])
        return write_workbook([(_sheet_name(t, i), t) for i, t in enumerate(tables, start=1)])
    if file_format == "pdf":
        if len(tables) != 1:
            raise ReportError(_("Tệp PDF chứa một biểu: chọn một biểu (--form)."))
        return write_pdf(tables[0])
    raise ReportError(_("Định dạng không hỗ trợ: %(format)s.") % {"format": file_format})


def _sheet_name(table: ReportTable, index: int) -> str:
    form = table.metadata.get("form", "")
    return _("Biểu %(code)s") % {"code": form} if form else str(index)
