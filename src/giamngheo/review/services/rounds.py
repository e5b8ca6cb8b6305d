"""The annual round: plan, steering committee, reviewers and the list (QĐ 24/2021 Art. 4.1)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.models import User
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.registry.models import Household
from giamngheo.review.calculations import ON_LIST
from giamngheo.review.models import (
    Entry,
    EntrySource,
    Reviewer,
    Round,
    RoundKind,
    SteeringMember,
    SteeringRole,
)
from giamngheo.review.rules import Params
from giamngheo.review.services.base import (
    ReviewError,
    check_act_date,
    clean_names,
    lock_round,
    move_round,
    open_entry,
    province_of,
    require_officer,
    resolve_rules,
    take_up_change,
)
from giamngheo.review.states import (
    EntryState,
    RoundState,
)
from giamngheo.workforce.models import HouseholdChange, ReviewFlag


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    commune: AdministrativeUnit,
    year: int,
    plan_number: str = "",
    plan_date: dt.date | None = None,
    plan_note: str = "",
) -> Round:
    """Plan the annual review of ``commune`` for ``year`` (QĐ 24/2021 Art. 3: 1/9–14/12 by
    default, from the rule set). The round keeps a copy of the parameters in force."""
    check_act_date(plan_date, _("Ngày kế hoạch"), planned=True)
    if commune.level != Level.COMMUNE:
        raise ReviewError(_("Đợt rà soát được lập cho một xã, phường, đặc khu."))
    require_officer(actor, commune)
    if Round.objects.filter(commune=commune, year=year, kind=RoundKind.ANNUAL).exists():
        raise ReviewError(_("Xã đã có đợt rà soát định kỳ năm %(year)s.") % {"year": year})
    resolved = resolve_rules(year, commune.province_id)
    p = Params(resolved.values)
    round_ = Round.objects.create(
        province_id=province_of(commune),
        commune=commune,
        kind=RoundKind.ANNUAL,
        year=year,
        standard=resolved.standard,
        rule_set_code=resolved.code,
        parameters=resolved.values,
        window_start=p.day_of_year("review_window_start", year),
        window_end=p.day_of_year("review_window_end", year),
        plan_number=plan_number,
        plan_date=plan_date,
        plan_note=plan_note,
        created_by=acting_user(actor),
    )
    audit.record(
        actor=actor,
        action="review.round_created",
        obj=round_,
        after=audit.snapshot(
            round_, ["kind", "year", "standard", "rule_set_code", "window_start", "window_end"]
        ),
    )
    return round_


@transaction.atomic
def steering_member_add(
    *, actor: Actor, round_: Round, full_name: str, position: str = "", role: str
) -> SteeringMember:
    """A member of the commune steering committee (Ban chỉ đạo rà soát cấp xã, Art. 4.1)."""
    (full_name,) = clean_names(full_name)
    require_officer(actor, round_.commune)
    if role not in SteeringRole.values:
        raise ReviewError(_("Vai trò trong ban chỉ đạo không hợp lệ."))
    if not full_name.strip():
        raise ReviewError(_("Cần ghi họ và tên."))
    member = SteeringMember.objects.create(
        round=round_,
        province_id=round_.province_id,
        commune_id=round_.commune_id,
        full_name=full_name.strip(),
        position=position.strip(),
        role=role,
    )
    audit.record(
        actor=actor,
        action="review.steering_member_added",
        obj=member,
        after=audit.snapshot(member, ["round_id", "full_name", "position", "role"]),
    )
    return member


@transaction.atomic
def reviewer_add(
    *, actor: Actor, round_: Round, full_name: str, kind: str, user: User | None = None
) -> Reviewer:
    (full_name,) = clean_names(full_name)
    require_officer(actor, round_.commune)
    if not full_name.strip():
        raise ReviewError(_("Cần ghi họ và tên."))
    reviewer = Reviewer.objects.create(
        round=round_,
        province_id=round_.province_id,
        commune_id=round_.commune_id,
        full_name=full_name.strip(),
        kind=kind,
        user=user,
    )
    audit.record(
        actor=actor,
        action="review.reviewer_added",
        obj=reviewer,
        after=audit.snapshot(reviewer, ["round_id", "full_name", "kind", "user_id"]),
    )
    return reviewer


@transaction.atomic
def round_start(*, actor: Actor, round_: Round) -> Round:
    """Close the plan and build the list of households to review (Art. 4.1): every household of
    the commune on the current poor or near-poor list goes straight to the B1/B2 survey;
    households that applied or were flagged were listed already and start with Phiếu A."""
    round_ = lock_round(round_)
    require_officer(actor, round_.commune)
    if round_.state == RoundState.PLANNING:
        if not round_.steering.filter(role=SteeringRole.HEAD).exists():
            raise ReviewError(
                _("Cần có trưởng ban chỉ đạo rà soát trước khi bắt đầu (QĐ 24/2021 Điều 4).")
            )
        if not round_.reviewers.exists():
            raise ReviewError(_("Cần có ít nhất một rà soát viên trước khi bắt đầu."))
    move_round(actor, round_, "start")
    added = _list_current(round_)
    flagged = _list_flagged(actor, round_)
    audit.record_bulk(
        actor=actor,
        action="review.list_built",
        object_type=Round._meta.label_lower,
        object_id=str(round_.pk),
        summary={"current_list_households": added, "flagged_households": flagged},
        province_id=round_.province_id,
    )
    return round_


def _list_flagged(actor: Actor, round_: Round) -> int:
    """Households that collaborators flagged for review (workforce ``HouseholdChange`` pending)
    join the list with Phiếu A screening (or B1/B2 when already on the list)."""

    listed = set(Entry.objects.filter(round=round_).values_list("household_id", flat=True))
    changes = (
        HouseholdChange.objects.filter(
            commune_id=round_.commune_id,
            review_flag=ReviewFlag.PENDING,
            occurred_on__lte=round_.window_end,
        )
        .select_related("household")
        .order_by("occurred_on", "pk")
    )
    added = 0
    for change in changes:
        household = change.household
        if household.pk in listed or open_entry(household) is not None:
            continue
        entry = Entry.objects.create(
            round=round_,
            province_id=household.province_id,
            commune_id=household.commune_id,
            village_id=household.village_id,
            household=household,
            source=EntrySource.FLAGGED,
            source_note=change.description[:500],
            household_change=change,
            state=EntryState.TO_SURVEY if household.status in ON_LIST else EntryState.LISTED,
            status_at_start=household.status,
        )
        listed.add(household.pk)
        take_up_change(actor, change, f"review.entry:{entry.pk}", round_.commune)
        added += 1
    return added


def _list_current(round_: Round) -> int:
    """Add the households of the commune on the current poor/near-poor list (bulk)."""
    listed = Entry.objects.filter(round=round_).values("household_id")
    rows = (
        Household.objects.filter(
            province_id=round_.province_id, commune_id=round_.commune_id, status__in=ON_LIST
        )
        .exclude(pk__in=listed)
        .values_list("pk", "village_id", "status")
    )
    entries = [
        Entry(
            round=round_,
            province_id=round_.province_id,
            commune_id=round_.commune_id,
            village_id=village_id,
            household_id=pk,
            source=EntrySource.CURRENT_LIST,
            state=EntryState.TO_SURVEY,
            status_at_start=status,
        )
        for pk, village_id, status in rows
    ]
    Entry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)
