"""The commune chairman's recognition decision: frozen lists and the households' new status
(QĐ 24/2021 Art. 4.5, 5.2).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor, acting_user
from giamngheo.audit import services as audit
from giamngheo.lib.formatting import format_date
from giamngheo.registry.services import households_status_set_bulk
from giamngheo.review import timeline
from giamngheo.review.calculations import grants_request, lists_for
from giamngheo.review.models import (
    Application,
    Complaint,
    Decision,
    DecisionEntry,
    Entry,
    ListKind,
    Posting,
    Round,
    RoundKind,
)
from giamngheo.review.services.base import (
    BEFORE_AGREEMENT,
    OPEN_COMPLAINT,
    ReviewError,
    check_act_date,
    clean_names,
    close_if_answered,
    consultation_required,
    lock_round,
    members_snapshot,
    move_entries,
    move_round,
    params,
    require_officer,
    take_up_change,
)
from giamngheo.review.signals import decision_recorded
from giamngheo.review.states import (
    APPLICATION,
    ROUND,
    ApplicationState,
    EntryState,
    TransitionRefused,
)


@transaction.atomic
def round_consult(*, actor: Actor, round_: Round, consulted_on: dt.date, reference: str) -> Round:
    """Record the step "báo cáo, xin ý kiến" before the decision (QĐ 24/2021 Art. 4.5; since
    1/7/2025 the provincial chairman — Nghị định 131/2025/NĐ-CP, Thông tư 13/2025/TT-BNNMT,
    unverified): the date and the reference of the commune's report. Only where the round's
    rules have the step, after the posting period and before the decision."""
    check_act_date(consulted_on, _("Ngày xin ý kiến"))
    round_ = lock_round(round_)
    require_officer(actor, round_.commune)
    if not consultation_required(round_):
        raise ReviewError(_("Quy trình của đợt rà soát này không có bước xin ý kiến."))
    ROUND.check("decide", round_.state)  # posting done, not yet decided
    reference = reference.strip()
    if not reference:
        raise ReviewError(_("Cần ghi số, ký hiệu văn bản báo cáo, xin ý kiến."))
    timeline.consultation(
        consulted_on, Posting.objects.filter(round=round_).aggregate(last=Max("ends_on"))["last"]
    )
    before = {"consulted_on": round_.consulted_on, "reference": round_.consultation_reference}
    round_.consulted_on, round_.consultation_reference = consulted_on, reference[:120]
    round_.save(update_fields=["consulted_on", "consultation_reference", "updated_at"])
    audit.record(
        actor=actor,
        action="review.round_consulted",
        obj=round_,
        before=before,
        after={"consulted_on": consulted_on, "reference": round_.consultation_reference},
    )
    return round_


@transaction.atomic
def decision_issue(
    *,
    actor: Actor,
    round_: Round,
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_title: str = "",
) -> Decision:
    """The commune chairman's decision recognising the lists (Art. 4.5; Art. 5.2 in-year).

    The lists are frozen in ``DecisionEntry`` rows (names, members, statuses as decided) and the
    households' official status changes here and only here (audited, one event per household).
    Refused out of the process's order (``review.timeline``: after the posting period, no open
    complaint, after the consultation where the round's rules have one, not in the future) or
    while a household is not posted. An in-year round closes when every application is answered."""
    (signer_name,) = clean_names(signer_name)
    check_act_date(signed_on, _("Ngày ký quyết định"))
    round_ = lock_round(round_)
    require_officer(actor, round_.commune)
    ROUND.check("decide", round_.state)
    number, signer_name = number.strip(), signer_name.strip()
    if not number or not signer_name:
        raise ReviewError(_("Cần ghi số quyết định và người ký."))
    p = params(round_)
    timeline.decision(
        signed_on,
        round_start=round_.window_start,
        posting_end=Posting.objects.filter(round=round_).aggregate(last=Max("ends_on"))["last"],
        open_complaints=Complaint.objects.filter(round=round_, state__in=OPEN_COMPLAINT).count(),
        consulted_on=round_.consulted_on,
        consultation_required=consultation_required(round_),
    )
    pending = Entry.objects.filter(
        round=round_, state__in=[*BEFORE_AGREEMENT, EntryState.AGREED]
    ).count()
    if pending:
        raise TransitionRefused(
            _(
                "Còn %(n)s hộ chưa được niêm yết công khai (chưa họp dân thống nhất hoặc chưa "
                "niêm yết): mọi hộ trong danh sách phải qua họp dân và niêm yết."
            )
            % {"n": pending}
        )
    entries = list(
        Entry.objects.filter(round=round_, state=EntryState.POSTED).select_related(
            "household", "village", "household_change"
        )
    )
    applications = {
        a.entry_id: a
        for a in Application.objects.filter(entry__in=entries, state=ApplicationState.RECEIVED)
    }
    if round_.kind == RoundKind.REGULAR:
        not_granted = [
            e.household.code
            for e in entries
            if not grants_request(applications.get(e.pk), e.status_at_start, e.final_status)
        ]
        if not_granted:
            raise TransitionRefused(
                _(
                    "Kết quả rà soát không đáp ứng đề nghị của hộ %(codes)s: trả lời bằng văn bản "
                    "nêu rõ lý do (từ chối đơn) trước khi ban hành quyết định (QĐ 24/2021 Điều 5)."
                )
                % {"codes": ", ".join(sorted(not_granted))}
            )
    decision = Decision.objects.create(
        round=round_,
        province_id=round_.province_id,
        commune_id=round_.commune_id,
        number=number,
        signed_on=signed_on,
        signer_name=signer_name,
        signer_title=signer_title.strip() or p.decider_title,
        standard=round_.standard,
        year=round_.year,
        commune_name=round_.commune.name,
        province_name=round_.province.name,
        created_by=acting_user(actor),
    )
    # Re-entered poverty (tái nghèo): newly poor households that an earlier decision recognised
    # as having escaped poverty.
    escaped_before = set(
        DecisionEntry.objects.filter(
            household_id__in=[e.household_id for e in entries],
            lists__contains=[ListKind.ESCAPED_POVERTY],
            decision__signed_on__lt=signed_on,
        ).values_list("household_id", flat=True)
    )
    members = members_snapshot([e.household_id for e in entries])
    rows = []
    for e in entries:
        lists = lists_for(e.status_at_start, e.final_status)
        rows.append(
            DecisionEntry(
                decision=decision,
                entry=e,
                household=e.household,
                province_id=e.province_id,
                commune_id=e.commune_id,
                village_id=e.village_id,
                lists=lists,
                household_code=e.household.code,
                head_name=e.household.head_name,
                village_name=e.village.name,
                address=e.household.address,
                area_kind=e.household.area_kind,
                status_before=e.status_at_start,
                status_after=e.final_status,
                reentered=ListKind.NEWLY_POOR in lists and e.household_id in escaped_before,
                members=members[e.household_id],
            )
        )
    DecisionEntry.objects.bulk_create(rows, batch_size=2000)
    move_round(actor, round_, "decide", note=number)
    move_entries(actor, round_, entries, "recognise", note=number)
    basis = _("Quyết định số %(number)s ngày %(date)s của %(title)s %(commune)s") % {
        "number": number,
        "date": format_date(signed_on),
        "title": decision.signer_title,
        "commune": round_.commune.name,
    }
    households_status_set_bulk(
        actor=actor,
        statuses={e.household_id: e.final_status for e in entries},
        standard=round_.standard,
        year=round_.year,
        basis=basis,
        effective_on=signed_on,
    )
    for e in entries:
        take_up_change(actor, e.household_change, f"review.decision:{decision.pk}", round_.commune)
    for application in applications.values():
        application.state = APPLICATION.check("approve", application.state)
        application.decided_on = signed_on
        application.save(update_fields=["state", "decided_on"])
        audit.record(
            actor=actor,
            action="review.application_approve",
            obj=application,
            after={"state": application.state, "decision": decision.pk},
        )
    if round_.kind == RoundKind.REGULAR:
        close_if_answered(actor, round_)
    audit.record(
        actor=actor,
        action="review.decision_issued",
        obj=decision,
        after=audit.snapshot(decision, ["round_id", "number", "signed_on", "signer_name"])
        | {"households": len(rows), "lists": dict(Counter(k for r in rows for k in r.lists))},
    )
    decision_recorded.send(sender=Decision, decision=decision, actor=actor)
    return decision
