"""Certificates of poor and near-poor households (Giấy chứng nhận, number "…/GCN-HN.HCN" as on
the form annexed to QĐ 24/2021) with their verification codes (QĐ 24/2021 Art. 4.5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.audit import services as audit
from giamngheo.review import timeline
from giamngheo.review.calculations import ON_LIST, new_code
from giamngheo.review.models import (
    Certificate,
    Decision,
    DecisionEntry,
)
from giamngheo.review.services.base import (
    check_act_date,
    lock_round,
    members_snapshot,
    params,
    require_officer,
)


def _head(members: list[dict[str, Any]]) -> str:
    return next((str(m["name"]) for m in members if m["is_head"]), "")


@transaction.atomic
def certificates_issue(
    *,
    actor: Actor,
    decision: Decision,
    entries: Sequence[DecisionEntry] | None = None,
    issued_on: dt.date | None = None,
) -> list[Certificate]:
    """Issue the certificates (Giấy chứng nhận hộ nghèo, hộ cận nghèo; number "…/GCN-HN.HCN")
    of the poor and near-poor households of ``decision`` that have none yet (or only of
    ``entries``). Everything printed is copied into the certificate row (frozen); the members
    and the head are those of the registry on the day of issue (a birth or a death since the
    decision shows), and they no longer change afterwards."""
    check_act_date(issued_on, _("Ngày cấp giấy chứng nhận"))
    decision = Decision.objects.select_related("round", "commune").get(pk=decision.pk)
    require_officer(actor, decision.commune)
    round_ = decision.round
    p = params(round_)
    wanted = DecisionEntry.objects.filter(
        decision=decision, status_after__in=ON_LIST, certificate__isnull=True
    ).order_by("village_name", "household_code")
    if entries is not None:
        wanted = wanted.filter(pk__in=[e.pk for e in entries])
    todo = list(wanted)
    issued_on = issued_on or decision.signed_on
    timeline.certificate(issued_on, decision.signed_on)
    # Numbers run per commune and year; the lock on the decision's round serialises issuers.
    lock_round(round_)
    taken = Certificate.objects.filter(commune_id=decision.commune_id, year=decision.year).count()
    valid_until = dt.date(decision.year + p.certificate_valid_years_after_review, 12, 31)
    members = members_snapshot([e.household_id for e in todo])
    certificates = []
    for index, entry in enumerate(todo, start=taken + 1):
        certificates.append(
            Certificate(
                decision_entry=entry,
                household_id=entry.household_id,
                province_id=entry.province_id,
                commune_id=entry.commune_id,
                village_id=entry.village_id,
                number=f"{index:03d}/{p.certificate_number_suffix}",
                code=new_code(),
                status=entry.status_after,
                year=decision.year,
                issued_on=issued_on,
                valid_until=max(valid_until, issued_on),
                head_name=_head(members[entry.household_id]) or entry.head_name,
                address=entry.address,
                village_name=entry.village_name,
                commune_name=decision.commune_name,
                province_name=decision.province_name,
                decision_number=decision.number,
                decision_date=decision.signed_on,
                signer_name=decision.signer_name,
                signer_title=decision.signer_title,
                members=members[entry.household_id],
            )
        )
    Certificate.objects.bulk_create(certificates)
    if certificates:
        audit.record(
            actor=actor,
            action="review.certificates_issued",
            obj=decision,
            after={"certificates": [[c.number, c.household_id] for c in certificates]},
        )
    return certificates
