"""Excel export of a model's participants and outcomes (openpyxl): typed cells (dates as dates,
đồng as whole numbers with a "#,##0" format), Vietnamese headings, no live formula."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.lib.spreadsheet_text import inert_workbook
from giamngheo.livelihoods.models import LivelihoodModel, Participation
from giamngheo.livelihoods.selectors import OutcomeSummary
from giamngheo.registry.models import Status

MONEY = "#,##0"
DATE = "DD/MM/YYYY"

HEADER = [
    "Mã hộ",
    "Chủ hộ",
    "Thôn/tổ dân phố",
    "Ngày tham gia",
    "Tình trạng khi tham gia",
    "Thu nhập trước (đồng/người/tháng)",
    "Vật tư, giống đã cấp (đồng)",
    "Ngày đánh giá",
    "Thu nhập sau (đồng/người/tháng)",
    "Tình trạng sau",
    "Thay đổi thu nhập (đồng)",
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
    sheet = book.create_sheet("Hộ tham gia")
    sheet.append(HEADER)
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
    for index, name in enumerate(HEADER, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, min(40, len(name) + 2))
    sheet.freeze_panes = "A2"

    totals = book.create_sheet("Tổng hợp")
    lines: list[tuple[str, Any]] = [
        ("Mô hình", f"{model.code} · {model.name}"),
        ("Xã", model.commune.name),
        ("Chương trình, dự án", model.programme.code),
        ("Ngày bắt đầu", model.start_date),
        ("Tổng kinh phí (đồng)", int(model.budget_total)),
        ("Số hộ tham gia", summary.participants),
        ("Số hộ đã đánh giá kết quả", summary.with_outcome),
        ("Thu nhập trước bình quân (đồng)", _whole(summary.income_before_avg)),
        ("Thu nhập sau bình quân (đồng)", _whole(summary.income_after_avg)),
        ("Số hộ tăng thu nhập", summary.income_rose),
        ("Số hộ thoát nghèo, thoát cận nghèo", summary.escaped),
        ("Số hộ nghèo ra khỏi diện nghèo", summary.left_poverty),
        ("Số hộ tái nghèo, tụt bậc", summary.fell_back),
        ("Vật tư, giống đã cấp (đồng)", int(summary.inputs_amount)),
    ]
    for label, value in lines:
        totals.append([label, value])
    for (cell,) in totals.iter_rows(min_col=2, max_col=2):
        if label_is_money(totals.cell(row=cell.row, column=1).value):
            cell.number_format = MONEY
    totals["B4"].number_format = DATE
    totals.column_dimensions["A"].width = 40
    totals.column_dimensions["B"].width = 40
    inert_workbook(book)  # names and codes are typed by users: never a live formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def label_is_money(label: object) -> bool:
    return isinstance(label, str) and "(đồng)" in label
