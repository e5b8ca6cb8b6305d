"""Writes of the review process (Quyết định 24/2021/QĐ-TTg Art. 3–7). Every function takes
keyword-only arguments, runs in one transaction, checks the actor's rights through
``accounts.access``, moves states only through the tables of ``review.states`` and records the
audit event(s) in the same transaction.

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
import secrets
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.models import Role
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.audit.models import AuditEvent
from giamngheo.lib import idempotency, validators
from giamngheo.lib.errors import DomainError
from giamngheo.lib.formatting import format_date
from giamngheo.registry.models import Household, Membership, Status
from giamngheo.registry.services import HOUSEHOLD_STATUS_FIELDS
from giamngheo.review import calendar, rules
from giamngheo.review.models import (
    Application,
    ApplicationForm,
    CalendarDay,
    Certificate,
    CommuneReport,
    Complaint,
    Decision,
    DecisionEntry,
    Entry,
    EntrySource,
    ListKind,
    Meeting,
    Posting,
    PostingEntry,
    PostingKind,
    ProvinceReport,
    Reviewer,
    Round,
    RoundKind,
    RuleValue,
    SteeringMember,
    SteeringRole,
    Vote,
)
from giamngheo.review.rules import Params
from giamngheo.review.states import (
    APPLICATION,
    COMPLAINT,
    ENTRY,
    MEETING,
    ROUND,
    ApplicationState,
    ComplaintState,
    EntryState,
    RoundState,
    TransitionRefused,
)

POOR, NEAR_POOR = Status.POOR.value, Status.NEAR_POOR.value
ON_LIST = frozenset({POOR, NEAR_POOR})
# Entries still before the village meeting's agreement.
BEFORE_AGREEMENT = (EntryState.LISTED, EntryState.TO_SURVEY, EntryState.SURVEYED)
OPEN_COMPLAINT = (ComplaintState.RECEIVED, ComplaintState.RECHECKED)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


class ReviewError(DomainError):
    """A refused review action; the message is for the user (Vietnamese)."""


# -- helpers -------------------------------------------------------------------------------------


def _check_act_date(value: dt.date | None, label: str, *, planned: bool = False) -> None:
    """The date of an act (meeting, posting, complaint, decision, application): from 1900 and,
    unless it is a plan, not after today in Vietnam (lib.validators). A mistyped year would
    otherwise shift the working-day deadlines computed from it."""
    if value is not None:
        with validators.reraise_as(ReviewError):
            validators.check_event_date(value, label=label, allow_future=planned)


def _clean_names(*names: str) -> list[str]:
    """People's names printed on the review's documents (minutes, posted lists, decisions,
    letters): NFC, single spaces, no bidi or control characters (lib.validators)."""
    with validators.reraise_as(ReviewError):
        return [validators.clean_name(n, label=_("Họ và tên"), max_length=200) for n in names]


def params(round_: Round) -> Params:
    return Params(round_.parameters)


def _require_officer(actor: Any, unit: AdministrativeUnit) -> None:
    """Official acts of QĐ 24/2021 (Art. 4.4, 4.5, 5.2, 7) belong to the commune (officers)."""
    if actor is not None and not access.can_decide_in(actor, unit):
        raise ReviewError(
            _(
                "Việc này là văn bản, quyết định chính thức của xã: chỉ cán bộ xã (hoặc tỉnh) "
                "được phân quyền trên địa bàn mới thực hiện được."
            )
        )


def _require_change(actor: Any, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, unit):
        raise ReviewError(_("Bạn không có quyền thay đổi dữ liệu của địa bàn này."))


def _lock_round(round_: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("commune", "province")
        .get(pk=round_.pk)
    )


def _move_round(actor: Any, round_: Round, action: str, note: str = "") -> None:
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


def _move_entries(
    actor: Any,
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


def lists_for(before: str, after: str) -> list[str]:
    """The posted/decided lists a household belongs to (QĐ 24/2021 Art. 4.3–4.5): by its status
    at the start of the round and its status after review."""
    lists: list[str] = []
    if after == POOR and before != POOR:
        lists.append(ListKind.NEWLY_POOR)
    if after == NEAR_POOR and before != NEAR_POOR:
        lists.append(ListKind.NEWLY_NEAR_POOR)
    if before == POOR and after != POOR:
        lists.append(ListKind.ESCAPED_POVERTY)
    if before == NEAR_POOR and after not in ON_LIST:
        lists.append(ListKind.ESCAPED_NEAR_POVERTY)
    if before == after and after in ON_LIST:
        lists.append(ListKind.REMAINING)
    return [str(kind) for kind in lists]


def vote_stands(agree: int, attendees: int, threshold: tuple[int, int]) -> bool:
    """QĐ 24/2021 Art. 4.3: the result stands when at least 50 % of the attendees agree — in
    exact integers, agree × den ≥ num × attendees (50 % = 1/2: 2·agree ≥ attendees)."""
    num, den = threshold
    return agree * den >= num * attendees


def _province_of(commune: AdministrativeUnit) -> int:
    if commune.province_id is None:  # pragma: no cover - a commune always has a province
        raise ReviewError(_("Đơn vị hành chính không thuộc tỉnh nào."))
    return commune.province_id


def _resolve(year: int, province_id: int | None) -> rules.Resolved:
    try:
        return rules.resolve(year, province_id)
    except rules.RulesMissing as exc:
        raise ReviewError(str(exc)) from None


# -- the annual round: plan, committee, reviewers, list (Art. 4.1) ------------------------------


@transaction.atomic
def round_create(
    *,
    actor: Any,
    commune: AdministrativeUnit,
    year: int,
    plan_number: str = "",
    plan_date: dt.date | None = None,
    plan_note: str = "",
) -> Round:
    """Plan the annual review of ``commune`` for ``year`` (QĐ 24/2021 Art. 3: 1/9–14/12 by
    default, from the rule set). The round keeps a copy of the parameters in force."""
    _check_act_date(plan_date, _("Ngày kế hoạch"), planned=True)
    if commune.level != Level.COMMUNE:
        raise ReviewError(_("Đợt rà soát được lập cho một xã, phường, đặc khu."))
    _require_officer(actor, commune)
    if Round.objects.filter(commune=commune, year=year, kind=RoundKind.ANNUAL).exists():
        raise ReviewError(_("Xã đã có đợt rà soát định kỳ năm %(year)s.") % {"year": year})
    resolved = _resolve(year, commune.province_id)
    p = Params(resolved.values)
    round_ = Round.objects.create(
        province_id=_province_of(commune),
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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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
    *, actor: Any, round_: Round, full_name: str, position: str = "", role: str
) -> SteeringMember:
    """A member of the commune steering committee (Ban chỉ đạo rà soát cấp xã, Art. 4.1)."""
    (full_name,) = _clean_names(full_name)
    _require_officer(actor, round_.commune)
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
    *, actor: Any, round_: Round, full_name: str, kind: str, user: Any = None
) -> Reviewer:
    (full_name,) = _clean_names(full_name)
    _require_officer(actor, round_.commune)
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
def round_start(*, actor: Any, round_: Round) -> Round:
    """Close the plan and build the list of households to review (Art. 4.1): every household of
    the commune on the current poor or near-poor list goes straight to the B1/B2 survey;
    households that applied or were flagged were listed already and start with Phiếu A."""
    round_ = _lock_round(round_)
    _require_officer(actor, round_.commune)
    if round_.state == RoundState.PLANNING:
        if not round_.steering.filter(role=SteeringRole.HEAD).exists():
            raise ReviewError(
                _("Cần có trưởng ban chỉ đạo rà soát trước khi bắt đầu (QĐ 24/2021 Điều 4).")
            )
        if not round_.reviewers.exists():
            raise ReviewError(_("Cần có ít nhất một rà soát viên trước khi bắt đầu."))
    _move_round(actor, round_, "start")
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


def _list_flagged(actor: Any, round_: Round) -> int:
    """Households that collaborators flagged for review (workforce ``HouseholdChange`` pending)
    join the list with Phiếu A screening (or B1/B2 when already on the list)."""
    from giamngheo.workforce.models import HouseholdChange, ReviewFlag

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
        if household.pk in listed or _open_entry(household) is not None:
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
        _take_up_change(actor, change, f"review.entry:{entry.pk}", round_.commune)
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


def _open_entry(household: Household) -> Entry | None:
    """The household's entry in a round still under way, if any."""
    return (
        Entry.objects.filter(household=household)
        .exclude(state__in=[EntryState.RECOGNISED, EntryState.REFUSED, EntryState.SCREENED_OUT])
        .exclude(round__state__in=[RoundState.DECIDED, RoundState.REPORTED])
        .select_related("round")
        .first()
    )


@transaction.atomic
def entry_add(
    *,
    actor: Any,
    round_: Round,
    household: Household,
    source: str = EntrySource.FLAGGED,
    note: str = "",
    household_change: Any = None,
) -> Entry:
    """Put a household on the round's list: flagged by a collaborator (its changed situation,
    optionally the ``workforce.HouseholdChange`` reporting it) or having applied. Collaborators
    may do this in their villages."""
    _require_change(actor, household.village)
    if household.commune_id != round_.commune_id:
        raise ReviewError(_("Hộ không thuộc xã của đợt rà soát này."))
    round_ = _lock_round(round_)
    if round_.state not in (RoundState.PLANNING, RoundState.REVIEWING):
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
    other = _open_entry(household)
    if other is not None:
        raise ReviewError(
            _("Hộ %(code)s đang được rà soát trong đợt %(round)s.")
            % {"code": household.code, "round": other.round}
        )
    _check_change(household_change, household)
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
    _take_up_change(actor, household_change, f"review.entry:{entry.pk}", round_.commune)
    return entry


def _check_change(change: Any, household: Household) -> None:
    if change is None:
        return
    if change.household_id != household.pk:
        raise ReviewError(_("Báo cáo biến động không phải của hộ này."))


def _take_up_change(actor: Any, change: Any, reference: str, commune: AdministrativeUnit) -> None:
    """Close the workforce flag (a collaborator's report asking for an in-year review) once the
    review has taken the household up. Only an officer may close it (workforce rules): filed by
    a collaborator, the flag stays pending until an officer acts on the application."""
    if change is None or actor is None or not access.can_decide_in(actor, commune):
        return
    from giamngheo.workforce import services as workforce_services
    from giamngheo.workforce.models import ReviewFlag

    change.refresh_from_db(fields=["review_flag"])
    if change.review_flag == ReviewFlag.PENDING:
        workforce_services.household_change_take_up(
            actor=actor, change=change, reference_text=reference
        )


@transaction.atomic
def entries_assign(
    *, actor: Any, round_: Round, entries: Sequence[Entry], reviewer: Reviewer | None
) -> int:
    _require_officer(actor, round_.commune)
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


def _check_survey(entry: Entry, survey: Any, kinds: Iterable[str]) -> None:
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
def entry_screen(*, actor: Any, entry: Entry, survey: Any) -> Entry:
    """Attach the Phiếu A (quick identification) of a household that applied or was flagged."""
    _require_change(actor, entry.village)
    _check_survey(entry, survey, {"screening"})
    action = "screen_out" if survey.screening == "excluded" else "screen_in"
    _move_entries(
        actor, entry.round, [entry], action, extra={entry.pk: {"screening_survey": survey}}
    )
    return entry


@transaction.atomic
def entry_attach_survey(*, actor: Any, entry: Entry, survey: Any) -> Entry:
    """Attach the B1/B2 survey whose engine result proposes the household's status."""
    _require_change(actor, entry.village)
    _check_survey(entry, survey, {"deprivation", "income"})
    if not survey.status:
        raise ReviewError(
            _(
                "Phiếu này chưa đủ để xác định tình trạng hộ (cần Phiếu B2, hoặc thu nhập trên "
                "chuẩn)."
            )
        )
    _move_entries(
        actor,
        entry.round,
        [entry],
        "survey",
        extra={entry.pk: {"survey": survey, "proposed_status": survey.status}},
    )
    return entry


@transaction.atomic
def round_attach_latest_surveys(
    *, actor: Any, round_: Round, village: AdministrativeUnit | None = None
) -> dict[str, int]:
    """Attach to every entry awaiting one the latest survey of the round's year: Phiếu A to
    listed households, B1/B2 (with a proposed status) to those awaiting the survey or a newer
    one. Set-based: one query for the surveys, one bulk update per transition."""
    from giamngheo.surveys.models import Survey

    round_ = _lock_round(round_)
    if village is not None:
        _require_change(actor, village)
    else:
        _require_change(actor, round_.commune)
    if round_.state not in (RoundState.REVIEWING,):
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
    _move_entries(actor, round_, screen_in, "screen_in", extra=extra)
    _move_entries(actor, round_, screen_out, "screen_out", extra=extra)
    _move_entries(actor, round_, surveyed, "survey", extra=extra)
    return {
        "screened_in": len(screen_in),
        "screened_out": len(screen_out),
        "surveyed": len(surveyed),
    }


# -- village meeting (Art. 4.3) -----------------------------------------------------------------


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
    chair_name, secretary_name = _clean_names(chair_name, secretary_name)
    _check_act_date(held_on, _("Ngày họp"))
    _require_change(actor, village)
    if village.parent_id != round_.commune_id:
        raise ReviewError(_("Thôn không thuộc xã của đợt rà soát."))
    same_village = Meeting.objects.filter(round=round_, village=village)
    recorded = idempotency.earlier(same_village, submission_key)
    if recorded is not None:
        return recorded
    round_ = _lock_round(round_)
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
    _require_change(actor, meeting.village)
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
    _move_entries(actor, round_, stood, "vote_stands", extra=extra, note=str(meeting))
    _move_entries(actor, round_, failed, "vote_fails", note=str(meeting))
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
    _require_change(actor, meeting.village)
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


# -- public posting (Art. 4.4) ------------------------------------------------------------------


def _posting_dates(p: Params, posted_on: dt.date) -> tuple[int, dt.date, dt.date]:
    days = p.posting_working_days
    ends_on = calendar.nth_working_day(posted_on, days)
    return days, ends_on, ends_on


def _line(posting: Posting, entry: Entry, after: str) -> PostingEntry:
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
    _check_act_date(posted_on, _("Ngày niêm yết"))
    round_ = _lock_round(round_)
    _require_officer(actor, round_.commune)
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
            "household", "village"
        )
    )
    reviewed = Entry.objects.filter(round=round_).exclude(
        state__in=[EntryState.SCREENED_OUT, EntryState.REFUSED]
    )
    # A commune with nobody to review posts (and decides) empty lists; otherwise a posting
    # needs households agreed at their village meeting.
    if not agreed and (round_.state == RoundState.POSTING or reviewed.exists()):
        raise ReviewError(_("Không có hộ nào đã họp dân thống nhất để niêm yết."))
    days, ends_on, complaints_until = _posting_dates(params(round_), posted_on)
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
    PostingEntry.objects.bulk_create([_line(posting, e, e.final_status) for e in agreed])
    if round_.state != RoundState.POSTING:
        _move_round(actor, round_, "post")
    _move_entries(actor, round_, agreed, "post", note=str(posting))
    audit.record(
        actor=actor,
        action="review.posting_created",
        obj=posting,
        after=audit.snapshot(posting, ["round_id", "kind", "posted_on", "working_days", "ends_on"])
        | {"lines": len(agreed)},
    )
    return posting


# -- complaints (Art. 4.4: re-check, result posted) ---------------------------------------------


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
    (complainant,) = _clean_names(complainant)
    _check_act_date(received_on, _("Ngày nhận khiếu nại"))
    line = PostingEntry.objects.select_related("posting", "entry", "entry__round", "village").get(
        pk=line.pk
    )
    _require_change(actor, line.village)
    posting = line.posting
    if not (posting.posted_on <= received_on <= posting.complaints_until):
        raise ReviewError(
            _(
                "Khiếu nại chỉ được tiếp nhận trong thời gian niêm yết, từ %(start)s đến hết "
                "%(end)s."
            )
            % {
                "start": format_date(posting.posted_on),
                "end": format_date(posting.complaints_until),
            }
        )
    if not complainant.strip() or not content.strip():
        raise ReviewError(_("Cần ghi người khiếu nại và nội dung khiếu nại."))
    entry = Entry.objects.select_for_update().get(pk=line.entry_id)
    entry.round = line.entry.round
    _move_entries(actor, entry.round, [entry], "complain")
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
    _require_change(actor, complaint.village)
    _check_survey(complaint.entry, survey, {"deprivation", "income"})
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
    _check_act_date(resolved_on, _("Ngày giải quyết khiếu nại"))
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("entry", "entry__household", "entry__village", "round", "commune")
        .get(pk=complaint.pk)
    )
    _require_officer(actor, complaint.commune)
    before = complaint.state
    complaint.state = COMPLAINT.check("resolve", before)
    if not result_note.strip():
        raise ReviewError(_("Cần ghi kết luận giải quyết khiếu nại."))
    if resolved_on < complaint.received_on:
        raise ReviewError(_("Ngày giải quyết không được trước ngày tiếp nhận."))
    entry = complaint.entry
    result = complaint.result_status or entry.final_status
    round_ = complaint.round
    p = params(round_)
    days, ends_on, complaints_until = _posting_dates(p, resolved_on)
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
    PostingEntry.objects.create(**_line_values(_line(posting, entry, result)))
    complaint.result_status = result
    complaint.result_note = result_note.strip()
    complaint.resolved_on = resolved_on
    complaint.result_posting = posting
    complaint.save(
        update_fields=["state", "result_status", "result_note", "resolved_on", "result_posting"]
    )
    _move_entries(
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


# -- recognition (Art. 4.5, 5.2) ----------------------------------------------------------------


def _members_snapshot(household_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
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


def _grants_request(application: Application | None, before: str, after: str) -> bool:
    """Whether the result grants an in-year request (Mẫu 01: on the list; Mẫu 04: off it)."""
    if application is None:
        return True
    if application.form == ApplicationForm.JOIN:
        return after in ON_LIST and (before not in ON_LIST or (before, after) == (NEAR_POOR, POOR))
    return (before == POOR and after != POOR) or (before == NEAR_POOR and after not in ON_LIST)


@transaction.atomic
def decision_issue(
    *,
    actor: Any,
    round_: Round,
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_title: str = "",
) -> Decision:
    """The commune chairman's decision recognising the lists (Art. 4.5; Art. 5.2 in-year).

    The lists are frozen in ``DecisionEntry`` rows (names, members, statuses as decided) and the
    households' official status changes here and only here (audited, one event per household).
    Refused while the posting period runs, a complaint is open, or a household is not posted."""
    (signer_name,) = _clean_names(signer_name)
    _check_act_date(signed_on, _("Ngày ký quyết định"))
    round_ = _lock_round(round_)
    _require_officer(actor, round_.commune)
    ROUND.check("decide", round_.state)
    number, signer_name = number.strip(), signer_name.strip()
    if not number or not signer_name:
        raise ReviewError(_("Cần ghi số quyết định và người ký."))
    last_end = Posting.objects.filter(round=round_).aggregate(last=Max("ends_on"))["last"]
    if last_end is not None and signed_on <= last_end:
        raise TransitionRefused(
            _(
                "Thời gian niêm yết công khai chưa kết thúc (đến hết ngày %(end)s): quyết định "
                "công nhận ký sau thời gian niêm yết (QĐ 24/2021 Điều 4 khoản 4, 5)."
            )
            % {"end": format_date(last_end)}
        )
    open_complaints = Complaint.objects.filter(round=round_, state__in=OPEN_COMPLAINT).count()
    if open_complaints:
        raise TransitionRefused(
            _(
                "Còn %(n)s khiếu nại chưa giải quyết và niêm yết kết quả phúc tra: giải quyết "
                "xong trước khi ban hành quyết định."
            )
            % {"n": open_complaints}
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
            if not _grants_request(applications.get(e.pk), e.status_at_start, e.final_status)
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
        signer_title=signer_title.strip() or params(round_).decider_title,
        standard=round_.standard,
        year=round_.year,
        commune_name=round_.commune.name,
        province_name=round_.province.name,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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
    members = _members_snapshot([e.household_id for e in entries])
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
    _move_round(actor, round_, "decide", note=number)
    _move_entries(actor, round_, entries, "recognise", note=number)
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
    )
    for e in entries:
        _take_up_change(actor, e.household_change, f"review.decision:{decision.pk}", round_.commune)
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
    audit.record(
        actor=actor,
        action="review.decision_issued",
        obj=decision,
        after=audit.snapshot(decision, ["round_id", "number", "signed_on", "signer_name"])
        | {"households": len(rows), "lists": dict(Counter(k for r in rows for k in r.lists))},
    )
    return decision


@transaction.atomic
def households_status_set_bulk(
    *, actor: Any, statuses: Mapping[int, str], standard: str, year: int, basis: str
) -> int:
    """The bulk form of ``registry.services.household_status_set`` for a recognition decision:
    rows locked, one UPDATE per target status, ``version`` bumped (optimistic locking), and one
    ``registry.household_status_changed`` audit event per household with the same before/after
    fields and the decision as note — the same conventions as the single-household service."""
    if not basis.strip():
        raise ReviewError(_("Cần ghi căn cứ (quyết định công nhận) khi thay đổi tình trạng hộ."))
    if not statuses:
        return 0
    locked = {
        h.pk: h
        for h in Household.objects.select_for_update(of=("self",))
        .filter(pk__in=list(statuses))
        .only(
            "pk",
            "code",
            "head_name",
            "province_id",
            "commune_id",
            "village_id",
            *HOUSEHOLD_STATUS_FIELDS,
        )
    }
    by_status: dict[str, list[int]] = {}
    for pk, status in statuses.items():
        by_status.setdefault(status, []).append(pk)
    now = timezone.now()
    for status, ids in by_status.items():
        Household.objects.filter(pk__in=ids).update(
            status=status,
            status_standard=standard,
            status_year=year,
            version=F("version") + 1,
            updated_at=now,
        )
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    events = []
    for pk, household in locked.items():
        before = {name: getattr(household, name) for name in HOUSEHOLD_STATUS_FIELDS}
        after = {"status": statuses[pk], "status_standard": standard, "status_year": year}
        events.append(
            AuditEvent(
                actor=actor_user,
                action="registry.household_status_changed",
                object_type=Household._meta.label_lower,
                object_id=str(pk),
                object_repr=str(household)[:300],
                before=before,
                after=after,
                note=basis,
                province_id=household.province_id,
                commune_id=household.commune_id,
                village_id=household.village_id,
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


@transaction.atomic
def certificates_issue(
    *,
    actor: Any,
    decision: Decision,
    entries: Sequence[DecisionEntry] | None = None,
    issued_on: dt.date | None = None,
) -> list[Certificate]:
    """Issue the certificates (Giấy chứng nhận hộ nghèo, hộ cận nghèo; number "…/GCNHN.HCN")
    of the poor and near-poor households of ``decision`` that have none yet (or only of
    ``entries``). Everything printed is copied into the certificate row (frozen)."""
    _check_act_date(issued_on, _("Ngày cấp giấy chứng nhận"))
    decision = Decision.objects.select_related("round", "commune").get(pk=decision.pk)
    _require_officer(actor, decision.commune)
    round_ = decision.round
    p = params(round_)
    wanted = DecisionEntry.objects.filter(
        decision=decision, status_after__in=ON_LIST, certificate__isnull=True
    ).order_by("village_name", "household_code")
    if entries is not None:
        wanted = wanted.filter(pk__in=[e.pk for e in entries])
    todo = list(wanted)
    issued_on = issued_on or decision.signed_on
    if issued_on < decision.signed_on:
        raise ReviewError(_("Ngày cấp không được trước ngày ký quyết định."))
    # Numbers run per commune and year; the lock on the decision's round serialises issuers.
    _lock_round(round_)
    taken = Certificate.objects.filter(commune_id=decision.commune_id, year=decision.year).count()
    valid_until = dt.date(decision.year + p.certificate_valid_years_after_review, 12, 31)
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
                code=_new_code(),
                status=entry.status_after,
                year=decision.year,
                issued_on=issued_on,
                valid_until=max(valid_until, issued_on),
                head_name=entry.head_name,
                address=entry.address,
                village_name=entry.village_name,
                commune_name=decision.commune_name,
                province_name=decision.province_name,
                decision_number=decision.number,
                decision_date=decision.signed_on,
                signer_name=decision.signer_name,
                signer_title=decision.signer_title,
                members=entry.members,
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


# -- report upward (Art. 7) ---------------------------------------------------------------------


def report_figures(round_: Round) -> dict[str, Any]:
    """The round's summary (Art. 7; likely Thông tư 07/2021 Mẫu 7.x, titles unverified):
    households and people of the commune; for poor and near-poor: at start, escaped, re-entered,
    newly, at end, people at end and the rate. Read from the decision's frozen lists."""
    totals = Household.objects.filter(
        province_id=round_.province_id, commune_id=round_.commune_id
    ).aggregate(households=Count("pk"), people=Sum("member_count"))
    figures: dict[str, Any] = {
        "households": totals["households"] or 0,
        "people": totals["people"] or 0,
        "year": round_.year,
        "standard": round_.standard,
    }
    decided = DecisionEntry.objects.filter(decision__round=round_)
    rows = list(decided.values_list("status_before", "status_after", "reentered", "members"))
    for status in (POOR, NEAR_POOR):
        start = sum(1 for b, _a, _r, _m in rows if b == status)
        escaped = sum(1 for b, a, _r, _m in rows if b == status and a != status)
        reentered = sum(
            1 for b, a, r, _m in rows if a == status and b != status and r and status == POOR
        )
        newly = sum(1 for b, a, _r, _m in rows if a == status and b != status) - reentered
        end = sum(1 for _b, a, _r, _m in rows if a == status)
        people = sum(len(m) for _b, a, _r, m in rows if a == status)
        figures[status] = {
            "start": start,
            "escaped": escaped,
            "reentered": reentered,
            "newly": newly,
            "end": end,
            "people": people,
            "rate": round(end / figures["households"], 6) if figures["households"] else None,
        }
    return figures


@transaction.atomic
def report_submit(*, actor: Any, round_: Round) -> CommuneReport:
    """The commune submits the round's figures upward (to the province since 1 July 2025 —
    recipient from the parameters, UNVERIFIED); submission freezes them (trigger)."""
    round_ = _lock_round(round_)
    _require_officer(actor, round_.commune)
    if round_.kind != RoundKind.ANNUAL:
        raise ReviewError(_("Chỉ đợt rà soát định kỳ hằng năm mới có báo cáo tổng hợp."))
    ROUND.check("report", round_.state)
    figures = report_figures(round_)
    report = CommuneReport.objects.create(
        round=round_,
        province_id=round_.province_id,
        commune_id=round_.commune_id,
        year=round_.year,
        figures=figures,
        recipient=params(round_).report_recipient,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_at=timezone.now(),
    )
    _move_round(actor, round_, "report")
    audit.record(actor=actor, action="review.report_submitted", obj=report, after=figures)
    return report


def _add(total: dict[str, Any], figures: Mapping[str, Any]) -> None:
    total["households"] += figures["households"]
    total["people"] += figures["people"]
    for status in (POOR, NEAR_POOR):
        for key in ("start", "escaped", "reentered", "newly", "end", "people"):
            total[status][key] += figures[status][key]


@transaction.atomic
def province_consolidate(*, actor: Any, province: AdministrativeUnit, year: int) -> ProvinceReport:
    """The province consolidates every commune report submitted for ``year`` (Art. 7.2–7.3).
    A later consolidation includes the communes that submitted since; each is frozen."""
    if province.level != Level.PROVINCE:
        raise ReviewError(_("Tổng hợp báo cáo ở cấp tỉnh."))
    _require_officer(actor, province)
    reports = list(
        CommuneReport.objects.select_for_update(of=("self",))
        .filter(province=province, year=year)
        .select_related("commune")
        .order_by("commune__code")
    )
    if not reports:
        raise ReviewError(_("Chưa xã nào gửi báo cáo năm %(year)s.") % {"year": year})
    blank = {"start": 0, "escaped": 0, "reentered": 0, "newly": 0, "end": 0, "people": 0}
    total: dict[str, Any] = {
        "households": 0,
        "people": 0,
        POOR: dict(blank),
        NEAR_POOR: dict(blank),
    }
    communes = []
    for report in reports:
        _add(total, report.figures)
        communes.append(
            {"code": report.commune.code, "name": report.commune.name, **report.figures}
        )
    for status in (POOR, NEAR_POOR):
        total[status]["rate"] = (
            round(total[status]["end"] / total["households"], 6) if total["households"] else None
        )
    all_communes = AdministrativeUnit.objects.filter(
        parent=province, level=Level.COMMUNE, valid_to__isnull=True
    ).count()
    figures = {
        "year": year,
        "total": total,
        "communes": communes,
        "communes_reported": len(reports),
        "communes_total": all_communes,
    }
    consolidation = ProvinceReport.objects.create(
        province=province,
        year=year,
        figures=figures,
        consolidated_by=actor if getattr(actor, "is_authenticated", False) else None,
        consolidated_at=timezone.now(),
    )
    from giamngheo.review.states import REPORT

    for report in reports:
        if REPORT.allowed("consolidate", report.state):
            report.state = REPORT.check("consolidate", report.state)
        report.consolidation = consolidation
        report.save(update_fields=["state", "consolidation"])
    audit.record(
        actor=actor,
        action="review.province_consolidated",
        obj=consolidation,
        area_of=province,
        after={"year": year, "communes": len(reports), "total": total},
    )
    return consolidation


# -- in-year review (Art. 5) --------------------------------------------------------------------


def review_start_for(received_on: dt.date, review_day: int) -> dt.date:
    """QĐ 24/2021 Art. 3, 5: the in-year review runs once a month from the ``review_day``
    (the 15th): the first such day on or after the application is received."""
    if received_on.day <= review_day:
        return received_on.replace(day=review_day)
    month = received_on.month % 12 + 1
    year = received_on.year + (received_on.month == 12)
    return dt.date(year, month, review_day)


def application_due(p: Params, start: dt.date) -> dt.date:
    """Art. 5.2: decided within 15 days of the start of the review (calendar days unless the
    parameters say working days — UNVERIFIED)."""
    if p.application_decision_working_days:
        return calendar.add_working_days(start, p.application_decision_days)
    return start + dt.timedelta(days=p.application_decision_days)


def _regular_round(commune: AdministrativeUnit, start: dt.date, actor: Any) -> Round:
    round_ = Round.objects.filter(
        commune=commune, kind=RoundKind.REGULAR, year=start.year, month=start.month
    ).first()
    if round_ is not None:
        return round_
    resolved = _resolve(start.year, commune.province_id)
    p = Params(resolved.values)
    round_ = Round.objects.create(
        province_id=_province_of(commune),
        commune=commune,
        kind=RoundKind.REGULAR,
        year=start.year,
        month=start.month,
        state=RoundState.REVIEWING,
        standard=resolved.standard,
        rule_set_code=resolved.code,
        parameters=resolved.values,
        window_start=start,
        window_end=application_due(p, start),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="review.round_created",
        obj=round_,
        after=audit.snapshot(round_, ["kind", "year", "month", "window_start", "window_end"]),
    )
    return round_


@transaction.atomic
def application_file(
    *,
    actor: Any,
    household: Household,
    form: str,
    reason: str,
    received_on: dt.date,
    applicant_name: str,
    reason_note: str = "",
    household_change: Any = None,
) -> Application:
    """Receive an application (Mẫu 01 to join the list, Mẫu 04 to be recognised as having
    escaped; Art. 5.1). Collaborators may file on behalf of a household of their villages.

    Received during the annual window while the commune's annual round is listing, it joins that
    round; otherwise the month's in-year round, starting on the 15th and due 15 days later."""
    (applicant_name,) = _clean_names(applicant_name)
    _check_act_date(received_on, _("Ngày nhận đơn"))
    household = Household.objects.select_related("village", "commune").get(pk=household.pk)
    _require_change(actor, household.village)
    if form not in ApplicationForm.values:
        raise ReviewError(_("Mẫu đơn không hợp lệ."))
    if form == ApplicationForm.ESCAPE and household.status not in ON_LIST:
        raise ReviewError(_("Mẫu số 04 chỉ dành cho hộ đang là hộ nghèo hoặc hộ cận nghèo."))
    if form == ApplicationForm.JOIN and household.status == POOR:
        raise ReviewError(_("Hộ đang là hộ nghèo; không cần đề nghị xét duyệt vào danh sách."))
    if not applicant_name.strip():
        raise ReviewError(_("Cần ghi tên người làm đơn."))
    _check_change(household_change, household)
    other = _open_entry(household)
    if other is not None:
        raise ReviewError(
            _("Hộ %(code)s đang được rà soát trong đợt %(round)s.")
            % {"code": household.code, "round": other.round}
        )
    annual = Round.objects.filter(
        commune_id=household.commune_id,
        kind=RoundKind.ANNUAL,
        year=received_on.year,
        state__in=[RoundState.PLANNING, RoundState.REVIEWING],
        window_start__lte=received_on,
        window_end__gte=received_on,
    ).first()
    if annual is not None:
        round_, start, due = annual, received_on, annual.window_end
    else:
        resolved = _resolve(received_on.year, household.province_id)
        p = Params(resolved.values)
        start = review_start_for(received_on, p.application_review_day)
        round_ = _regular_round(household.commune, start, actor)
        due = round_.window_end
    roles = access.roles(actor) if actor is not None else set()
    on_behalf = bool(roles) and roles <= {Role.COLLABORATOR}
    entry = Entry.objects.create(
        round=round_,
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        household=household,
        source=EntrySource.APPLICATION,
        source_note=reason_note,
        # Phiếu A screens requests to join (Art. 4.1); a request to leave goes to B1/B2.
        state=EntryState.LISTED if form == ApplicationForm.JOIN else EntryState.TO_SURVEY,
        status_at_start=household.status,
    )
    application = Application.objects.create(
        province_id=household.province_id,
        commune_id=household.commune_id,
        village_id=household.village_id,
        household=household,
        form=form,
        reason=reason,
        reason_note=reason_note,
        applicant_name=applicant_name.strip(),
        received_on=received_on,
        review_starts_on=start,
        due_on=due,
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        on_behalf=on_behalf,
        household_change=household_change,
        entry=entry,
    )
    if household_change is not None:
        entry.household_change = household_change
        entry.save(update_fields=["household_change"])
    audit.record(
        actor=actor,
        action="review.application_received",
        obj=application,
        after=audit.snapshot(
            application,
            ["household_id", "form", "reason", "received_on", "review_starts_on", "due_on"],
        )
        | {"round": round_.pk, "on_behalf": on_behalf},
    )
    _take_up_change(
        actor, household_change, f"review.application:{application.pk}", household.commune
    )
    return application


@transaction.atomic
def application_refuse(
    *,
    actor: Any,
    application: Application,
    reasons: str,
    number: str,
    signed_on: dt.date,
    signer_name: str,
) -> Application:
    """Refuse an application in writing with reasons (Art. 5.2); the letter is a PDF
    (``documents.refusal_letter_pdf``). The household leaves the round's list."""
    (signer_name,) = _clean_names(signer_name)
    _check_act_date(signed_on, _("Ngày ký văn bản"))
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("commune", "entry")
        .get(pk=application.pk)
    )
    _require_officer(actor, application.commune)
    before = application.state
    application.state = APPLICATION.check("refuse", before)
    if not reasons.strip():
        raise ReviewError(_("Văn bản từ chối phải nêu rõ lý do."))
    if not number.strip() or not signer_name.strip():
        raise ReviewError(_("Cần ghi số văn bản và người ký."))
    if signed_on < application.received_on:
        raise ReviewError(_("Ngày ký không được trước ngày nhận đơn."))
    application.refusal_reasons = reasons.strip()
    application.refusal_number = number.strip()
    application.refusal_signer = signer_name.strip()
    application.decided_on = signed_on
    application.save(
        update_fields=["state", "refusal_reasons", "refusal_number", "refusal_signer", "decided_on"]
    )
    _take_up_change(
        actor,
        application.household_change,
        f"review.application:{application.pk}",
        application.commune,
    )
    entry = application.entry
    if entry is not None and entry.state != EntryState.REFUSED:
        entry = Entry.objects.select_related("round").get(pk=entry.pk)
        _move_entries(actor, entry.round, [entry], "refuse", note=application.refusal_number)
        application.entry = entry
    audit.record(
        actor=actor,
        action="review.application_refused",
        obj=application,
        before={"state": before},
        after={"state": application.state, "number": application.refusal_number},
        note=application.refusal_reasons,
    )
    return application


# -- data: process parameters and the calendar (edited in the admin) ---------------------------


def _require_admin(actor: Any) -> None:
    if actor is not None and not access.is_system_admin(actor):
        raise ReviewError(_("Chỉ quản trị hệ thống được sửa tham số quy trình và lịch nghỉ."))


@transaction.atomic
def rule_value_save(*, actor: Any, value: RuleValue) -> RuleValue:
    """Create or change one process parameter (audited). Rounds keep their own copy."""
    _require_admin(actor)
    problems = rules.check_values({value.key: {"value": value.value}}, complete=False)
    if problems:
        raise ReviewError("; ".join(problems))
    before = (
        audit.snapshot(RuleValue.objects.get(pk=value.pk), ["value", "source", "verified"])
        if value.pk
        else None
    )
    value.save()
    audit.record(
        actor=actor,
        action="review.rule_value_saved",
        obj=value,
        before=before,
        after=audit.snapshot(value, ["rule_set_id", "key", "value", "source", "verified"]),
    )
    return value


@transaction.atomic
def calendar_day_save(*, actor: Any, day: CalendarDay) -> CalendarDay:
    """Add or change a holiday / worked Saturday of the working-day calendar (audited)."""
    _require_admin(actor)
    before = (
        audit.snapshot(CalendarDay.objects.get(pk=day.pk), ["date", "working", "name"])
        if day.pk
        else None
    )
    day.save()
    audit.record(
        actor=actor,
        action="review.calendar_day_saved",
        obj=day,
        before=before,
        after=audit.snapshot(day, ["date", "working", "name", "source", "verified"]),
    )
    return day


@transaction.atomic
def calendar_day_delete(*, actor: Any, day: CalendarDay) -> None:
    _require_admin(actor)
    audit.record(
        actor=actor,
        action="review.calendar_day_deleted",
        obj=day,
        before=audit.snapshot(day, ["date", "working", "name"]),
    )
    day.delete()
