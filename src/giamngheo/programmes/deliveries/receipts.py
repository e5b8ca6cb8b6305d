"""The printable receipt of one support (biên nhận): who received what, when, from which
programme and source of funds, with the signatures of the recipient and the one who handed it
over. Card numbers are masked unless the reader may see personal numbers of the household.
And the signing sheet of a day's deliveries (danh sách ký nhận)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from giamngheo.lib.formatting import format_date, format_money, format_number
from giamngheo.lib.pdf import Signer, VietnameseDocument
from giamngheo.programmes.deliveries.selectors import card_for_record, shown_card_number
from giamngheo.programmes.models import SupportRecord


def receipt_pdf(record: SupportRecord, *, full_numbers: bool) -> bytes:
    household = record.household
    doc = VietnameseDocument(title=_("Biên nhận hỗ trợ"))
    doc.add_page()
    doc.national_heading([f"UBND {record.commune.name}".upper(), record.village.name])
    doc.set_font(style="B", size=14)
    doc.cell(0, 8, _("BIÊN NHẬN HỖ TRỢ"), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(size=10)
    doc.cell(
        0, 6, _("Số: %(number)s") % {"number": record.pk}, align="C", new_x="LMARGIN", new_y="NEXT"
    )
    doc.ln(3)
    doc.set_font(size=11)
    recipient = record.person.full_name if record.person else household.head_name
    lines = [
        (_("Hộ"), f"{household.code} · {household.head_name}"),
        (_("Người nhận"), recipient),
        (_("Địa chỉ"), household.address or record.village.name),
        (_("Chương trình, chính sách"), f"{record.programme.code} · {record.programme.name}"),
        (_("Hình thức"), str(record.get_support_kind_display())),
        (_("Nội dung"), record.description or "—"),
        (
            _("Số lượng"),
            f"{format_number(record.quantity, 2 if record.quantity % 1 else 0)} {record.unit}"
            if record.quantity is not None
            else "—",
        ),
        (_("Thành tiền"), format_money(record.amount) if record.amount is not None else "—"),
        (_("Ngày hỗ trợ"), format_date(record.delivered_on)),
        (_("Nguồn vốn"), str(record.get_funding_source_display())),
        (_("Số quyết định"), record.decision_number or "—"),
        (_("Đơn vị, người cấp"), record.delivered_by or "—"),
    ]
    card = card_for_record(record)
    if card is not None:
        lines.append((_("Mã số thẻ BHYT"), shown_card_number(card, full=full_numbers)))
        lines.append(
            (
                _("Giá trị sử dụng"),
                f"{format_date(card.valid_from)} – {format_date(card.valid_to)}",
            )
        )
    doc.table_rows([_("Mục"), _("Nội dung")], lines, (1, 2.4))
    doc.signatures(
        [Signer(_("NGƯỜI NHẬN")), Signer(_("NGƯỜI GIAO"), record.delivered_by)],
        place_date=_("%(village)s, ngày %(date)s")
        % {"village": record.village.name, "date": format_date(record.delivered_on)},
    )
    return doc.to_bytes()


def signing_sheet_pdf(
    records: Sequence[SupportRecord], *, title: str, issuer: str, day: dt.date
) -> bytes:
    """The list the recipients sign when a support is handed out on one day (danh sách ký
    nhận): one line per record, the total, and the signatures of the one who drew it up and
    of the one who handed it out. No personal numbers are printed."""
    doc = VietnameseDocument(title=title, orientation="landscape")
    doc.add_page()
    doc.national_heading([issuer.upper()])
    doc.set_font(style="B", size=13)
    doc.cell(0, 7, _("DANH SÁCH KÝ NHẬN HỖ TRỢ"), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(size=10)
    doc.cell(0, 6, title, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.cell(
        0,
        6,
        _("Ngày hỗ trợ: %(date)s") % {"date": format_date(day)},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(2)
    total = Decimal(0)
    rows = []
    for number, record in enumerate(records, start=1):
        total += record.amount or 0
        rows.append(
            [
                str(number),
                record.household.code,
                record.person.full_name if record.person else record.household.head_name,
                record.village.name,
                record.description or str(record.get_support_kind_display()),
                f"{format_number(record.quantity)} {record.unit}".strip()
                if record.quantity is not None
                else "",
                format_money(record.amount) if record.amount is not None else "",
                "",
            ]
        )
    rows.append(["", "", _("Tổng cộng"), "", "", "", format_money(total), ""])
    doc.table_rows(
        [
            _("STT"),
            _("Mã hộ"),
            _("Người nhận"),
            _("Thôn"),
            _("Nội dung"),
            _("Số lượng"),
            _("Thành tiền"),
            _("Ký nhận"),
        ],
        rows,
        (0.5, 1.3, 2.2, 1.5, 2.2, 1, 1.4, 1.4),
        nowrap=(1,),
    )
    doc.signatures([Signer(_("NGƯỜI LẬP DANH SÁCH")), Signer(_("NGƯỜI GIAO"))])
    return doc.to_bytes()
