"""The MSTB documents (QĐ 24/2021 Art. 6; forms unverified): the commune chairman's decision
recognising average-living-standard households with its frozen list, and the written answer to a
household that does not qualify. Drawn from stored rows only; the helpers are ``documents``'."""

from __future__ import annotations

from collections.abc import Sequence

from giamngheo.lib.formatting import format_date, format_number
from giamngheo.lib.pdf import FONT, Signer, VietnameseDocument
from giamngheo.review.average_models import (
    AverageApplication,
    AverageDecision,
    AverageDecisionEntry,
    Occupation,
)
from giamngheo.review.documents import (
    DECISION_RECIPIENTS,
    LETTER_RECIPIENTS,
    _commune_heading,
    _para,
    _table,
    _title,
)

TITLE = "hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp và diêm nghiệp có mức sống trung bình"
OCCUPATIONS = {
    "agriculture": "Nông nghiệp",
    "forestry": "Lâm nghiệp",
    "fishery": "Ngư nghiệp",
    "salt": "Diêm nghiệp",
}
if set(OCCUPATIONS) != set(Occupation.values):  # pragma: no cover - kept in step with the model
    raise ImportError("average_documents.OCCUPATIONS: update with average_models.Occupation")


def decision_pdf(decision: AverageDecision, lines: Sequence[AverageDecisionEntry]) -> bytes:
    """The decision and its list; ``lines``: the decided lines the reader may see (scoped)."""
    doc = VietnameseDocument(title=f"Quyết định {decision.number}")
    doc.add_page()
    _commune_heading(doc, decision.commune_name, [f"Số: {decision.number}"])
    doc.place_date(f"{decision.commune_name}, ngày {format_date(decision.signed_on)}")
    _title(doc, "QUYẾT ĐỊNH", f"Về việc công nhận {TITLE} năm {decision.year}")
    _para(doc, f"{decision.signer_title.upper()} {decision.commune_name.upper()}", style="B")
    _para(
        doc,
        "Căn cứ Nghị định số 07/2021/NĐ-CP ngày 27/01/2021 của Chính phủ quy định chuẩn nghèo đa "
        "chiều giai đoạn 2021-2025; Quyết định số 24/2021/QĐ-TTg ngày 16/7/2021 của Thủ tướng "
        "Chính phủ; kết quả xác định thu nhập của hộ gia đình trong 12 tháng trước thời điểm "
        "xác định (không tính trợ cấp, trợ giúp xã hội từ ngân sách nhà nước),",
        size=10,
    )
    _para(doc, "QUYẾT ĐỊNH:", style="B")
    _para(
        doc,
        f"Điều 1. Công nhận {decision.lines.count()} {TITLE} có tên trong danh sách kèm theo "
        "Quyết định này.",
    )
    _para(doc, "Điều 2. Quyết định có hiệu lực kể từ ngày ký.")
    _para(
        doc,
        "Điều 3. Công chức phụ trách, trưởng các thôn, tổ dân phố và các hộ gia đình có tên tại "
        "Điều 1 chịu trách nhiệm thi hành Quyết định này.",
    )
    doc.signatures(
        [Signer(decision.signer_title.upper(), decision.signer_name)],
        recipients=DECISION_RECIPIENTS,
    )
    _para(doc, f"DANH SÁCH HỘ CÓ MỨC SỐNG TRUNG BÌNH ({len(lines)} hộ)", style="B")
    _table(
        doc,
        [
            "STT",
            "Mã hộ",
            "Họ và tên chủ hộ",
            "Thôn",
            "Ngành nghề",
            "Nhân khẩu",
            "Thu nhập/người/tháng",
        ],
        [
            (
                str(i),
                line.household_code,
                line.head_name,
                line.village_name,
                OCCUPATIONS.get(line.occupation, line.occupation),
                str(line.member_count),
                f"{format_number(line.monthly_income)} đ",
            )
            for i, line in enumerate(lines, start=1)
        ],
        (10, 26, 42, 30, 24, 18, 30),
        nowrap=(1,),
    )
    return doc.to_bytes()


def refusal_letter_pdf(application: AverageApplication) -> bytes:
    household = application.household
    doc = VietnameseDocument(title=f"Văn bản trả lời {application.refusal_number}")
    doc.add_page()
    _commune_heading(doc, application.commune.name, [f"Số: {application.refusal_number}"])
    top = doc.get_y()
    doc.set_font(FONT, "I", 9)
    doc.multi_cell(
        doc.epw / 2,
        4.5,
        f"V/v trả lời đơn đề nghị xác định hộ có mức sống trung bình của hộ {household.head_name}",
        align="C",
    )
    below = doc.get_y()
    doc.set_y(top)
    doc.place_date(f"{application.commune.name}, ngày {format_date(application.decided_on)}")
    doc.set_y(max(below, doc.get_y()) + 2)
    _title(doc, "VĂN BẢN TRẢ LỜI", f"Đề nghị xác định {TITLE}")
    _para(
        doc,
        f"Kính gửi: ông/bà {application.applicant_name} (hộ {household.code}, "
        f"{application.village.name}).",
    )
    _para(
        doc,
        f"Ủy ban nhân dân {application.commune.name} đã nhận đơn ngày "
        f"{format_date(application.received_on)} và xác định thu nhập của hộ gia đình theo Quyết "
        "định số 24/2021/QĐ-TTg. Hộ gia đình không đủ điều kiện để công nhận là hộ có mức sống "
        "trung bình, vì các lý do sau:",
    )
    _para(doc, application.refusal_reasons, style="B")
    if application.income_total is not None and application.band_upper is not None:
        _para(
            doc,
            f"Thu nhập bình quân đầu người/tháng xác định được: "
            f"{format_number(application.monthly_income or 0)} đ; mức sống trung bình: trên "
            f"{format_number(application.band_lower or 0)} đ đến "
            f"{format_number(application.band_upper)} đ.",
            size=10,
        )
    _para(
        doc,
        "Nếu có thay đổi về hoàn cảnh, hộ gia đình có thể làm đơn đề nghị lại vào các kỳ xác "
        "định tiếp theo.",
    )
    doc.signatures(
        [Signer("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", application.refusal_signer)],
        recipients=LETTER_RECIPIENTS,
    )
    return doc.to_bytes()
