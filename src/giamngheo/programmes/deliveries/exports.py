"""Excel exports of the deliveries: the totals (per programme with the tree roll-up, per area,
per year) and the rows they are made of, typed cells (money as integers with "#,##0", dates as
dates), formula-like text made inert. Card numbers are masked row by row where the reader may
not see personal numbers (``access.personal_data_reach``)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib.spreadsheet_text import inert_workbook
from giamngheo.programmes.deliveries import reach, selectors
from giamngheo.programmes.models import SupportRecord
from giamngheo.registry.models import Household

MONEY = "#,##0"
DATE = "DD/MM/YYYY"
# The rows sheet's Vietnamese name (its title follows the interface language, like the others).
ROWS_SHEET = gettext_noop("Các khoản hỗ trợ")


def _sheet(
    book: Workbook,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    formats: dict[int, str] | None = None,
) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for index, name in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, min(45, len(name) + 4))
        number_format = (formats or {}).get(index)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    return sheet


def _total_rows(lines: list[selectors.Total], indent: bool = False) -> list[list[Any]]:
    return [
        [
            ("  " * line.depth if indent else "") + line.label,
            line.records,
            line.households,
            int(line.amount),
        ]
        for line in lines
    ]


def deliveries_workbook(
    user: Viewer,
    rows: QuerySet[SupportRecord],
    area: AdministrativeUnit | None,
) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    header = [_("Chỉ tiêu"), _("Lượt hỗ trợ"), _("Số hộ"), _("Số tiền (đồng)")]
    grand = selectors.grand_total(rows)
    _sheet(
        book,
        _("Theo chương trình"),
        header,
        [
            *_total_rows(selectors.totals_by_programme(rows), indent=True),
            [_("Tổng cộng"), grand.records, grand.households, int(grand.amount)],
        ],
        {4: MONEY},
    )
    _sheet(
        book,
        _("Theo địa bàn"),
        header,
        _total_rows(selectors.totals_by_area(rows, area)),
        {4: MONEY},
    )
    _sheet(book, _("Theo năm"), header, _total_rows(selectors.totals_by_year(rows)), {4: MONEY})
    reach = access.personal_data_reach(user)
    detail = []
    for record in (
        rows.select_related(
            "household", "person", "programme", "village", "commune", "health_insurance_card"
        )
        .order_by("delivered_on", "pk")
        .iterator(chunk_size=2000)
    ):
        number = selectors.shown_card_number(
            selectors.card_for_record(record),
            full=access.sees_personal_data_at(
                reach,
                province_id=record.province_id,
                commune_id=record.commune_id,
                village_id=record.village_id,
            ),
        )
        detail.append(
            [
                record.household.code,
                record.household.head_name,
                record.person.full_name if record.person else "",
                record.commune.name,
                record.village.name,
                record.programme.code,
                str(record.get_support_kind_display()),
                record.description,
                float(record.quantity) if record.quantity is not None else None,
                record.unit,
                int(record.amount) if record.amount is not None else None,
                record.delivered_on,
                str(record.get_funding_source_display()),
                record.delivered_by,
                record.decision_number,
                number,
            ]
        )
    _sheet(
        book,
        _(ROWS_SHEET),
        [
            _("Mã hộ"),
            _("Chủ hộ"),
            _("Người nhận"),
            _("Xã"),
            _("Thôn"),
            _("Mã chương trình"),
            _("Hình thức"),
            _("Nội dung"),
            _("Số lượng"),
            _("Đơn vị tính"),
            _("Thành tiền (đồng)"),
            _("Ngày hỗ trợ"),
            _("Nguồn vốn"),
            _("Đơn vị, người cấp"),
            _("Số quyết định"),
            _("Mã số thẻ BHYT"),
        ],
        detail,
        {11: MONEY, 12: DATE},
    )
    inert_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reach_workbook(
    found: reach.Reach,
    poor: Iterable[Household],
    *,
    year: int,
    statuses: Sequence[tuple[str, int]],
    priorities: Sequence[tuple[str, int]],
) -> bytes:
    """The reach and graduation figures of a programme and area, and the poor households of
    the area that received nothing in the year (codes, heads, villages: no personal numbers)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    lines: list[list[Any]] = [
        [_("Năm"), year],
        [_("Hộ được hỗ trợ"), found.reached],
        [_("Tổng số tiền"), int(found.amount)],
        [_("Hộ có đủ hai kỳ rà soát"), found.with_both_reviews],
        [_("Hộ thoát nghèo ở kỳ rà soát sau"), found.escaped],
        [_("Hộ rơi vào nghèo ở kỳ rà soát sau"), found.fell_back],
        [_("Chi phí mỗi hộ được hỗ trợ"), _int_or_none(found.cost_per_reached)],
        [_("Chi phí mỗi hộ thoát nghèo"), _int_or_none(found.cost_per_escaped)],
        *([str(label), count] for label, count in statuses),
        *([str(label), count] for label, count in priorities),
    ]
    _sheet(book, _("Độ bao phủ"), [_("Chỉ tiêu"), _("Giá trị")], lines)
    _sheet(
        book,
        _("Hộ nghèo chưa được hỗ trợ"),
        [_("Mã hộ"), _("Chủ hộ"), _("Thôn")],
        ([h.code, h.head_name, h.village.name] for h in poor),
    )
    inert_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _int_or_none(value: Decimal | None) -> int | None:
    return None if value is None else int(value)
