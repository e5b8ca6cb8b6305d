"""Excel export of a model's participants and outcomes (openpyxl): typed cells (dates as dates,
đồng as whole numbers with a "#,##0" format), no live formula. Headings and labels follow the
interface language like the other exports (deliveries, credit): the status labels already did,
and an English workbook with Vietnamese headings was half of each."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.lib.spreadsheet_text import inert_workbook
from giamngheo.livelihoods.models import LivelihoodModel, Participation
from giamngheo.livelihoods.selectors import OutcomeSummary
from giamngheo.registry.models import Status

MONEY = "#,##0"
DATE = "DD/MM/YYYY"

HEADER = [
    gettext_lazy("Mã hộ"),
    gettext_lazy("Chủ hộ"),
    gettext_lazy("Thôn/tổ dân phố"),
    gettext_lazy("Ngày tham gia"),
    gettext_lazy("Tình trạng khi tham gia"),
    gettext_lazy("Thu nhập trước (đồng/người/tháng)"),
    gettext_lazy("Vật tư, giống đã cấp (đồng)"),
    gettext_lazy("Ngày đánh giá"),
    gettext_lazy("Thu nhập sau (đồng/người/tháng)"),
    gettext_lazy("Tình trạng sau"),
    gettext_lazy("Thay đổi thu nhập (đồng)"),
]
MONEY_COLUMNS = (6, 7, 9, 11)
DATE_COLUMNS = (4, 8)


def _status(value: str) -> str:
    return str(Status(value).label) if value else ""


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)


def _rows(participations: Iterable[Participation]) -> Iterable[list[Any]]:
    for p in participations:
        change = None if p.income_after is None else int(p.income_after - p.income_before)
        yield [
            p.household.code,
            p.household.head_name,
            p.village.name,
            p.joined_on,
            _status(p.status_before),
            int(p.income_before),
            _whole(getattr(p, "input_amount", None)) or 0,
            p.outcome_on,
            _whole(p.income_after),
            _status(p.status_after),
            change,
        ]


def model_workbook(
    model: LivelihoodModel, participations: Iterable[Participation], summary: OutcomeSummary
) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet(_("Hộ tham gia"))
    sheet.append([str(name) for name in HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(participations):
        sheet.append(row)
    for column in MONEY_COLUMNS:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = MONEY
    for column in DATE_COLUMNS:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = DATE
    for index, name in enumerate(map(str, HEADER), start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, min(40, len(name) + 2))
    sheet.freeze_panes = "A2"

    totals = book.create_sheet(_("Tổng hợp"))
    # (label, value, is an amount in đồng)
    lines: list[tuple[str, Any, bool]] = [
        (_("Mô hình"), f"{model.code} · {model.name}", False),
        (_("Xã"), model.commune.name, False),
        (_("Chương trình, dự án"), f"{model.programme.code} · {model.programme.name}", False),
        (_("Ngày bắt đầu"), model.start_date, False),
        (_("Tổng kinh phí (đồng)"), int(model.budget_total), True),
        (_("Số hộ tham gia"), summary.participants, False),
        (_("Số hộ đã đánh giá kết quả"), summary.with_outcome, False),
        (_("Thu nhập trước bình quân (đồng)"), _whole(summary.income_before_avg), True),
        (_("Thu nhập sau bình quân (đồng)"), _whole(summary.income_after_avg), True),
        (_("Số hộ tăng thu nhập"), summary.income_rose, False),
        (_("Số hộ thoát nghèo, thoát cận nghèo"), summary.escaped, False),
        (_("Số hộ nghèo ra khỏi diện nghèo"), summary.left_poverty, False),
        (_("Số hộ tái nghèo, tụt bậc"), summary.fell_back, False),
        (_("Vật tư, giống đã cấp (đồng)"), int(summary.inputs_amount), True),
    ]
    for label, value, is_money in lines:
        totals.append([label, value])
        if is_money:
            totals.cell(row=totals.max_row, column=2).number_format = MONEY
    totals["B4"].number_format = DATE
    totals.column_dimensions["A"].width = 40
    totals.column_dimensions["B"].width = 40
    inert_workbook(book)  # names and codes are typed by users: never a live formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
