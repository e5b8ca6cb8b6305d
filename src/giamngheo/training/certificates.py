"""Completion certificates (giấy chứng nhận hoàn thành lớp tập huấn) as PDF.

Rendered on demand from the stored registration (number, date) with ``lib.pdf`` (fpdf2 and the
DejaVu fonts shipped in the repository), so no file is kept and a reprint is identical.
Certificates are always in Vietnamese: they are official documents.
"""

from __future__ import annotations

from giamngheo.areas.models import UnitType
from giamngheo.lib.formatting import format_date
from giamngheo.lib.pdf import FONT, NAME_LINE, VietnameseDocument
from giamngheo.training import reference
from giamngheo.training.models import Registration, Sex


def _issuer_lines(registration: Registration) -> list[str]:
    training_class = registration.training_class
    if training_class.commune is not None:
        return ["ỦY BAN NHÂN DÂN", training_class.commune.name.upper()]  # "XÃ …", "PHƯỜNG …"
    province = training_class.province
    kind = "THÀNH PHỐ" if province.unit_type == UnitType.CENTRAL_CITY else "TỈNH"
    return ["ỦY BAN NHÂN DÂN", f"{kind} {province.name.upper()}"]


def _long_date(registration: Registration) -> str:
    day = registration.certificate_issued_on
    if day is None:
        return ""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def certificate_pdf(registration: Registration, *, present: int, sessions: int) -> bytes:
    """The certificate of a registration that has a certificate number."""
    if not registration.certificate_number:
        raise ValueError("registration has no certificate")
    training_class = registration.training_class
    participant = registration.participant
    honorific = {Sex.MALE: "Ông", Sex.FEMALE: "Bà"}.get(participant.sex, "Ông/Bà")  # type: ignore[call-overload]
    doc = VietnameseDocument(
        title=f"Giấy chứng nhận {registration.certificate_number}", orientation="landscape"
    )
    doc.add_page()
    doc.national_heading(_issuer_lines(registration))
    width = doc.w - doc.l_margin - doc.r_margin
    doc.set_font(FONT, size=10)
    doc.cell(width, 6, f"Số: {registration.certificate_number}", new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.set_font(FONT, "B", 22)
    doc.cell(width, 12, "GIẤY CHỨNG NHẬN", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, "B", 13)
    doc.cell(width, 8, "HOÀN THÀNH LỚP TẬP HUẤN", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.set_font(FONT, size=13)
    doc.cell(width, 8, f"Chứng nhận {honorific}: ", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, "B", 18)
    doc.cell(width, 11, participant.full_name, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, size=12)
    details = []
    if participant.birth_year:
        details.append(f"Năm sinh: {participant.birth_year}")
    details.append(f"Thành phần: {reference.category_label(registration.category)}")
    if participant.organisation:
        details.append(f"Đơn vị: {participant.organisation}")
    doc.cell(width, 7, " · ".join(details), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.multi_cell(
        width,
        7,
        f"Đã tham dự và hoàn thành lớp tập huấn «{training_class.title}» "
        f"(mã lớp {training_class.code}), tổ chức tại {training_class.place} "
        f"từ ngày {format_date(training_class.start_date)} "
        f"đến ngày {format_date(training_class.end_date)}.",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    topics = "; ".join(reference.topics_vi(training_class.topics))
    doc.multi_cell(width, 7, f"Chuyên đề: {topics}.", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.cell(
        width, 7, f"Số buổi có mặt: {present}/{sessions}.", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    doc.ln(6)
    right = doc.l_margin + width / 2
    doc.set_x(right)
    place = (training_class.commune or training_class.province).name
    doc.set_font(FONT, "I", 11)
    doc.cell(width / 2, 6, f"{place}, {_long_date(registration)}", align="C")
    doc.ln(7)
    doc.set_x(right)
    doc.set_font(FONT, "B", 11)
    doc.cell(width / 2, 6, "THỦ TRƯỞNG ĐƠN VỊ TỔ CHỨC", align="C")
    doc.ln(6)
    doc.set_x(right)
    doc.set_font(FONT, "I", 10)
    doc.cell(width / 2, 6, "(Ký, ghi rõ họ tên và đóng dấu)", align="C")
    # Room to sign, kept on the page however long the class title ran.
    doc.ln(min(26, max(10, doc.page_break_trigger - doc.get_y() - 8)))
    doc.set_x(right)
    doc.set_font(FONT, size=11)
    doc.cell(width / 2, 6, NAME_LINE, align="C")
    return doc.to_bytes()
