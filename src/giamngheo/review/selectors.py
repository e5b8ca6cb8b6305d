"""Reads of the review, always scoped through ``accounts.access`` (objects outside the user's
areas answer 404). Progress figures are aggregates: a few queries whatever the number of
households."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Count, Max, Model, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock
from giamngheo.lib.formatting import format_date
from giamngheo.registry.models import Household, Status
from giamngheo.review import calendar
from giamngheo.review.calculations import NEAR_POOR, POOR, deadline_state, lists_for
from giamngheo.review.models import (
    Application,
    Certificate,
    CommuneReport,
    Complaint,
    Decision,
    DecisionEntry,
    Entry,
    ListKind,
    Meeting,
    Posting,
    PostingEntry,
    ProvinceReport,
    Round,
    RoundKind,
    Vote,
)
from giamngheo.review.rules import Params, RulesMissing, resolve
from giamngheo.review.states import (
    FIELD,
    OFFICER,
    VILLAGE,
    ApplicationState,
    ComplaintState,
    EntryState,
    RoundAct,
    RoundState,
    round_acts,
)
from giamngheo.surveys.models import Survey
from giamngheo.workforce.models import HouseholdChange

# An application is "near its deadline" this many days before it (QĐ 24/2021 Art. 5.2: 15 days).
APPLICATION_WARNING_DAYS = 3
COMPLAINT_WARNING_DAYS = 1

M = TypeVar("M", bound=Model)


def commune_level(queryset: QuerySet[M], user: Viewer) -> QuerySet[M]:
    """``queryset`` (a commune-level model: province and commune columns, no village) limited
    to what ``user`` sees; a grant on villages reaches the commune-level records of their commune
    (a collaborator sees the round of the commune; its household rows stay limited to the
    villages)."""
    reach = access.view_reach(user)
    condition = access.area_filter(reach, village="")
    if reach.villages:
        parents = AdministrativeUnit.objects.filter(pk__in=reach.villages).values("parent_id")
        condition |= Q(commune__in=parents)
    return queryset.filter(condition)


def _get_commune_level(queryset: QuerySet[M], user: Viewer, **lookup: Any) -> M:
    found = commune_level(queryset, user).filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def rounds(user: Viewer) -> QuerySet[Round]:
    return commune_level(Round.objects.all(), user)


def round_for(user: Viewer, pk: int) -> Round:
    return _get_commune_level(Round.objects.select_related("province", "commune"), user, pk=pk)


def entry_for(user: Viewer, pk: int) -> Entry:
    return access.get_visible_or_404(
        Entry.objects.select_related("round", "household", "village", "round__commune"), user, pk=pk
    )


def meeting_for(user: Viewer, pk: int) -> Meeting:
    return access.get_visible_or_404(
        Meeting.objects.select_related("round", "round__commune", "village"), user, pk=pk
    )


def posting_for(user: Viewer, pk: int) -> Posting:
    return _get_commune_level(
        Posting.objects.select_related("round", "round__commune"), user, pk=pk
    )


def posting_lines(user: Viewer, posting: Posting) -> QuerySet[PostingEntry]:
    return access.scoped(PostingEntry.objects.filter(posting=posting), user).order_by(
        "village_name", "household_code"
    )


def line_for(user: Viewer, pk: int) -> PostingEntry:
    return access.get_visible_or_404(
        PostingEntry.objects.select_related("posting", "entry", "village"), user, pk=pk
    )


def complaint_for(user: Viewer, pk: int) -> Complaint:
    return access.get_visible_or_404(
        Complaint.objects.select_related(
            "round",
            "round__commune",
            "line",
            "entry",
            "entry__household",
            "entry__survey__form",
            "recheck_survey__form",
            "recheck_survey__surveyor",
        ),
        user,
        pk=pk,
    )


def decision_for(user: Viewer, pk: int) -> Decision:
    return _get_commune_level(Decision.objects.select_related("round", "commune"), user, pk=pk)


def certificate_for(user: Viewer, pk: int) -> Certificate:
    return access.get_visible_or_404(Certificate.objects.all(), user, pk=pk)


def application_for(user: Viewer, pk: int) -> Application:
    return access.get_visible_or_404(
        Application.objects.select_related("household", "commune", "village", "entry__round"),
        user,
        pk=pk,
    )


def applications(user: Viewer) -> QuerySet[Application]:
    return access.scoped(Application.objects.all(), user).select_related(
        "household", "village", "entry__round"
    )


# -- the public certificate check ---------------------------------------------------------------


@dataclass(frozen=True)
class CertificateCheck:
    """What the public page shows: only what a checker needs to compare with the paper.

    ``state``: ``valid``; ``not_yet`` (issued with a validity that starts later: "chưa có hiệu
    lực", not "no longer valid"); ``expired``; ``superseded`` (a later decision covers the
    household: ``replaced_by``/``replaced_on`` name the certificate — or, when the household
    got none, the decision — that replaced it)."""

    found: bool
    valid: bool = False
    state: str = ""
    number: str = ""
    status_label: str = ""
    head_name: str = ""
    member_count: int = 0
    commune_name: str = ""
    province_name: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    decision_number: str = ""
    superseded: bool = False
    replaced_by: str = ""
    replaced_on: dt.date | None = None
    replaced_by_decision: bool = False


def check_certificate(code: str, today: dt.date | None = None) -> CertificateCheck:
    code = code.strip().upper().replace("-", "").replace(" ", "")
    if not code or len(code) > 20:
        return CertificateCheck(found=False)
    certificate = Certificate.objects.filter(code=code).first()
    if certificate is None:
        return CertificateCheck(found=False)
    today = today or clock.today()
    # A later decision for the same household replaces this certificate: the later certificate
    # when it got one, otherwise the decision itself (e.g. recognised as having escaped).
    later = (
        Certificate.objects.filter(
            household_id=certificate.household_id, decision_date__gt=certificate.decision_date
        )
        .order_by("decision_date", "issued_on", "pk")
        .first()
    )
    replaced_by, replaced_on, by_decision = "", None, False
    if later is not None:
        replaced_by, replaced_on = later.number, later.issued_on
    else:
        decided = (
            DecisionEntry.objects.filter(
                household_id=certificate.household_id,
                decision__signed_on__gt=certificate.decision_date,
            )
            .select_related("decision")
            .order_by("decision__signed_on", "pk")
            .first()
        )
        if decided is not None:
            replaced_by, replaced_on = decided.decision.number, decided.decision.signed_on
            by_decision = True
    superseded = bool(replaced_by)
    if superseded:
        state = "superseded"
    elif today < certificate.issued_on:
        state = "not_yet"
    elif today > certificate.valid_until:
        state = "expired"
    else:
        state = "valid"
    return CertificateCheck(
        found=True,
        valid=state == "valid",
        state=state,
        number=certificate.number,
        status_label=str(certificate.get_status_display()),
        head_name=certificate.head_name,
        member_count=len(certificate.members),
        commune_name=certificate.commune_name,
        province_name=certificate.province_name,
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        decision_number=certificate.decision_number,
        superseded=superseded,
        replaced_by=replaced_by,
        replaced_on=replaced_on,
        replaced_by_decision=by_decision,
    )


# -- progress -----------------------------------------------------------------------------------


@dataclass
class RoundProgress:
    round: Round
    counts: dict[str, int]
    total: int
    meetings: int
    open_complaints: int
    posting_ends: dt.date | None
    villages: list[dict[str, Any]] = field(default_factory=list)
    # True when the figures cover only the user's villages (a collaborator), not the commune.
    partial: bool = False


def sees_whole_commune(user: Viewer, round_: Round) -> bool:
    """Whether ``user``'s grants cover the round's whole commune (not only some villages)."""
    return access.can_view_area(user, round_.commune)


def round_progress(
    round_: Round, *, user: Viewer | None = None, with_villages: bool = False
) -> RoundProgress:
    """Counts of the round's entries by state, meetings, open complaints and (optionally) one
    row per village. With ``user``, only what their reach covers: a collaborator of village A1
    sees A1's figures, not the commune's (households of other villages are not theirs)."""

    def mine(queryset: QuerySet[M]) -> QuerySet[M]:
        return access.scoped(queryset, user) if user is not None else queryset

    counts = dict(
        mine(Entry.objects.filter(round=round_))
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    progress = RoundProgress(
        round=round_,
        counts={state: counts.get(state, 0) for state in EntryState.values},
        total=sum(counts.values()),
        meetings=mine(Meeting.objects.filter(round=round_)).count(),
        open_complaints=mine(
            Complaint.objects.filter(
                round=round_, state__in=[ComplaintState.RECEIVED, ComplaintState.RECHECKED]
            )
        ).count(),
        posting_ends=Posting.objects.filter(round=round_).aggregate(m=Max("ends_on"))["m"],
        partial=user is not None and not sees_whole_commune(user, round_),
    )
    if with_villages:
        rows = (
            mine(Entry.objects.filter(round=round_))
            .values("village_id", "village__name", "village__code")
            .annotate(
                total=Count("pk"),
                waiting=Count("pk", filter=Q(state__in=["listed", "to_survey"])),
                surveyed=Count("pk", filter=Q(state="surveyed")),
                agreed=Count(
                    "pk",
                    filter=Q(state__in=["agreed", "posted", "under_complaint", "recognised"]),
                ),
            )
            .order_by("village__name")
        )
        progress.villages = [dict(row) for row in rows]
    return progress


@dataclass
class Overdue:
    postings: list[Posting]
    complaints: list[Complaint]
    applications: list[Application]

    @property
    def count(self) -> int:
        return len(self.postings) + len(self.complaints) + len(self.applications)


def overdue_items(
    user: Viewer, *, today: dt.date | None = None, area: AdministrativeUnit | None = None
) -> Overdue:
    """What needs attention: postings ending (within a working day) or ended while the
    decision waits; complaints due within a working day or late; applications whose 15 days
    end within 3 days or have ended."""
    today = today or clock.today()
    soon = calendar.add_working_days(today, COMPLAINT_WARNING_DAYS)
    area_q = _area_q(area)
    postings = (
        commune_level(Posting.objects.filter(area_q), user)
        .filter(round__state=RoundState.POSTING, ends_on__lte=soon)
        .select_related("round", "commune")
        .order_by("ends_on")[:50]
    )
    complaints = (
        access.scoped(Complaint.objects.filter(area_q), user)
        .filter(state__in=[ComplaintState.RECEIVED, ComplaintState.RECHECKED], due_on__lte=soon)
        .select_related("round", "commune", "line")
        .order_by("due_on")[:50]
    )
    applications_due = (
        access.scoped(Application.objects.filter(area_q), user)
        .filter(
            state=ApplicationState.RECEIVED,
            due_on__lte=today + dt.timedelta(days=APPLICATION_WARNING_DAYS),
        )
        .select_related("household", "commune")
        .order_by("due_on")[:50]
    )
    return Overdue(list(postings), list(complaints), list(applications_due))


def _area_q(area: AdministrativeUnit | None) -> Q:
    if area is None:
        return Q()
    if area.level == Level.PROVINCE:
        return Q(province=area)
    return Q(commune=area)


@dataclass
class ProvinceRow:
    commune: AdministrativeUnit
    round: Round | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def waiting(self) -> int:
        return self.counts.get("listed", 0) + self.counts.get("to_survey", 0)

    @property
    def recognised(self) -> int:
        return self.counts.get("recognised", 0)


def province_progress(user: Viewer, province: AdministrativeUnit, year: int) -> dict[str, Any]:
    """Where each commune's annual round stands (one row per commune), counts per step."""
    communes = list(
        AdministrativeUnit.objects.filter(
            parent=province, level=Level.COMMUNE, valid_to__isnull=True
        )
        .filter(
            access.area_filter(
                access.view_reach(user), province="province", commune="pk", village=""
            )
        )
        .order_by("code")
    )
    by_commune = {
        r.commune_id: r
        for r in rounds(user).filter(province=province, year=year, kind=RoundKind.ANNUAL)
    }
    entry_counts: dict[int, dict[str, int]] = {}
    # Counts of what the user sees: a collaborator's row shows their villages, not the commune.
    for round_id, state, n in (
        access.scoped(Entry.objects.filter(round__in=list(by_commune.values())), user)
        .values_list("round_id", "state")
        .annotate(n=Count("pk"))
        .values_list("round_id", "state", "n")
    ):
        entry_counts.setdefault(round_id, {})[state] = n
    rows = []
    steps: dict[str, int] = {state: 0 for state in RoundState.values}
    steps["none"] = 0
    for commune in communes:
        round_ = by_commune.get(commune.pk)
        if round_ is None:
            steps["none"] += 1
        else:
            steps[round_.state] += 1
        rows.append(ProvinceRow(commune, round_, entry_counts.get(round_.pk, {}) if round_ else {}))
    return {"rows": rows, "steps": steps, "year": year, "province": province}


def dashboard_panel(user: Viewer, today: dt.date | None = None) -> dict[str, Any]:
    """Context for the dashboard partial ``review/_dashboard_panel.html``: the rounds of this
    year in the user's areas by step, and what is overdue. A handful of queries."""
    today = today or clock.today()
    visible = rounds(user).filter(year=today.year, kind=RoundKind.ANNUAL)
    by_state = dict(visible.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    steps = [(state, label, by_state.get(state, 0)) for state, label in RoundState.choices]
    return {
        "review_year": today.year,
        "review_steps": steps,
        "review_rounds": sum(by_state.values()),
        "review_overdue": overdue_items(user, today=today),
        "review_today": today,
        "review_consolidations": consolidations_of_year(user, today.year),
    }


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


# -- what the pages read ----------------------------------------------------------------------


def rounds_of_year(user: Viewer, year: int) -> QuerySet[Round]:
    return (
        rounds(user)
        .filter(year=year)
        .select_related("commune")
        .order_by("kind", "commune__name", "month")
    )


def home_provinces(user: Viewer, visible: QuerySet[Round]) -> list[AdministrativeUnit]:
    """The provinces whose progress page the home page links: the user's provinces, or for a
    system administrator those of the rounds shown."""
    if access.is_system_admin(user):
        return list(
            AdministrativeUnit.objects.filter(
                level=Level.PROVINCE, pk__in=visible.values("province_id")
            )
        )
    return list(
        AdministrativeUnit.objects.filter(
            level=Level.PROVINCE, pk__in=access.view_reach(user).provinces
        )
    )


def plannable_communes(user: Viewer, limit: int = 500) -> list[tuple[str, str]]:
    """(code, name) of the communes where ``user`` may plan a round."""
    return [(u.code, u.name) for u in access.decidable_communes(user)[:limit]]


def plannable_commune(user: Viewer, code: str) -> AdministrativeUnit:
    return access.decidable_communes(user).get(code=code)


def round_entries(user: Viewer, round_: Round, state: str = "") -> QuerySet[Entry]:
    """The round's list as ``user`` sees it (a village grant: its villages), one step or all."""
    entries = (
        access.scoped(Entry.objects.filter(round=round_), user)
        .select_related("household", "village", "reviewer")
        .order_by("village__name", "household__code")
    )
    if state in EntryState.values:
        entries = entries.filter(state=state)
    return entries


def round_meetings(user: Viewer, round_: Round) -> QuerySet[Meeting]:
    return (
        access.scoped(Meeting.objects.filter(round=round_), user)
        .select_related("village")
        .order_by("-held_on")
    )


def round_complaints(user: Viewer, round_: Round) -> QuerySet[Complaint]:
    return (
        access.scoped(Complaint.objects.filter(round=round_), user)
        .select_related("line")
        .order_by("-received_on")
    )


def round_postings(round_: Round) -> QuerySet[Posting]:
    return round_.postings.order_by("-posted_on", "-pk")


def commune_report(round_: Round) -> CommuneReport | None:
    return CommuneReport.objects.filter(round=round_).first()


def changeable_villages(user: Viewer, round_: Round) -> list[AdministrativeUnit]:
    """The villages of the round's commune where ``user`` may record field work."""
    villages = AdministrativeUnit.objects.filter(parent=round_.commune, level=Level.VILLAGE)
    return [v for v in villages.order_by("name") if access.can_change_area(user, v)]


def round_village(round_: Round, code: str) -> AdministrativeUnit | None:
    return AdministrativeUnit.objects.filter(code=code, parent=round_.commune).first()


def round_actions(
    user: Viewer, round_: Round, *, villages: Sequence[AdministrativeUnit] = ()
) -> list[RoundAct]:
    """What the round's pages offer ``user`` on ``round_`` now, from the tables of ``review.states``
    (``ROUND_ACTS``): the round's transitions and the work done in its state, by permission."""
    held: set[str] = set()
    if access.can_decide_in(user, round_.commune):
        held.add(OFFICER)
    if access.can_change_area(user, round_.commune) or access.change_reach(user).villages:
        held.add(FIELD)
    if villages:
        held.add(VILLAGE)
    return round_acts(round_.state, held)


def meeting_votes(meeting: Meeting) -> list[Vote]:
    return list(
        Vote.objects.filter(meeting=meeting).select_related("entry__household").order_by("pk")
    )


def meeting_candidates(meeting: Meeting) -> QuerySet[Entry]:
    """The village's households waiting for the meeting's vote (surveyed, not yet agreed)."""
    return (
        Entry.objects.filter(
            round=meeting.round, village=meeting.village, state=EntryState.SURVEYED
        )
        .select_related("household")
        .order_by("household__code")
    )


@dataclass
class DecisionPreview:
    """What the decision will decide (QĐ 24/2021 Art. 4.5): the households it covers by status
    after review, the lists with their households, and the change per status from the previous
    decision (the status each household had when listed, i.e. the last decision's)."""

    statuses: list[dict[str, Any]]
    lists: list[dict[str, Any]]
    households: int


def decision_preview(round_: Round) -> DecisionPreview:

    entries = list(
        Entry.objects.filter(round=round_, state=EntryState.POSTED)
        .select_related("household", "village")
        .order_by("village__name", "household__code")
    )
    statuses = []
    for status in (Status.POOR, Status.NEAR_POOR, Status.AVERAGE, Status.NOT_POOR):
        before = sum(1 for e in entries if e.status_at_start == status)
        after = sum(1 for e in entries if e.final_status == status)
        statuses.append(
            {
                "status": status.value,
                "label": status.label,
                "before": before,
                "after": after,
                "change": after - before,
            }
        )
    lists = []
    for kind, label in ListKind.choices:
        rows = [e for e in entries if kind in lists_for(e.status_at_start, e.final_status)]
        lists.append({"kind": kind, "label": label, "count": len(rows), "entries": rows})
    return DecisionPreview(statuses=statuses, lists=lists, households=len(entries))


def recheck_survey_candidate(complaint: Complaint) -> Survey | None:
    """The household's latest survey of the year taken since the complaint (the re-check),
    never the contested survey itself (nor the Phiếu A screening)."""
    entry = complaint.entry
    contested = [pk for pk in (entry.survey_id, entry.screening_survey_id) if pk]
    return (
        Survey.objects.select_related("form", "surveyor")
        .exclude(pk__in=contested)
        .filter(
            household_id=complaint.entry.household_id,
            review_year=complaint.round.year,
            surveyed_on__gte=complaint.received_on,
        )
        .exclude(status="")
        .exclude(pk=complaint.recheck_survey_id or 0)
        .order_by("-surveyed_on", "-pk")
        .first()
    )


def recheck_form_code(complaint: Complaint) -> str:
    """The form of the re-check survey: the one the contested survey used (B1/B2 of the
    round's standard); empty when the household has none (the page links the survey list)."""
    survey = complaint.entry.survey
    return survey.form.code if survey is not None else ""


def survey_label(survey: Survey | None) -> str:
    """A survey as people name it: form, date and surveyor (never its id)."""
    if survey is None:
        return ""
    surveyor = survey.surveyor_name or (str(survey.surveyor) if survey.surveyor_id else "")
    parts = [survey.form.title_vi, format_date(survey.surveyed_on), surveyor]
    return " · ".join(p for p in parts if p)


def survey_for(user: Viewer, pk: Any) -> Survey:
    return access.get_visible_or_404(Survey.objects.select_related("form"), user, pk=pk or 0)


def decision_entries(user: Viewer, decision: Decision) -> QuerySet[DecisionEntry]:
    return access.scoped(DecisionEntry.objects.filter(decision=decision), user).order_by(
        "village_name", "household_code"
    )


def decision_entry_for(user: Viewer, decision: Decision, pk: Any) -> DecisionEntry:
    return access.get_visible_or_404(DecisionEntry.objects.filter(decision=decision), user, pk=pk)


def province_for(user: Viewer, code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    if unit is None or not access.can_view_area(user, unit):
        raise Http404
    return unit


def latest_consolidation(province: AdministrativeUnit, year: int) -> ProvinceReport | None:
    return (
        ProvinceReport.objects.filter(province=province, year=year)
        .order_by("-consolidated_at")
        .first()
    )


def report_deadlines(
    province: AdministrativeUnit, year: int, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The province's Art. 7 deadlines for ``year`` and where each stands. "Trước ngày 15
    tháng 11" (preliminary, Art. 7.2) and "Trước ngày 20 tháng 12" (official, Art. 7.3) are
    exclusive: the last compliant days are 14/11 and 19/12 (``Params.deadline_before``). The
    preliminary one is met by any consolidation, the official one by a complete one."""

    today = today or clock.today()
    try:
        p = Params(resolve(year, province.pk).values)
    except RulesMissing:
        return []
    consolidations = list(
        ProvinceReport.objects.filter(province=province, year=year)
        .order_by("consolidated_at")
        .values_list("consolidated_at", "partial")
    )

    def first(complete: bool) -> dt.date | None:
        for at, partial in consolidations:
            if not (complete and partial):
                return timezone.localtime(at).date()
        return None

    rows = []
    for key, label, complete in (
        ("province_preliminary_report_due", _("Báo cáo sơ bộ (QĐ 24/2021 Điều 7 khoản 2)"), False),
        ("province_official_report_due", _("Báo cáo chính thức (QĐ 24/2021 Điều 7 khoản 3)"), True),
    ):
        last_day = p.deadline_before(key, year)
        done_on = first(complete)
        rows.append(
            {
                "key": key,
                "label": label,
                "before": p.day_of_year(key, year),
                "last_day": last_day,
                "done_on": done_on,
                "state": deadline_state(last_day, done_on, today),
                "verified": p.verified(key),
            }
        )
    return rows


def consolidations_of_year(user: Viewer, year: int) -> list[ProvinceReport]:
    """The latest consolidation of each province the user sees whole (dashboard)."""
    latest: dict[int, ProvinceReport] = {}
    for report in (
        ProvinceReport.objects.filter(year=year)
        .select_related("province")
        .order_by("consolidated_at")
    ):
        latest[report.province_id] = report
    return [r for r in latest.values() if access.can_view_area(user, r.province)]


def missing_reports(province: AdministrativeUnit, year: int) -> list[dict[str, str]]:
    """The province's communes that have not submitted their report for ``year``."""
    reported = CommuneReport.objects.filter(province=province, year=year).values("commune_id")
    return [
        {"code": code, "name": name}
        for code, name in AdministrativeUnit.objects.filter(
            parent=province, level=Level.COMMUNE, valid_to__isnull=True
        )
        .exclude(pk__in=reported)
        .order_by("code")
        .values_list("code", "name")
    ]


def submitted_reports(province: AdministrativeUnit, year: int) -> int:
    return CommuneReport.objects.filter(province=province, year=year).count()


def applications_of_change(user: Viewer, change: HouseholdChange) -> list[Application]:
    """The in-year review applications filed from a reported household change (the
    application keeps the link), as far as ``user`` may see them."""
    return list(
        access.scoped(Application.objects.filter(household_change=change), user).order_by("pk")
    )
