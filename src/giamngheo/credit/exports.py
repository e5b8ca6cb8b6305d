"""The portfolio as an Excel file: numbers as numbers (đồng, whole), one row per lender and
status and the total, the area and day above the table."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.credit.selectors import Portfolio, PortfolioLine
from giamngheo.lib.formatting import format_date
from giamngheo.lib.spreadsheet_text import inert_workbook

MONEY_FORMAT = "#,##0"
HEADER_ROW = 4


def _columns() -> list[tuple[str, str]]:
    return [
        (_("Số khoản vay"), "loans"),
        (_("Số tiền đã giải ngân"), "disbursed"),
        (_("Gốc đã trả"), "principal_repaid"),
        (_("Lãi đã trả"), "interest_paid"),
        (_("Dư nợ"), "outstanding"),
        (_("Nợ gốc quá hạn"), "overdue_principal"),
        (_("Lãi quá hạn"), "overdue_interest"),
        (_("Đã xóa nợ"), "written_off"),
    ]


def _row(line: PortfolioLine, first: str, second: str) -> list[Any]:
    return [first, second, *(getattr(line, key) for _label, key in _columns())]


def portfolio_workbook(data: Portfolio) -> bytes:
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _("Dư nợ")
    sheet.append([_("Dư nợ tín dụng chính sách")])
    sheet["A1"].font = Font(bold=True)
    sheet.append(
        [
            _("Địa bàn"),
            data.area.name if data.area is not None else _("Tất cả địa bàn được xem"),
            _("Ngày"),
            format_date(data.on),
        ]
    )
    sheet.append([])
    sheet.append([_("Bên cho vay"), _("Trạng thái"), *(label for label, _key in _columns())])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    for line in data.lines:
        sheet.append(_row(line, line.lender_label, line.status_label))
    sheet.append(_row(data.total, _("Tổng cộng"), ""))
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=4):
        for cell in row:
            cell.number_format = MONEY_FORMAT
    for column, width in zip("ABCDEFGHIJ", (26, 22, 12, 18, 16, 14, 16, 16, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    units: Any = workbook.create_sheet(_("Theo địa bàn"))
    units.append([_("Mã"), _("Địa bàn"), *(label for label, _key in _columns())])
    for cell in units[1]:
        cell.font = Font(bold=True)
    for unit, line in data.by_unit:
        units.append(_row(line, unit.code, unit.name))
    for row in units.iter_rows(min_row=2, min_col=4):
        for cell in row:
            cell.number_format = MONEY_FORMAT
    units.column_dimensions["B"].width = 30
    inert_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
