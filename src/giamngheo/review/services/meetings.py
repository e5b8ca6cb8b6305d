"""The village meeting, its vote and its signed minutes (QĐ 24/2021 Art. 4.3)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib import idempotency
from giamngheo.review import timeline
from giamngheo.review.calculations import vote_stands
from giamngheo.review.models import (
    Entry,
    Meeting,
    Round,
    Vote,
)
from giamngheo.review.services.base import (
    BEFORE_AGREEMENT,
    ReviewError,
    check_act_date,
    clean_names,
    lock_round,
    move_entries,
    params,
    require_change,
)
from giamngheo.review.states import (
    MEETING,
    RoundState,
    TransitionRefused,
)


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    round_: Round,
    village: AdministrativeUnit,
    held_on: dt.date,
    chair_name: str,
    attendees: int,
    secretary_name: str = "",
    place: str = "",
    attendees_note: str = "",
    supervisor_note: str = "",
    submission_key: uuid.UUID | None = None,
) -> Meeting:
    """Record a village meeting (chaired by the village head, Art. 4.3). ``submission_key``:
    the form's one-time key (``lib.idempotency``); a second call with it returns the first
    meeting."""
    chair_name, secretary_name = clean_names(chair_name, secretary_name)
    check_act_date(held_on, _("Ngày họp"))
    timeline.meeting(held_on, round_.window_start)
    require_change(actor, village)
    if village.parent_id != round_.commune_id:
        raise ReviewError(_("Thôn không thuộc xã của đợt rà soát."))
    same_village = Meeting.objects.filter(round=round_, village=village)
    recorded = idempotency.earlier(same_village, submission_key)
    if recorded is not None:
        return recorded
    round_ = lock_round(round_)
    if round_.state != RoundState.REVIEWING and not (
        round_.state == RoundState.POSTING
        and Entry.objects.filter(round=round_, village=village, state__in=BEFORE_AGREEMENT).exists()
    ):
        raise TransitionRefused(
            _(
                "Chỉ họp dân khi đợt rà soát đang ở bước khảo sát, họp dân (hoặc để họp lại cho hộ "
                "chưa thống nhất)."
            )
        )
    if attendees < 1:
        raise ReviewError(_("Số người dự họp phải từ 1 trở lên."))
    if not chair_name.strip():
        raise ReviewError(_("Cần ghi người chủ trì (trưởng thôn)."))

    def create(key: uuid.UUID | None) -> Meeting:
        return Meeting.objects.create(
            submission_key=key,
            round=round_,
            province_id=round_.province_id,
            commune_id=round_.commune_id,
            village=village,
            held_on=held_on,
            chair_name=chair_name.strip(),
            secretary_name=secretary_name.strip(),
            attendees=attendees,
            place=place,
            attendees_note=attendees_note,
            supervisor_note=supervisor_note,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )

    meeting = idempotency.create_once(same_village, submission_key, create)
    if idempotency.replayed(meeting):
        return meeting
    audit.record(
        actor=actor,
        action="review.meeting_created",
        obj=meeting,
        after=audit.snapshot(
            meeting, ["round_id", "village_id", "held_on", "chair_name", "attendees"]
        ),
    )
    return meeting


@transaction.atomic
def meeting_record_votes(
    *,
    actor: Any,
    meeting: Meeting,
    votes: Mapping[int, int],
    attendees: Mapping[int, int] | None = None,
) -> list[Vote]:
    """Record the vote on each household discussed (``votes``: entry id → number agreeing;
    ``attendees``: entry id → people present for that item, default the meeting's count).

    QĐ 24/2021 Art. 4.3: a result stands when at least 50 % of the attendees agree (threshold
    from the round's parameters, exact integers); otherwise the household goes back to survey
    (step 2) and is discussed again at a new meeting."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("round", "village")
        .get(pk=meeting.pk)
    )
    require_change(actor, meeting.village)
    new_state = MEETING.check("hold", meeting.state)
    if not votes:
        raise ReviewError(_("Cần biểu quyết ít nhất một hộ."))
    round_ = meeting.round
    num, den = params(round_).raw("vote_threshold")
    entries = {
        e.pk: e
        for e in Entry.objects.filter(round=round_, pk__in=list(votes)).select_related("household")
    }
    missing = set(votes) - set(entries)
    if missing:
        raise ReviewError(_("Có hộ không thuộc đợt rà soát này."))
    rows: list[Vote] = []
    stood: list[Entry] = []
    failed: list[Entry] = []
    extra: dict[int, dict[str, Any]] = {}
    for entry_id, agree in votes.items():
        entry = entries[entry_id]
        if entry.village_id != meeting.village_id:
            raise ReviewError(
                _("Hộ %(code)s không thuộc thôn của cuộc họp.") % {"code": entry.household.code}
            )
        present = (attendees or {}).get(entry_id, meeting.attendees)
        if not 0 <= agree <= present:
            raise ReviewError(
                _("Hộ %(code)s: số người đồng ý (%(agree)s) phải từ 0 đến số người dự (%(n)s).")
                % {"code": entry.household.code, "agree": agree, "n": present}
            )
        stands = vote_stands(agree, present, (num, den))
        rows.append(
            Vote(
                meeting=meeting,
                entry=entry,
                proposed_status=entry.proposed_status,
                attendees=present,
                agree=agree,
                threshold_num=num,
                threshold_den=den,
                stands=stands,
            )
        )
        if stands:
            stood.append(entry)
            extra[entry.pk] = {"final_status": entry.proposed_status, "meeting": meeting}
        else:
            failed.append(entry)
    # ENTRY.check refuses households that are not surveyed (e.g. not yet surveyed, or already
    # agreed) with an explanation, before anything is written.
    move_entries(actor, round_, stood, "vote_stands", extra=extra, note=str(meeting))
    move_entries(actor, round_, failed, "vote_fails", note=str(meeting))
    Vote.objects.bulk_create(rows)
    meeting.state = new_state
    meeting.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="review.meeting_held",
        obj=meeting,
        after={
            "threshold": [num, den],
            "votes": [
                {
                    "entry": v.entry_id,
                    "agree": v.agree,
                    "attendees": v.attendees,
                    "stands": v.stands,
                }
                for v in rows
            ],
        },
    )
    return rows


@transaction.atomic
def meeting_upload_minutes(*, actor: Any, meeting: Meeting, scan: Any) -> Meeting:
    """Attach the scan of the signed minutes (02 copies signed, Art. 4.3)."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("village").get(pk=meeting.pk)
    )
    require_change(actor, meeting.village)
    before = meeting.state
    meeting.state = MEETING.check("sign", meeting.state)
    meeting.minutes_scan = scan
    meeting.save(update_fields=["state", "minutes_scan"])
    audit.record(
        actor=actor,
        action="review.meeting_minutes_uploaded",
        obj=meeting,
        before={"state": before},
        after={"state": meeting.state, "file": meeting.minutes_scan.name},
    )
    return meeting
