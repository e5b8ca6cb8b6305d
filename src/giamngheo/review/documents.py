"""The review's PDF documents, all drawn with ``lib.pdf.VietnameseDocument`` (DejaVu fonts, so the
diacritics survive; tests read the text back with ``lib.pdf.extract_text``):

- village meeting minutes, in the number of copies of the parameters (02, QĐ 24/2021 Art. 4.3),
  with signature lines for the chair, the secretary and household representatives;
- posted lists (Art. 4.4), for one village's house or for the commune office;
- the recognition decision with its frozen lists (Art. 4.5);
- the certificate of a poor / near-poor household, with members, verification code and QR code;
- the letter refusing an in-year application, with its reasons (Art. 5.2).

Every document is drawn from stored rows only (the frozen ones for decisions and certificates),
never from the registry's current values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from giamngheo.lib.formatting import format_date, format_number, format_percent
from giamngheo.lib.pdf import FONT, NAME_LINE, Signer, VietnameseDocument
from giamngheo.registry.models import Status
from giamngheo.review.models import (
    Application,
    Certificate,
    Decision,
    ListKind,
    Meeting,
    Posting,
    PostingEntry,
    Vote,
)

STATUS_LABELS = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "average_living_standard": "Hộ có mức sống trung bình",
    "not_poor": "Hộ không nghèo",
    "": "—",
}
LIST_TITLES = [
    (ListKind.NEWLY_POOR, "DANH SÁCH HỘ NGHÈO MỚI"),
    (ListKind.NEWLY_NEAR_POOR, "DANH SÁCH HỘ CẬN NGHÈO MỚI"),
    (ListKind.ESCAPED_POVERTY, "DANH SÁCH HỘ THOÁT NGHÈO"),
    (ListKind.ESCAPED_NEAR_POVERTY, "DANH SÁCH HỘ THOÁT CẬN NGHÈO"),
    (ListKind.REMAINING, "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO TIẾP TỤC"),
    # QĐ 24/2021 Art. 2.2, 6 (procedure unverified): their own list.
    (ListKind.AVERAGE_LIVING_STANDARD, "DANH SÁCH HỘ CÓ MỨC SỐNG TRUNG BÌNH"),
]


def status_label(status: str) -> str:
    if status in STATUS_LABELS:
        return STATUS_LABELS[status]
    return str(Status(status).label) if status in Status.values else status


def _commune_heading(doc: VietnameseDocument, commune: str, lines: Sequence[str] = ()) -> None:
    doc.national_heading(["ỦY BAN NHÂN DÂN", commune.upper(), *lines])


def _title(doc: VietnameseDocument, title: str, subtitle: str = "") -> None:
    doc.set_font(FONT, "B", 13)
    doc.multi_cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        doc.set_font(FONT, "I", 10)
        doc.multi_cell(0, 5, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, size=11)
    doc.ln(3)


def _para(doc: VietnameseDocument, text: str, *, size: int = 11, style: str = "") -> None:
    doc.set_font(FONT, style, size)
    doc.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, size=11)


def _table(
    doc: VietnameseDocument,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[int],
    *,
    size: int = 9,
    nowrap: Sequence[int] = (),
) -> None:
    """A table; the columns of ``nowrap`` (household codes) never wrap (``lib.pdf``)."""
    doc.table_rows(header, rows, widths, size=size, nowrap=nowrap)


# The "Nơi nhận" block (Nghị định 30/2020/NĐ-CP, Phụ lục I): who receives a copy, bottom-left.
DECISION_RECIPIENTS = (
    "- Như Điều 3;",
    "- Ban chỉ đạo rà soát cấp tỉnh (để báo cáo);",
    "- Lưu: VT.",
)
LETTER_RECIPIENTS = ("- Như trên;", "- Lưu: VT.")


# -- village meeting minutes --------------------------------------------------------------------


def minutes_pdf(meeting: Meeting, votes: Sequence[Vote]) -> bytes:
    """The minutes of a village meeting, one copy per page set (02 copies, Art. 4.3): 1 kept at
    the village, 1 sent to the commune steering committee."""
    round_ = meeting.round
    copies = int(round_.parameters["minutes_copies"]["value"])
    num, den = round_.parameters["vote_threshold"]["value"]
    doc = VietnameseDocument(title=f"Biên bản họp dân {meeting.village.name}")
    destinations = ["Lưu tại thôn, tổ dân phố", "Gửi Ban chỉ đạo rà soát cấp xã"]
    for copy in range(1, copies + 1):
        doc.add_page()
        doc.national_heading([round_.commune.name.upper(), meeting.village.name.upper()])
        destination = destinations[copy - 1] if copy <= len(destinations) else ""
        _para(doc, f"Bản số {copy}/{copies}: {destination}", size=9, style="I")
        _title(
            doc,
            "BIÊN BẢN HỌP DÂN",
            f"Thống nhất kết quả rà soát hộ nghèo, hộ cận nghèo năm {round_.year} "
            "(Quyết định 24/2021/QĐ-TTg, Điều 4 khoản 3)",
        )
        _para(
            doc,
            f"Thời gian: ngày {format_date(meeting.held_on)}. Địa điểm: "
            f"{meeting.place or meeting.village.name}.",
        )
        _para(doc, f"Chủ trì: {meeting.chair_name}. Thư ký: {meeting.secretary_name or '—'}.")
        _para(doc, f"Số người dự họp: {meeting.attendees}. {meeting.attendees_note}".strip())
        if meeting.supervisor_note:
            _para(doc, f"Giám sát: {meeting.supervisor_note}.")
        _para(
            doc,
            f"Nguyên tắc: kết quả được thông qua khi có từ {format_percent(num / den, 0)} số người "
            "dự họp trở lên đồng ý; nếu không đạt, hộ được rà soát lại và đưa ra họp lại.",
            size=10,
        )
        _table(
            doc,
            ["STT", "Mã hộ", "Chủ hộ", "Tình trạng đưa ra họp", "Đồng ý / dự", "Kết quả"],
            [
                (
                    str(i),
                    v.entry.household.code,
                    v.entry.household.head_name,
                    status_label(v.proposed_status),
                    f"{v.agree}/{v.attendees}",
                    "Thông qua" if v.stands else "Không thông qua: rà soát lại",
                )
                for i, v in enumerate(votes, start=1)
            ],
            (10, 26, 44, 36, 20, 34),
            nowrap=(1,),
        )
        doc.signatures(
            [
                Signer("CHỦ TRÌ\n(TRƯỞNG THÔN)", meeting.chair_name),
                Signer("THƯ KÝ", meeting.secretary_name),
                Signer("ĐẠI DIỆN CÁC\nHỘ GIA ĐÌNH"),
            ]
        )
    return doc.to_bytes()


# -- posted lists -------------------------------------------------------------------------------


def posting_pdf(
    posting: Posting, lines: Sequence[PostingEntry], *, village_name: str = ""
) -> bytes:
    """The posted lists (Art. 4.4) — for one village's house (``village_name``) or for the
    commune office (every village) — with the posting period and the complaint window."""
    round_ = posting.round
    place = f"Nhà văn hóa {village_name}" if village_name else "Trụ sở Ủy ban nhân dân xã"
    doc = VietnameseDocument(
        title=f"Niêm yết kết quả rà soát {round_.year}", orientation="landscape"
    )
    doc.add_page()
    _commune_heading(doc, round_.commune.name, ["BAN CHỈ ĐẠO RÀ SOÁT"])
    kind = (
        "THÔNG BÁO KẾT QUẢ PHÚC TRA"
        if posting.kind == "recheck"
        else "THÔNG BÁO NIÊM YẾT CÔNG KHAI KẾT QUẢ RÀ SOÁT"
    )
    _title(
        doc,
        f"{kind} HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {round_.year}",
        f"Nơi niêm yết: {place}" + (f" ({village_name})" if village_name else ""),
    )
    _para(
        doc,
        f"Thời gian niêm yết: {posting.working_days} ngày làm việc, từ ngày "
        f"{format_date(posting.posted_on)} đến hết ngày {format_date(posting.ends_on)} "
        "(không kể thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết).",
    )
    _para(
        doc,
        "Ý kiến, khiếu nại về kết quả rà soát gửi Ban chỉ đạo rà soát xã đến hết ngày "
        f"{format_date(posting.complaints_until)}.",
        style="B",
    )
    for kind_value, title in LIST_TITLES:
        chosen = [line for line in lines if kind_value in line.lists]
        if not chosen:
            continue
        doc.ln(2)
        _para(doc, f"{title} ({len(chosen)} hộ)", style="B")
        _table(
            doc,
            [
                "STT",
                "Mã hộ",
                "Họ và tên chủ hộ",
                "Thôn, tổ dân phố",
                "Số nhân khẩu",
                "Trước rà soát",
                "Sau rà soát",
            ],
            [
                (
                    str(i),
                    line.household_code,
                    line.head_name,
                    line.village_name,
                    str(line.member_count),
                    status_label(line.status_before),
                    status_label(line.status_after),
                )
                for i, line in enumerate(chosen, start=1)
            ],
            (12, 36, 60, 50, 24, 40, 40),
            nowrap=(1,),
        )
    doc.signatures(
        [
            Signer("NGƯỜI LẬP BIỂU"),
            Signer("TM. BAN CHỈ ĐẠO RÀ SOÁT\nTRƯỞNG BAN"),
        ],
        place_date=f"{round_.commune.name}, ngày {format_date(posting.posted_on)}",
    )
    return doc.to_bytes()


# -- the recognition decision -------------------------------------------------------------------


def decision_pdf(decision: Decision, entries: Sequence[Any]) -> bytes:
    doc = VietnameseDocument(title=f"Quyết định {decision.number}")
    doc.add_page()
    _commune_heading(doc, decision.commune_name, [f"Số: {decision.number}"])
    doc.place_date(f"{decision.commune_name}, ngày {format_date(decision.signed_on)}")
    _title(
        doc,
        "QUYẾT ĐỊNH",
        f"Về việc công nhận hộ nghèo, hộ cận nghèo, hộ thoát nghèo, hộ thoát cận nghèo năm "
        f"{decision.year}",
    )
    _para(doc, f"{decision.signer_title.upper()} {decision.commune_name.upper()}", style="B")
    _para(
        doc,
        "Căn cứ Quyết định số 24/2021/QĐ-TTg ngày 16/7/2021 của Thủ tướng Chính phủ quy định quy "
        f"trình rà soát hộ nghèo, hộ cận nghèo; chuẩn nghèo đa chiều {decision.standard}; kết "
        "quả rà soát, họp dân và niêm yết công khai,",
        size=10,
    )
    _para(doc, "QUYẾT ĐỊNH:", style="B")
    _para(
        doc,
        "Điều 1. Công nhận các hộ gia đình có tên trong danh sách kèm theo Quyết định này.",
    )
    _para(doc, "Điều 2. Quyết định có hiệu lực kể từ ngày ký.")
    _para(
        doc,
        "Điều 3. Ban chỉ đạo rà soát xã, trưởng các thôn, tổ dân phố và các hộ gia đình có tên "
        "tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
    )
    doc.signatures(
        [Signer(decision.signer_title.upper(), decision.signer_name)],
        recipients=DECISION_RECIPIENTS,
    )
    for kind_value, title in LIST_TITLES:
        chosen = [e for e in entries if kind_value in e.lists]
        if not chosen:
            continue
        _para(doc, f"{title} ({len(chosen)} hộ)", style="B")
        _table(
            doc,
            ["STT", "Mã hộ", "Họ và tên chủ hộ", "Thôn", "Nhân khẩu", "Tình trạng"],
            [
                (
                    str(i),
                    e.household_code,
                    e.head_name,
                    e.village_name,
                    str(len(e.members)),
                    status_label(e.status_after),
                )
                for i, e in enumerate(chosen, start=1)
            ],
            (10, 30, 50, 36, 17, 27),
            nowrap=(1,),
        )
    return doc.to_bytes()


# -- the certificate ----------------------------------------------------------------------------


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """Giấy chứng nhận hộ nghèo / hộ cận nghèo (number "…/GCN-HN.HCN"; the form's Mẫu number is
    unverified), from the certificate's frozen copy only."""
    doc = VietnameseDocument(title=f"Giấy chứng nhận {certificate.number}")
    _draw_certificate(doc, certificate, verify_url)
    return doc.to_bytes()


def certificates_pdf(title: str, certificates: Iterable[tuple[Certificate, str]]) -> bytes:
    """Every certificate given (with its verification address) in one document for printing,
    each starting on a new page, each drawn exactly as ``certificate_pdf`` draws it: from its
    frozen copy, the members at the time of issue."""
    doc = VietnameseDocument(title=title)
    for certificate, verify_url in certificates:
        _draw_certificate(doc, certificate, verify_url)
    return doc.to_bytes()


def _draw_certificate(doc: VietnameseDocument, certificate: Certificate, verify_url: str) -> None:
    doc.add_page()
    _commune_heading(doc, certificate.commune_name, [f"Số: {certificate.number}"])
    kind = "HỘ NGHÈO" if certificate.status == "poor" else "HỘ CẬN NGHÈO"
    _title(
        doc,
        f"GIẤY CHỨNG NHẬN {kind}",
        f"Năm {certificate.year + 1} (kết quả rà soát năm {certificate.year})",
    )
    _para(
        doc,
        f"{certificate.signer_title} {certificate.commune_name}, {certificate.province_name} "
        f"chứng nhận hộ gia đình ông/bà: {certificate.head_name}",
        style="B",
    )
    _para(
        doc,
        "Nơi cư trú: "
        + (
            certificate.address
            or f"{certificate.village_name}, {certificate.commune_name}, "
            f"{certificate.province_name}"
        )
        + ".",
    )
    _para(
        doc,
        f"là {kind.lower()} theo Quyết định số {certificate.decision_number} ngày "
        f"{format_date(certificate.decision_date)}. Giấy chứng nhận có giá trị đến hết ngày "
        f"{format_date(certificate.valid_until)}.",
    )
    _para(doc, f"Danh sách thành viên hộ ({len(certificate.members)} người):", style="B")
    _table(
        doc,
        ["STT", "Họ và tên", "Quan hệ với chủ hộ", "Giới tính", "Năm sinh"],
        [
            (str(i), m["name"], m["relation"], m["sex"], str(m["birth_year"]))
            for i, m in enumerate(certificate.members, start=1)
        ],
        (12, 66, 40, 24, 28),
        size=10,
    )
    top = doc.get_y() + 2
    if top > doc.h - 70:
        doc.add_page()
        top = doc.get_y()
    doc.qr(verify_url, x=doc.l_margin, y=top, size=32)
    doc.set_xy(doc.l_margin + 36, top + 4)
    doc.set_font(FONT, size=9)
    doc.multi_cell(
        62, 5, f"Mã xác thực: {certificate.code}\nKiểm tra tại:\n{verify_url}", align="L"
    )
    doc.set_xy(doc.l_margin + 95, top)
    doc.set_font(FONT, "I", 10)
    doc.cell(
        75, 5, f"{certificate.commune_name}, ngày {format_date(certificate.issued_on)}", align="C"
    )
    doc.set_xy(doc.l_margin + 95, top + 6)
    doc.set_font(FONT, "B", 10)
    doc.multi_cell(75, 5, certificate.signer_title.upper(), align="C", new_x="LEFT", new_y="NEXT")
    doc.set_font(FONT, "I", 9)
    doc.multi_cell(75, 5, "(Ký, ghi rõ họ tên và đóng dấu)", align="C")
    doc.set_xy(doc.l_margin + 95, top + 36)
    doc.set_font(FONT, "B" if certificate.signer_name else "", 10)
    doc.multi_cell(75, 5, certificate.signer_name or NAME_LINE, align="C")


# -- refusal letter (Art. 5.2) ------------------------------------------------------------------


def refusal_letter_pdf(application: Application) -> bytes:
    household = application.household
    doc = VietnameseDocument(title=f"Văn bản trả lời {application.refusal_number}")
    doc.add_page()
    _commune_heading(doc, application.commune.name, [f"Số: {application.refusal_number}"])
    top = doc.get_y()
    doc.set_font(FONT, "I", 9)
    doc.multi_cell(
        doc.epw / 2, 4.5, f"V/v trả lời đơn đề nghị của hộ {household.head_name}", align="C"
    )
    below = doc.get_y()
    doc.set_y(top)
    doc.place_date(f"{application.commune.name}, ngày {format_date(application.decided_on)}")
    doc.set_y(max(below, doc.get_y()) + 2)
    _title(doc, "VĂN BẢN TRẢ LỜI", application.get_form_display())
    _para(
        doc,
        f"Kính gửi: ông/bà {application.applicant_name} (hộ {household.code}, "
        f"{application.village.name}).",
    )
    _para(
        doc,
        f"Ủy ban nhân dân {application.commune.name} đã nhận đơn ngày "
        f"{format_date(application.received_on)} và tổ chức rà soát theo Điều 5 Quyết định số "
        "24/2021/QĐ-TTg. Hộ gia đình không đủ điều kiện để công nhận theo đề nghị, vì các lý do "
        "sau:",
    )
    _para(doc, application.refusal_reasons, style="B")
    _para(
        doc,
        "Nếu có thay đổi về hoàn cảnh, hộ gia đình có thể làm đơn đề nghị rà soát lại vào các kỳ "
        "rà soát tiếp theo.",
    )
    doc.signatures(
        [Signer("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", application.refusal_signer)],
        recipients=LETTER_RECIPIENTS,
    )
    return doc.to_bytes()


# -- the report ---------------------------------------------------------------------------------


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Rows (label, poor, near-poor) of a report's figures, for pages and PDFs alike."""
    poor, near = figures["poor"], figures["near_poor"]
    return [
        (_("Đầu kỳ"), format_number(poor["start"]), format_number(near["start"])),
        (_("Thoát"), format_number(poor["escaped"]), format_number(near["escaped"])),
        (_("Tái nghèo"), format_number(poor["reentered"]), format_number(near["reentered"])),
        (_("Phát sinh mới"), format_number(poor["newly"]), format_number(near["newly"])),
        (_("Cuối kỳ"), format_number(poor["end"]), format_number(near["end"])),
        (_("Nhân khẩu cuối kỳ"), format_number(poor["people"]), format_number(near["people"])),
        (
            _("Tỷ lệ (trên tổng số hộ)"),
            format_percent(poor["rate"]) if poor["rate"] is not None else "—",
            format_percent(near["rate"]) if near["rate"] is not None else "—",
        ),
    ]
