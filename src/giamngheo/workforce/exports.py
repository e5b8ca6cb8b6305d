"""Excel exports of the workforce (openpyxl): the composition table as seed 001 reports it,
and the support requests of the list page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from giamngheo.lib.formatting import format_date
from giamngheo.lib.spreadsheet_text import inert_workbook
from giamngheo.workforce import labels, reference
from giamngheo.workforce.selectors import Composition, CompositionRow, age_days
from giamngheo.workforce.states import OPEN_STATES, RequestState

if TYPE_CHECKING:
    from giamngheo.workforce.models import SupportRequest

PERCENT_FORMAT = "0.0%"
# Rows above the table: title, area and date, a blank line; then two header rows.
HEADER_ROW = 4


def _columns() -> list[tuple[str, str, bool]]:
    """(group header, key, with a percent column) in the order of the sheet."""
    columns = [
        (labels.organisation_short_label(code), f"org:{code}", True)
        for code in reference.mass_organisations()
    ]
    columns.append((_("Nữ"), "women", True))
    columns.append((_("Dân tộc thiểu số"), "minority", True))
    columns += [
        (labels.education_label(code), f"edu:{code}", True) for code in reference.education_levels()
    ]
    columns.append((_("Trung cấp trở lên"), "intermediate_or_above", True))
    columns.append((_("Cao đẳng, đại học trở lên"), "college_or_university", True))
    return columns


def _value(row: CompositionRow, key: str) -> int:
    if key.startswith("org:"):
        return row.organisations.get(key[4:], 0)
    if key.startswith("edu:"):
        return row.education.get(key[4:], 0)
    value: int = getattr(row, key)
    return value


def composition_workbook(data: Composition, *, role_name: str, on: dt.date) -> bytes:
    """The composition table as an .xlsx file: counts and shares (real numbers formatted as
    percentages, so that they can be summed and charted)."""
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _("Thành phần đội ngũ")[:31]
    area_name = data.area.name if data.area is not None else _("Toàn bộ địa bàn được xem")
    sheet["A1"] = _("Thành phần đội ngũ: %(role)s") % {"role": role_name}
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = _("Địa bàn: %(area)s · ngày %(day)s") % {
        "area": area_name,
        "day": format_date(on),
    }
    columns = _columns()
    top, sub = HEADER_ROW, HEADER_ROW + 1
    sheet.cell(top, 1, _("Địa bàn"))
    sheet.cell(top, 2, _("Tổng số"))
    sheet.merge_cells(start_row=top, start_column=1, end_row=sub, end_column=1)
    sheet.merge_cells(start_row=top, start_column=2, end_row=sub, end_column=2)
    col = 3
    for header, _key, with_percent in columns:
        sheet.cell(top, col, header)
        sheet.cell(sub, col, _("Số người"))
        if with_percent:
            sheet.cell(sub, col + 1, _("Tỷ lệ"))
            sheet.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + 1)
            col += 2
        else:
            col += 1
    for cell in sheet[top] + sheet[sub]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    line = sub + 1
    for row in [*data.rows, data.total]:
        sheet.cell(line, 1, row.label if row is not data.total else _("Tổng"))
        sheet.cell(line, 2, row.total)
        col = 3
        for _header, key, with_percent in columns:
            count = _value(row, key)
            sheet.cell(line, col, count)
            if with_percent:
                share = row.share(count)
                cell = sheet.cell(line, col + 1, share)
                cell.number_format = PERCENT_FORMAT
                col += 2
            else:
                col += 1
        if row is data.total:
            for cell in sheet[line]:
                cell.font = Font(bold=True)
        line += 1
    sheet.column_dimensions["A"].width = 32
    for index in range(2, col):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.freeze_panes = sheet.cell(sub + 1, 2)
    inert_workbook(workbook)  # area names are typed by users: never a live formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DATE_FORMAT = "DD/MM/YYYY"


def requests_workbook(rows: Sequence[SupportRequest], *, today: dt.date) -> bytes:
    """Support requests as an .xlsx file: dates are Excel dates shown dd/mm/yyyy, yes/no
    columns are booleans and counts are numbers, so that the file sorts, filters and sums."""
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _("Yêu cầu hỗ trợ")[:31]
    header = [
        _("Số"),
        _("Mã hộ"),
        _("Chủ hộ"),
        _("Thôn"),
        _("Xã"),
        _("Nhu cầu"),
        _("Trạng thái"),
        _("Người phụ trách"),
        _("Ngày tiếp nhận"),
        _("Hạn giải quyết"),
        _("Ngày đóng"),
        _("Quá hạn"),
        _("Đã thông báo cho hộ"),
        _("Số ngày"),
    ]
    sheet.append([str(name) for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        is_open = row.state in OPEN_STATES
        sheet.append(
            [
                row.pk,
                row.household.code,
                row.household.head_name,
                row.village.name,
                row.commune.name,
                labels.need_label(row.need_type),
                str(RequestState(row.state).label),
                row.owner.full_name,
                row.received_on,
                row.due_on,
                timezone.localtime(row.closed_at).date() if row.closed_at else None,
                is_open and row.due_on < today,
                row.household_informed_on is not None,
                age_days(row, today),
            ]
        )
    for column in (9, 10, 11):
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = DATE_FORMAT
    widths = [8, 14, 26, 20, 20, 26, 20, 24, 14, 14, 14, 10, 12, 10]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    inert_workbook(workbook)  # names are typed by users: never a live formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
