"""Excel export of a beneficiary list (openpyxl): the snapshot as approved or under review.

No personal ID or phone number is written (the list holds none), so no masking is needed; text
goes through ``lib.spreadsheet_text`` so that a name beginning with "=" stays text.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.lib.spreadsheet_text import inert_workbook
from giamngheo.programmes.labels import category_label, priority_labels
from giamngheo.programmes.models import BeneficiaryEntry, BeneficiaryList

DATE = "DD/MM/YYYY"
HEADER = (
    "STT",
    "Mã hộ",
    "Chủ hộ",
    "Thôn/tổ dân phố",
    "Địa chỉ",
    "Diện",
    "Nhóm ưu tiên",
    "Số nhân khẩu",
    "Hộ DTTS",
    "Nguồn",
    "Trong danh sách",
    "Lý do bổ sung",
    "Lý do loại",
)


def list_workbook(blist: BeneficiaryList, entries: list[BeneficiaryEntry]) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    info = book.create_sheet("Thông tin")
    rows: list[tuple[str, object]] = [
        ("Danh sách", blist.title),
        ("Chương trình, chính sách", f"{blist.programme.code} · {blist.programme.name}"),
        ("Căn cứ", blist.programme.legal_basis),
        ("Địa bàn", blist.area.name),
        ("Thời gian", f"{blist.period_start:%d/%m/%Y} - {blist.period_end:%d/%m/%Y}"),
        ("Ngày xét", blist.reference_date),
        ("Phiên bản điều kiện", blist.rule_version),
        ("Trạng thái", str(blist.get_state_display())),
        ("Quyết định phê duyệt", blist.decision_number),
        ("Ngày phê duyệt", blist.approved_on),
        ("Số hộ trong danh sách", sum(1 for e in entries if e.included)),
    ]
    for label, value in rows:
        info.append([label, value])
        if value is not None and hasattr(value, "year"):
            info.cell(row=info.max_row, column=2).number_format = DATE
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 70
    sheet = book.create_sheet("Danh sách")
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    priorities = priority_labels(blist.rules)
    for index, e in enumerate(entries, start=1):
        sheet.append(
            [
                index,
                e.household_code,
                e.head_name,
                e.village_name,
                e.address,
                str(category_label(e.category)),
                priorities.get(e.priority, e.priority),
                e.member_count,
                "x" if e.is_ethnic_minority else "",
                str(e.get_source_display()),
                "x" if e.included else "",
                e.reason,
                e.exclusion_reason,
            ]
        )
    sheet.freeze_panes = "A2"
    widths = (6, 14, 28, 24, 30, 20, 28, 10, 8, 14, 10, 40, 40)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    inert_workbook(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
