"""Complaints during the posting: filed, re-checked, resolved and the result posted
(QĐ 24/2021 Art. 4.4).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.audit import services as audit
from giamngheo.review import calendar, timeline
from giamngheo.review.models import (
    Complaint,
    Entry,
    Posting,
    PostingEntry,
    PostingKind,
)
from giamngheo.review.services.base import (
    ReviewError,
    check_act_date,
    clean_names,
    move_entries,
    params,
    require_change,
    require_officer,
)
from giamngheo.review.services.entries import check_survey
from giamngheo.review.services.posting import posting_dates, posting_line
from giamngheo.review.states import (
    COMPLAINT,
)


@transaction.atomic
def complaint_file(
    *,
    actor: Any,
    line: PostingEntry,
    complainant: str,
    content: str,
    received_on: dt.date,
) -> Complaint:
    """Receive a complaint against an entry of a posted list, within the complaint window."""
    (complainant,) = clean_names(complainant)
    check_act_date(received_on, _("Ngày nhận khiếu nại"))
    line = PostingEntry.objects.select_related("posting", "entry", "entry__round", "village").get(
        pk=line.pk
    )
    require_change(actor, line.village)
    posting = line.posting
    timeline.complaint(received_on, posting.posted_on, posting.complaints_until)
    if not complainant.strip() or not content.strip():
        raise ReviewError(_("Cần ghi người khiếu nại và nội dung khiếu nại."))
    entry = Entry.objects.select_for_update().get(pk=line.entry_id)
    entry.round = line.entry.round
    move_entries(actor, entry.round, [entry], "complain")
    p = params(entry.round)
    complaint = Complaint.objects.create(
        round=entry.round,
        line=line,
        entry=entry,
        province_id=line.province_id,
        commune_id=line.commune_id,
        village_id=line.village_id,
        complainant=complainant.strip(),
        content=content.strip(),
        received_on=received_on,
        # QĐ 24/2021 Art. 4.4: re-check deadline UNVERIFIED (parameter, working days).
        due_on=calendar.add_working_days(received_on, p.complaint_recheck_working_days),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="review.complaint_received",
        obj=complaint,
        after=audit.snapshot(complaint, ["line_id", "complainant", "received_on", "due_on"]),
    )
    return complaint


@transaction.atomic
def complaint_recheck(*, actor: Any, complaint: Complaint, survey: Any) -> Complaint:
    """Attach the re-check survey (phúc tra): its proposed status is the re-check result."""
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("entry__round", "village")
        .get(pk=complaint.pk)
    )
    require_change(actor, complaint.village)
    check_survey(complaint.entry, survey, {"deprivation", "income"})
    if not survey.status:
        raise ReviewError(_("Phiếu phúc tra chưa xác định được tình trạng hộ."))
    before = complaint.state
    complaint.state = COMPLAINT.check("recheck", before)
    complaint.recheck_survey = survey
    complaint.result_status = survey.status
    complaint.save(update_fields=["state", "recheck_survey", "result_status"])
    audit.record(
        actor=actor,
        action="review.complaint_rechecked",
        obj=complaint,
        before={"state": before},
        after={"state": complaint.state, "survey": survey.pk, "result_status": survey.status},
    )
    return complaint


@transaction.atomic
def complaint_resolve(
    *, actor: Any, complaint: Complaint, resolved_on: dt.date, result_note: str
) -> Complaint:
    """Conclude a complaint and post the re-check result (Art. 4.4). Without a re-check survey
    the complaint is dismissed and the posted status stays; the note gives the reasons."""
    check_act_date(resolved_on, _("Ngày giải quyết khiếu nại"))
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("entry", "entry__household", "entry__village", "round", "commune")
        .get(pk=complaint.pk)
    )
    require_officer(actor, complaint.commune)
    before = complaint.state
    complaint.state = COMPLAINT.check("resolve", before)
    if not result_note.strip():
        raise ReviewError(_("Cần ghi kết luận giải quyết khiếu nại."))
    timeline.complaint_resolution(resolved_on, complaint.received_on)
    entry = complaint.entry
    result = complaint.result_status or entry.final_status
    round_ = complaint.round
    p = params(round_)
    days, ends_on, complaints_until = posting_dates(p, resolved_on)
    posting = Posting.objects.create(
        round=round_,
        province_id=round_.province_id,
        commune_id=round_.commune_id,
        kind=PostingKind.RECHECK,
        posted_on=resolved_on,
        working_days=days,
        ends_on=ends_on,
        complaints_until=complaints_until,
        places=_("Nhà văn hóa thôn, tổ dân phố và trụ sở Ủy ban nhân dân xã"),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    PostingEntry.objects.create(**_line_values(posting_line(posting, entry, result)))
    complaint.result_status = result
    complaint.result_note = result_note.strip()
    complaint.resolved_on = resolved_on
    complaint.result_posting = posting
    complaint.save(
        update_fields=["state", "result_status", "result_note", "resolved_on", "result_posting"]
    )
    move_entries(
        actor, round_, [entry], "recheck_posted", extra={entry.pk: {"final_status": result}}
    )
    audit.record(
        actor=actor,
        action="review.complaint_resolved",
        obj=complaint,
        before={"state": before},
        after={
            "state": complaint.state,
            "result_status": result,
            "posting": posting.pk,
            "late": resolved_on > complaint.due_on,
        },
        note=complaint.result_note,
    )
    return complaint


def _line_values(line: PostingEntry) -> dict[str, Any]:
    return {
        f.attname: getattr(line, f.attname)
        for f in PostingEntry._meta.concrete_fields
        if f.attname != "id"
    }
