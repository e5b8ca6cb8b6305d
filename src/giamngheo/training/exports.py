"""Excel export of the training statistics (openpyxl): one sheet per table, Vietnamese
headings, whole đồng as integers with a "#,##0" format so that the numbers stay numbers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from giamngheo.lib.spreadsheet_text import inert_workbook
from giamngheo.training.selectors import TrainingStatistics
from giamngheo.workforce.labels import role_label

MONEY = "#,##0"
PERCENT = "0.0%"
# Dates are written as dates (sortable, filterable), shown the Vietnamese way.
DATE = "DD/MM/YYYY"


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
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
    sheet.freeze_panes = "A2"
    return sheet


def _format_column(sheet: Worksheet, column: int, number_format: str) -> None:
    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        cell.number_format = number_format


def statistics_workbook(stats: TrainingStatistics) -> bytes:
    book = Workbook()
    # Replace the default sheet (``book.active`` is typed optional) by a named one.
    book.remove(book.worksheets[0])
    summary = book.create_sheet("Tổng hợp")
    area = stats.area.name if stats.area else "Toàn bộ địa bàn được xem"
    lines: list[tuple[str, Any]] = [
        ("Năm", stats.year),
        ("Địa bàn", area),
        ("Số lớp", stats.classes),
        ("Số lượt đăng ký", stats.registrations),
        ("Số lượt người tham dự", stats.participations),
        ("Số người tham dự (không trùng)", stats.people),
        ("Số lượt hoàn thành", stats.completed),
        ("Tổng kinh phí (đồng)", stats.cost_total),
        ("Kinh phí bình quân/lượt người (đồng)", round(stats.cost_per_participation or 0)),
        ("Kinh phí bình quân/người (đồng)", round(stats.cost_per_person or 0)),
        ("Chuẩn nghèo dùng để tính bao phủ", stats.standard_code),
        ("Đội ngũ (cán bộ, cộng tác viên)", stats.coverage_total.roster),
        ("Được tập huấn trong năm", stats.coverage_total.trained_year),
        ("Được tập huấn chuẩn nghèo đang áp dụng", stats.coverage_total.trained_standard),
        ("Chưa từng được tập huấn", stats.coverage_total.never_trained),
    ]
    for label, value in lines:
        summary.append([label, value])
    for row in summary.iter_rows(min_row=8, max_row=10, min_col=2, max_col=2):
        row[0].number_format = MONEY
    summary.column_dimensions["A"].width = 45
    summary.column_dimensions["B"].width = 30

    classes = _sheet(
        book,
        "Lớp",
        [
            "Mã lớp",
            "Tên lớp",
            "Đơn vị tổ chức",
            "Từ ngày",
            "Đến ngày",
            "Đăng ký",
            "Lượt người tham dự",
            "Hoàn thành",
            "Kinh phí (đồng)",
            "Kinh phí/lượt người (đồng)",
            "Điểm đầu khóa TB (%)",
            "Điểm cuối khóa TB (%)",
            "Mức tăng TB (điểm %)",
        ],
        (
            [
                row.training_class.code,
                row.training_class.title,
                row.training_class.area.name,
                row.training_class.start_date,
                row.training_class.end_date,
                row.registered,
                row.participations,
                row.completed,
                row.cost,
                round(row.cost_per_participation) if row.cost_per_participation else None,
                _round(row.gains.pre_mean),
                _round(row.gains.post_mean),
                _round(row.gains.gain_mean),
            ]
            for row in stats.class_rows
        ),
    )
    _format_column(classes, 4, DATE)
    _format_column(classes, 5, DATE)
    _format_column(classes, 9, MONEY)
    _format_column(classes, 10, MONEY)

    areas = _sheet(
        book,
        "Theo địa bàn",
        ["Đơn vị tổ chức", "Số lớp", "Lượt người", "Số người", "Kinh phí (đồng)"],
        (
            [row.name or "Cấp tỉnh", row.classes, row.participations, row.people, row.cost]
            for row in stats.by_area
        ),
    )
    _format_column(areas, 5, MONEY)
    _sheet(
        book,
        "Theo thành phần",
        ["Thành phần", "Lượt người", "Số người"],
        ([row.label, row.participations, row.people] for row in stats.by_category),
    )
    coverage = _sheet(
        book,
        "Bao phủ",
        [
            "Địa bàn",
            "Đội ngũ",
            "Tập huấn trong năm",
            "Tỷ lệ trong năm",
            "Tập huấn chuẩn nghèo đang áp dụng",
            "Tỷ lệ chuẩn nghèo",
            "Chưa từng tập huấn",
        ],
        (
            [
                row.name or "Cấp tỉnh",
                row.roster,
                row.trained_year,
                row.share_year,
                row.trained_standard,
                row.share_standard,
                row.never_trained,
            ]
            for row in [*stats.coverage, stats.coverage_total]
        ),
    )
    coverage.cell(row=coverage.max_row, column=1, value="Tổng")
    _format_column(coverage, 4, PERCENT)
    _format_column(coverage, 6, PERCENT)
    _sheet(
        book,
        "Chưa tập huấn",
        ["Họ và tên", "Mã", "Vai trò", "Xã"],
        (
            [
                w.full_name,
                w.code,
                role_label(w.role),
                w.commune.name if w.commune else "Cấp tỉnh",
            ]
            for w in stats.never_trained
        ),
    )
    inert_workbook(book)  # class titles and names are typed by users: never a live formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None
