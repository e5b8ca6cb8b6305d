"""What every review service shares: the refusal (``ReviewError``), the access checks, the
round lock, the audited state moves through ``review.states`` and the workforce flag take-up.

Who may do what (docs/review.md):
- official acts — plan a round, post lists, resolve complaints, issue the decision and the
  certificates, refuse an application, submit or consolidate a report — need an officer
  (``access.can_decide_in``);
- field work — flag a household, file an application on behalf of a household, record a village
  meeting, receive a complaint, attach surveys — is open to collaborators in their villages
  (``access.can_change_area``); inspectors only read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib import validators
from giamngheo.registry.models import Household, Membership
from giamngheo.review import rules, timeline
from giamngheo.review.errors import ReviewError as ReviewError
from giamngheo.review.models import (
    REFUSAL_REASONS_MAX_LENGTH,
    Application,
    Entry,
    Round,
    RoundKind,
)
from giamngheo.review.rules import Params
from giamngheo.review.states import (
    ENTRY,
    ROUND,
    ApplicationState,
    ComplaintState,
    EntryState,
    RoundState,
    TransitionRefused,
)
from giamngheo.workforce import services as workforce_services
from giamngheo.workforce.models import HouseholdChange, ReviewFlag

# Entries still before the village meeting's agreement.
BEFORE_AGREEMENT = (EntryState.LISTED, EntryState.TO_SURVEY, EntryState.SURVEYED)
OPEN_COMPLAINT = (ComplaintState.RECEIVED, ComplaintState.RECHECKED)
FINISHED_ENTRY = (EntryState.RECOGNISED, EntryState.REFUSED, EntryState.SCREENED_OUT)


def check_act_date(value: dt.date | None, label: str, *, planned: bool = False) -> None:
    """The date of an act (meeting, posting, complaint, decision, application): from 1900
    (lib.validators) and, unless it is a plan, not after today (``lib.clock``, through
    ``review.timeline``). A mistyped year would otherwise shift the deadlines computed from it."""
    if value is not None:
        with validators.reraise_as(ReviewError):
            validators.check_event_date(value, label=label, allow_future=True)
        if not planned:
            timeline.not_after_today(value, label)


def clean_names(*names: str) -> list[str]:
    """People's names printed on the review's documents (minutes, posted lists, decisions,
    letters): NFC, single spaces, no bidi or control characters (lib.validators)."""
    with validators.reraise_as(ReviewError):
        return [validators.clean_name(n, label=_("Họ và tên"), max_length=200) for n in names]


def written_refusal(
    *, reasons: str, number: str, signer_name: str, signed_on: dt.date, received_on: dt.date
) -> tuple[str, str, str]:
    """The checks every written refusal shares (QĐ 24/2021 Art. 5.2: an in-year application; the
    average-living-standard answer follows it): reasons given (free text, bounded), a number and
    a signer, signed on an act date within the time limit after the application was received.
    Returns the cleaned ``(reasons, number, signer_name)``."""
    (signer_name,) = clean_names(signer_name)
    check_act_date(signed_on, _("Ngày ký văn bản"))
    with validators.reraise_as(ReviewError):
        reasons = validators.clean_text(
            reasons, label=_("Lý do từ chối"), max_length=REFUSAL_REASONS_MAX_LENGTH
        )
    if not reasons:
        raise ReviewError(_("Văn bản từ chối phải nêu rõ lý do."))
    if not number.strip() or not signer_name:
        raise ReviewError(_("Cần ghi số văn bản và người ký."))
    timeline.refusal(signed_on, received_on)
    return reasons, number.strip(), signer_name


def params(round_: Round) -> Params:
    return Params(round_.parameters)


def require_officer(actor: Actor, unit: AdministrativeUnit) -> None:
    """Official acts of QĐ 24/2021 (Art. 4.4, 4.5, 5.2, 7) belong to the commune (officers)."""
    if actor is not None and not access.can_decide_in(actor, unit):
        raise ReviewError(
            _(
                "Việc này là văn bản, quyết định chính thức của xã: chỉ cán bộ xã (hoặc tỉnh) "
                "được phân quyền trên địa bàn mới thực hiện được."
            )
        )


def require_change(actor: Actor, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, unit):
        raise ReviewError(_("Bạn không có quyền thay đổi dữ liệu của địa bàn này."))


def lock_round(round_: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("commune", "province")
        .get(pk=round_.pk)
    )


def move_round(actor: Actor, round_: Round, action: str, note: str = "") -> None:
    before = round_.state
    round_.state = ROUND.check(action, before)
    round_.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor,
        action=f"review.round_{action}",
        obj=round_,
        before={"state": before},
        after={"state": round_.state},
        note=note,
    )


def move_entries(
    actor: Actor,
    round_: Round,
    entries: Sequence[Entry],
    action: str,
    *,
    extra: Mapping[int, Mapping[str, Any]] | None = None,
    note: str = "",
) -> None:
    """Move ``entries`` through ``action`` (all or none) with ONE audit event listing each
    entry's household and transition; ``extra`` sets more fields per entry id."""
    if not entries:
        return
    changes = []
    for entry in entries:
        before = entry.state
        try:
            entry.state = ENTRY.check(action, before)
        except TransitionRefused as exc:
            household = entry.__dict__.get("_state") and entry._state.fields_cache.get("household")
            code = household.code if household is not None else f"#{entry.household_id}"
            raise TransitionRefused(
                _("Hộ %(code)s: %(reason)s") % {"code": code, "reason": exc.message}
            ) from None
        for name, value in (extra or {}).get(entry.pk, {}).items():
            setattr(entry, name, value)
        changes.append({"entry": entry.pk, "household": entry.household_id, "from": before})
    fields = {"state", "updated_at"}
    for values in (extra or {}).values():
        fields.update(values)
    now = timezone.now()
    for entry in entries:
        entry.updated_at = now
    Entry.objects.bulk_update(entries, sorted(fields), batch_size=2000)
    audit.record(
        actor=actor,
        action=f"review.entries_{action}",
        obj=round_,
        after={"to": ENTRY.transitions[action].target, "entries": changes},
        note=note,
    )


def province_of(commune: AdministrativeUnit) -> int:
    if commune.province_id is None:  # pragma: no cover - a commune always has a province
        raise ReviewError(_("Đơn vị hành chính không thuộc tỉnh nào."))
    return commune.province_id


def resolve_rules(year: int, province_id: int | None) -> rules.Resolved:
    try:
        return rules.resolve(year, province_id)
    except rules.RulesMissing as exc:
        raise ReviewError(str(exc)) from None


def open_entry(household: Household) -> Entry | None:
    """The household's entry in a round still under way, if any."""
    return (
        Entry.objects.filter(household=household)
        .exclude(state__in=[EntryState.RECOGNISED, EntryState.REFUSED, EntryState.SCREENED_OUT])
        .exclude(round__state__in=[RoundState.DECIDED, RoundState.REPORTED, RoundState.CLOSED])
        .select_related("round")
        .first()
    )


def check_change(change: Any, household: Household) -> None:
    if change is None:
        return
    if change.household_id != household.pk:
        raise ReviewError(_("Báo cáo biến động không phải của hộ này."))


def take_up_change(
    actor: Actor, change: HouseholdChange | None, reference: str, commune: AdministrativeUnit
) -> None:
    """Close the workforce flag (a collaborator's report asking for an in-year review) once the
    review has taken the household up. Only an officer may close it (workforce rules): filed by
    a collaborator, the flag stays pending until an officer acts on the application."""
    if change is None or actor is None or not access.can_decide_in(actor, commune):
        return

    change.refresh_from_db(fields=["review_flag"])
    if change.review_flag == ReviewFlag.PENDING:
        workforce_services.household_change_take_up(
            actor=actor, change=change, reference_text=reference
        )


def consultation_required(round_: Round) -> bool:
    """QĐ 24/2021 Art. 4.5: an annual round reports to and consults the level in the round's
    rules before the decision (since 1/7/2025 the provincial chairman, unverified)."""
    return round_.kind == RoundKind.ANNUAL and params(round_).consultation_required(
        round_.window_start
    )


def close_if_answered(actor: Actor, round_: Round) -> bool:
    """Close an in-year round (Art. 5) once every application it holds is answered: recognised
    by the decision or refused in writing. Returns whether it closed."""

    if round_.kind != RoundKind.REGULAR or round_.state == RoundState.CLOSED:
        return False
    if Application.objects.filter(entry__round=round_, state=ApplicationState.RECEIVED).exists():
        return False
    if Entry.objects.filter(round=round_).exclude(state__in=FINISHED_ENTRY).exists():
        return False
    move_round(actor, round_, "close")
    return True


def members_snapshot(household_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The current members of each household as the decision's and certificates' frozen
    copies print them (head first, then by age)."""
    members: dict[int, list[dict[str, Any]]] = {h: [] for h in household_ids}
    rows = (
        Membership.objects.filter(household_id__in=household_ids, left_on__isnull=True)
        .select_related("person")
        .order_by("household_id", "-is_head", "person__birth_year", "person_id")
    )
    for m in rows:
        members[m.household_id].append(
            {
                "name": m.person.full_name,
                "relation": m.get_relation_display(),
                "sex": m.person.get_sex_display(),
                "birth_year": m.person.birth_year,
                "is_head": m.is_head,
            }
        )
    return members
