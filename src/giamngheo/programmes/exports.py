"""Excel export of a beneficiary list (openpyxl): the snapshot as approved or under review.

No personal ID or phone number is written (the list holds none), so no masking is needed; text
goes through ``lib.spreadsheet_text`` so that a name beginning with "=" stays text. Headings
follow the interface language, like the values (categories, sources) that already did.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from giamngheo.lib.spreadsheet_text import inert_workbook
from giamngheo.programmes.labels import category_label, priority_labels
from giamngheo.programmes.models import BeneficiaryEntry, BeneficiaryList

DATE = "DD/MM/YYYY"
HEADER = (
    gettext_lazy("STT"),
    gettext_lazy("Mã hộ"),
    gettext_lazy("Chủ hộ"),
    gettext_lazy("Thôn/tổ dân phố"),
    gettext_lazy("Địa chỉ"),
    gettext_lazy("Diện"),
    gettext_lazy("Nhóm ưu tiên"),
    gettext_lazy("Số nhân khẩu"),
    gettext_lazy("Hộ DTTS"),
    gettext_lazy("Nguồn"),
    gettext_lazy("Trong danh sách"),
    gettext_lazy("Lý do bổ sung"),
    gettext_lazy("Lý do loại"),
)


def list_workbook(blist: BeneficiaryList, entries: list[BeneficiaryEntry]) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    info = book.create_sheet(_("Thông tin"))
    rows: list[tuple[str, object]] = [
        (_("Danh sách"), blist.title),
        (_("Chương trình, chính sách"), f"{blist.programme.code} · {blist.programme.name}"),
        (_("Căn cứ"), blist.programme.legal_basis),
        (_("Địa bàn"), blist.area.name),
        (_("Thời gian"), f"{blist.period_start:%d/%m/%Y} - {blist.period_end:%d/%m/%Y}"),
        (_("Ngày xét"), blist.reference_date),
        (_("Phiên bản điều kiện"), blist.rule_version),
        (_("Trạng thái"), str(blist.get_state_display())),
        (_("Quyết định phê duyệt"), blist.decision_number),
        (_("Ngày phê duyệt"), blist.approved_on),
        (_("Số hộ trong danh sách"), sum(1 for e in entries if e.included)),
    ]
    for label, value in rows:
        info.append([label, value])
        if value is not None and hasattr(value, "year"):
            info.cell(row=info.max_row, column=2).number_format = DATE
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 70
    sheet = book.create_sheet(_("Danh sách"))
    sheet.append([str(name) for name in HEADER])
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
