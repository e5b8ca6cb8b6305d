"""The order of the review's dated acts, in one place (Quyết định 24/2021/QĐ-TTg Art. 4, 5).

Every legal act — village meeting, posting, complaint, consultation, decision, certificate,
in-year refusal — is dated no later than today (``lib.clock``) and in the order the process
requires:

- a meeting not before the round started (Art. 3: the annual review from 1/9; an in-year
  review from the 15th, Art. 5);
- a posting not before the meetings whose results it posts (Art. 4.3 → 4.4);
- a complaint within the posting's complaint window (Art. 4.4);
- the consultation, when the round's rules have one, after the posting period (Art. 4.5);
- the decision only after the posting period has ended, with no open complaint, and after the
  consultation when one applies (Art. 4.4 → 4.5; Art. 5.2 for the in-year review);
- certificates not before the decision (Art. 4.5).

Each check raises :class:`OutOfOrder` (a ``ReviewError`` and a refused step) with a Vietnamese
message naming the dates. The services call these functions; nothing else decides date order.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from giamngheo.lib import clock
from giamngheo.lib.formatting import format_date
from giamngheo.lib.workflow import TransitionRefused
from giamngheo.review.errors import ReviewError


class OutOfOrder(TransitionRefused, ReviewError):
    """A dated act out of the process's order (or in the future)."""


def not_after_today(day: dt.date, label: str) -> None:
    """An act is recorded when it has happened: dated today at the latest."""
    today = clock.today()
    if day > today:
        raise OutOfOrder(
            _("%(label)s (%(day)s) không thể sau ngày hôm nay (%(today)s).")
            % {"label": label, "day": format_date(day), "today": format_date(today)}
        )


def meeting(held_on: dt.date, round_start: dt.date) -> None:
    """Art. 3, 4.3: the village meeting belongs to the round: not before it started."""
    not_after_today(held_on, _("Ngày họp"))
    if held_on < round_start:
        raise OutOfOrder(
            _("Ngày họp %(day)s trước ngày bắt đầu đợt rà soát (%(start)s).")
            % {"day": format_date(held_on), "start": format_date(round_start)}
        )


def posting(posted_on: dt.date, round_start: dt.date, last_meeting: dt.date | None) -> None:
    """Art. 4.3 → 4.4: the results are posted after the meetings that agreed them."""
    not_after_today(posted_on, _("Ngày niêm yết"))
    if posted_on < round_start:
        raise OutOfOrder(
            _("Ngày niêm yết %(day)s trước ngày bắt đầu đợt rà soát (%(start)s).")
            % {"day": format_date(posted_on), "start": format_date(round_start)}
        )
    if last_meeting is not None and posted_on < last_meeting:
        raise OutOfOrder(
            _(
                "Ngày niêm yết %(day)s trước cuộc họp dân ngày %(meeting)s mà danh sách này niêm "
                "yết kết quả (QĐ 24/2021 Điều 4 khoản 3, 4)."
            )
            % {"day": format_date(posted_on), "meeting": format_date(last_meeting)}
        )


def complaint(received_on: dt.date, posted_on: dt.date, complaints_until: dt.date) -> None:
    """Art. 4.4: complaints are received while the list is posted."""
    not_after_today(received_on, _("Ngày nhận khiếu nại"))
    if not (posted_on <= received_on <= complaints_until):
        raise OutOfOrder(
            _(
                "Khiếu nại chỉ được tiếp nhận trong thời gian niêm yết, từ %(start)s đến hết "
                "%(end)s (ngày tiếp nhận: %(day)s)."
            )
            % {
                "start": format_date(posted_on),
                "end": format_date(complaints_until),
                "day": format_date(received_on),
            }
        )


def complaint_resolution(resolved_on: dt.date, received_on: dt.date) -> None:
    not_after_today(resolved_on, _("Ngày giải quyết khiếu nại"))
    if resolved_on < received_on:
        raise OutOfOrder(
            _("Ngày giải quyết %(day)s trước ngày tiếp nhận khiếu nại (%(received)s).")
            % {"day": format_date(resolved_on), "received": format_date(received_on)}
        )


def consultation(consulted_on: dt.date, posting_end: dt.date | None) -> None:
    """Art. 4.5 (after 1/7/2025 the provincial chairman, unverified): the commune reports the
    posted results and asks for an opinion, so after the posting period."""
    not_after_today(consulted_on, _("Ngày xin ý kiến"))
    if posting_end is not None and consulted_on <= posting_end:
        raise OutOfOrder(
            _(
                "Ngày xin ý kiến %(day)s chưa sau thời gian niêm yết (đến hết ngày %(end)s): báo "
                "cáo, xin ý kiến sau khi niêm yết (QĐ 24/2021 Điều 4 khoản 4, 5)."
            )
            % {"day": format_date(consulted_on), "end": format_date(posting_end)}
        )


def decision(
    signed_on: dt.date,
    *,
    round_start: dt.date,
    posting_end: dt.date | None,
    open_complaints: int,
    consulted_on: dt.date | None = None,
    consultation_required: bool = False,
) -> None:
    """Art. 4.4 → 4.5 (Art. 5.2 in-year): the decision after the posting period has ended, with
    every complaint resolved, and after the consultation when the round's rules have one."""
    not_after_today(signed_on, _("Ngày ký quyết định"))
    if signed_on < round_start:
        raise OutOfOrder(
            _("Ngày ký quyết định %(day)s trước ngày bắt đầu đợt rà soát (%(start)s).")
            % {"day": format_date(signed_on), "start": format_date(round_start)}
        )
    if posting_end is not None and signed_on <= posting_end:
        raise OutOfOrder(
            _(
                "Thời gian niêm yết công khai chưa kết thúc (đến hết ngày %(end)s): quyết định "
                "công nhận ký sau thời gian niêm yết (QĐ 24/2021 Điều 4 khoản 4, 5); ngày ký "
                "%(day)s."
            )
            % {"end": format_date(posting_end), "day": format_date(signed_on)}
        )
    if open_complaints:
        raise OutOfOrder(
            _(
                "Còn %(n)s khiếu nại chưa giải quyết và niêm yết kết quả phúc tra: giải quyết "
                "xong trước khi ban hành quyết định."
            )
            % {"n": open_complaints}
        )
    if consultation_required:
        if consulted_on is None:
            raise OutOfOrder(
                _(
                    "Chưa ghi việc báo cáo, xin ý kiến của Chủ tịch UBND cấp tỉnh (ngày, số văn "
                    "bản): bước này phải có trước quyết định công nhận."
                )
            )
        if signed_on < consulted_on:
            raise OutOfOrder(
                _("Ngày ký quyết định %(day)s trước ngày xin ý kiến (%(consulted)s).")
                % {"day": format_date(signed_on), "consulted": format_date(consulted_on)}
            )


def certificate(issued_on: dt.date, decided_on: dt.date) -> None:
    """Art. 4.5: certificates are issued on the strength of the decision."""
    not_after_today(issued_on, _("Ngày cấp giấy chứng nhận"))
    if issued_on < decided_on:
        raise OutOfOrder(
            _("Ngày cấp %(day)s trước ngày ký quyết định công nhận (%(decided)s).")
            % {"day": format_date(issued_on), "decided": format_date(decided_on)}
        )


def refusal(signed_on: dt.date, received_on: dt.date) -> None:
    """Art. 5.2: the written refusal answers an application already received."""
    not_after_today(signed_on, _("Ngày ký văn bản"))
    if signed_on < received_on:
        raise OutOfOrder(
            _("Ngày ký %(day)s trước ngày nhận đơn (%(received)s).")
            % {"day": format_date(signed_on), "received": format_date(received_on)}
        )
