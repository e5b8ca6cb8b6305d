"""Households on a round's list: flagged, assigned, screened with Phiếu A and surveyed with
Phiếu B1/B2 (QĐ 24/2021 Art. 4.1, 4.2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.registry.models import Household
from giamngheo.review.calculations import ON_LIST
from giamngheo.review.models import (
    Entry,
    EntrySource,
    Reviewer,
    Round,
)
from giamngheo.review.services.base import (
    ReviewError,
    check_change,
    lock_round,
    move_entries,
    open_entry,
    require_change,
    require_officer,
    take_up_change,
)
from giamngheo.review.states import (
    ROUND_WORK,
    EntryState,
    TransitionRefused,
)
from giamngheo.surveys.models import Survey


@transaction.atomic
def entry_add(
    *,
    actor: Actor,
    round_: Round,
    household: Household,
    source: str = EntrySource.FLAGGED,
    note: str = "",
    household_change: Any = None,
) -> Entry:
    """Put a household on the round's list: flagged by a collaborator (its changed situation,
    optionally the ``workforce.HouseholdChange`` reporting it) or having applied. Collaborators
    may do this in their villages."""
    require_change(actor, household.village)
    if household.commune_id != round_.commune_id:
        raise ReviewError(_("Hộ không thuộc xã của đợt rà soát này."))
    round_ = lock_round(round_)
    if round_.state not in ROUND_WORK["flag"].states:
        raise TransitionRefused(
            _("Danh sách hộ rà soát đã chốt: đợt rà soát đang ở bước “%(state)s”.")
            % {"state": round_.get_state_display()}
        )
    existing = Entry.objects.filter(round=round_, household=household).first()
    if existing is not None:
        raise ReviewError(
            _("Hộ %(code)s đã có trong danh sách rà soát (%(state)s).")
            % {"code": household.code, "state": existing.get_state_display()}
        )
    other = open_entry(household)
    if other is not None:
        raise ReviewError(
            _("Hộ %(code)s đang được rà soát trong đợt %(round)s.")
            % {"code": household.code, "round": other.round}
        )
    check_change(household_change, household)
    on_list = household.status in ON_LIST
    entry = Entry.objects.create(
        round=round_,
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        household=household,
        source=source,
        source_note=note,
        household_change=household_change,
        # QĐ 24/2021 Art. 4.1: households that filed a request are screened with Phiếu A first;
        # those on the current list go straight to B1/B2.
        state=EntryState.TO_SURVEY if on_list else EntryState.LISTED,
        status_at_start=household.status,
    )
    audit.record(
        actor=actor,
        action="review.entry_added",
        obj=entry,
        after=audit.snapshot(
            entry, ["round_id", "household_id", "source", "state", "household_change_id"]
        ),
        note=note,
    )
    take_up_change(actor, household_change, f"review.entry:{entry.pk}", round_.commune)
    return entry


@transaction.atomic
def entries_assign(
    *, actor: Actor, round_: Round, entries: Sequence[Entry], reviewer: Reviewer | None
) -> int:
    require_officer(actor, round_.commune)
    if reviewer is not None and reviewer.round_id != round_.pk:
        raise ReviewError(_("Rà soát viên không thuộc đợt rà soát này."))
    ids = [e.pk for e in entries if e.round_id == round_.pk]
    Entry.objects.filter(pk__in=ids).update(reviewer=reviewer, updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="review.entries_assigned",
        obj=round_,
        after={"reviewer": getattr(reviewer, "pk", None), "entries": ids},
    )
    return len(ids)


# -- surveys (Art. 4.1 Phiếu A, 4.2 B1/B2) ------------------------------------------------------


def check_survey(entry: Entry, survey: Any, kinds: Iterable[str]) -> None:
    if survey.household_id != entry.household_id:
        raise ReviewError(_("Phiếu khảo sát không phải của hộ này."))
    if survey.review_year != entry.round.year:
        raise ReviewError(
            _("Phiếu khảo sát thuộc năm %(survey)s, không phải năm rà soát %(year)s.")
            % {"survey": survey.review_year, "year": entry.round.year}
        )
    if survey.form.kind not in set(kinds):
        raise ReviewError(
            _("Cần phiếu loại: %(kinds)s.") % {"kinds": ", ".join(sorted(set(kinds)))}
        )


@transaction.atomic
def entry_screen(*, actor: Actor, entry: Entry, survey: Survey) -> Entry:
    """Attach the Phiếu A (quick identification) of a household that applied or was flagged."""
    require_change(actor, entry.village)
    check_survey(entry, survey, {"screening"})
    action = "screen_out" if survey.screening == "excluded" else "screen_in"
    move_entries(
        actor, entry.round, [entry], action, extra={entry.pk: {"screening_survey": survey}}
    )
    return entry


@transaction.atomic
def entry_attach_survey(*, actor: Actor, entry: Entry, survey: Survey) -> Entry:
    """Attach the B1/B2 survey whose engine result proposes the household's status."""
    require_change(actor, entry.village)
    check_survey(entry, survey, {"deprivation", "income"})
    if not survey.status:
        raise ReviewError(
            _(
                "Phiếu này chưa đủ để xác định tình trạng hộ (cần Phiếu B2, hoặc thu nhập trên "
                "chuẩn)."
            )
        )
    move_entries(
        actor,
        entry.round,
        [entry],
        "survey",
        extra={entry.pk: {"survey": survey, "proposed_status": survey.status}},
    )
    return entry


@transaction.atomic
def round_attach_latest_surveys(
    *, actor: Actor, round_: Round, village: AdministrativeUnit | None = None
) -> dict[str, int]:
    """Attach to every entry awaiting one the latest survey of the round's year: Phiếu A to
    listed households, B1/B2 (with a proposed status) to those awaiting the survey or a newer
    one. Set-based: one query for the surveys, one bulk update per transition."""

    round_ = lock_round(round_)
    if village is not None:
        require_change(actor, village)
    else:
        require_change(actor, round_.commune)
    if round_.state not in ROUND_WORK["surveys"].states:
        raise TransitionRefused(
            _("Chỉ gắn kết quả khảo sát khi đợt rà soát đang ở bước lập danh sách, khảo sát.")
        )
    entries = Entry.objects.filter(
        round=round_, state__in=[EntryState.LISTED, EntryState.TO_SURVEY, EntryState.SURVEYED]
    ).select_related("round")
    if village is not None:
        entries = entries.filter(village=village)
    entry_list = list(entries)
    surveys = (
        Survey.objects.filter(
            province_id=round_.province_id,
            commune_id=round_.commune_id,
            review_year=round_.year,
            household_id__in=[e.household_id for e in entry_list],
        )
        .select_related("form")
        .order_by("household_id", "surveyed_on", "id")
    )
    latest_a: dict[int, Survey] = {}
    latest_b: dict[int, Survey] = {}
    for survey in surveys:
        if survey.form.kind == "screening":
            latest_a[survey.household_id] = survey
        elif survey.status:
            latest_b[survey.household_id] = survey
    screen_in: list[Entry] = []
    screen_out: list[Entry] = []
    surveyed: list[Entry] = []
    extra: dict[int, dict[str, Any]] = {}
    for entry in entry_list:
        if entry.state == EntryState.LISTED and entry.household_id in latest_a:
            screening = latest_a[entry.household_id]
            (screen_out if screening.screening == "excluded" else screen_in).append(entry)
            extra[entry.pk] = {"screening_survey": screening}
        elif entry.state in (EntryState.TO_SURVEY, EntryState.SURVEYED):
            full = latest_b.get(entry.household_id)
            if full is not None and full.pk != entry.survey_id:
                surveyed.append(entry)
                extra[entry.pk] = {"survey": full, "proposed_status": full.status}
    move_entries(actor, round_, screen_in, "screen_in", extra=extra)
    move_entries(actor, round_, screen_out, "screen_out", extra=extra)
    move_entries(actor, round_, surveyed, "survey", extra=extra)
    return {
        "screened_in": len(screen_in),
        "screened_out": len(screen_out),
        "surveyed": len(surveyed),
    }
