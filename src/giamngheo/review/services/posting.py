"""The public posting of the agreed results (QĐ 24/2021 Art. 4.4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.audit import services as audit
from giamngheo.review import calendar, timeline
from giamngheo.review.calculations import lists_for
from giamngheo.review.models import (
    Entry,
    Posting,
    PostingEntry,
    PostingKind,
    Round,
)
from giamngheo.review.rules import Params
from giamngheo.review.services.base import (
    BEFORE_AGREEMENT,
    ReviewError,
    check_act_date,
    lock_round,
    move_entries,
    move_round,
    params,
    require_officer,
)
from giamngheo.review.states import (
    ROUND,
    EntryState,
    RoundState,
    TransitionRefused,
)


def posting_dates(p: Params, posted_on: dt.date) -> tuple[int, dt.date, dt.date]:
    days = p.posting_working_days
    ends_on = calendar.nth_working_day(posted_on, days)
    return days, ends_on, ends_on


def posting_line(posting: Posting, entry: Entry, after: str) -> PostingEntry:
    household = entry.household
    return PostingEntry(
        posting=posting,
        entry=entry,
        province_id=entry.province_id,
        commune_id=entry.commune_id,
        village_id=entry.village_id,
        lists=lists_for(entry.status_at_start, after),
        household_code=household.code,
        head_name=household.head_name,
        village_name=entry.village.name,
        member_count=household.member_count,
        status_before=entry.status_at_start,
        status_after=after,
    )


@transaction.atomic
def posting_create(*, actor: Any, round_: Round, posted_on: dt.date, places: str = "") -> Posting:
    """Post the results agreed at the village meetings at the village houses and the commune
    office for the posting period (Art. 4.4; 03 working days — UNVERIFIED — from the round's
    parameters, counted with the holiday calendar). Complaints are received until its end."""
    check_act_date(posted_on, _("Ngày niêm yết"))
    round_ = lock_round(round_)
    require_officer(actor, round_.commune)
    ROUND.check("post", round_.state)
    waiting = Entry.objects.filter(round=round_, state__in=BEFORE_AGREEMENT).count()
    if waiting and round_.state == RoundState.REVIEWING:
        raise TransitionRefused(
            _(
                "Còn %(n)s hộ chưa được họp dân thống nhất (chưa khảo sát, chưa họp hoặc biểu "
                "quyết chưa đạt ≥ 50 %% người dự): niêm yết sau khi mọi hộ đã họp dân (QĐ 24/2021 "
                "Điều 4 khoản 3, 4)."
            )
            % {"n": waiting}
        )
    agreed = list(
        Entry.objects.filter(round=round_, state=EntryState.AGREED).select_related(
            "household", "village", "meeting"
        )
    )
    reviewed = Entry.objects.filter(round=round_).exclude(
        state__in=[EntryState.SCREENED_OUT, EntryState.REFUSED]
    )
    # A commune with nobody to review posts (and decides) empty lists; otherwise a posting
    # needs households agreed at their village meeting.
    if not agreed and (round_.state == RoundState.POSTING or reviewed.exists()):
        raise ReviewError(_("Không có hộ nào đã họp dân thống nhất để niêm yết."))
    last_meeting = max((e.meeting.held_on for e in agreed if e.meeting is not None), default=None)
    timeline.posting(posted_on, round_.window_start, last_meeting)
    days, ends_on, complaints_until = posting_dates(params(round_), posted_on)
    posting = Posting.objects.create(
        round=round_,
        province_id=round_.province_id,
        commune_id=round_.commune_id,
        kind=PostingKind.RESULT,
        posted_on=posted_on,
        working_days=days,
        ends_on=ends_on,
        complaints_until=complaints_until,
        places=places or _("Nhà văn hóa thôn, tổ dân phố và trụ sở Ủy ban nhân dân xã"),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    PostingEntry.objects.bulk_create([posting_line(posting, e, e.final_status) for e in agreed])
    if round_.state != RoundState.POSTING:
        move_round(actor, round_, "post")
    move_entries(actor, round_, agreed, "post", note=str(posting))
    audit.record(
        actor=actor,
        action="review.posting_created",
        obj=posting,
        after=audit.snapshot(posting, ["round_id", "kind", "posted_on", "working_days", "ends_on"])
        | {"lines": len(agreed)},
    )
    return posting
