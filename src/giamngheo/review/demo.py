"""The review in the demo province: a finished annual round for last year (2025) in every commune
— list, B2 surveys, village meetings, posting, a complaint, the decision, certificates, the
communes' reports and the province's consolidation — and this year's (2026) rounds in progress.

A demo part (``demo.extensions``): ``purge_review_demo`` runs before the old demo households are
deleted, ``seed_review_demo`` after the new households, the demo users and the demo surveys
(2024 and 2025, ``surveys.bulk``) are written. Everything goes through ``review.services``, so
the rows, states and audit events are those a commune would produce.

Synthetic data: the start-of-round statuses of 2025 are the 2024 demo surveys' results (a
"2024 list"); the 2025 results are the 2025 surveys, which agree with the statuses the demo
loader gave each household, so the 2025 decision confirms the registry.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count

from giamngheo.accounts import access
from giamngheo.accounts.models import User
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock as lib_clock
from giamngheo.lib.formatting import format_number as num
from giamngheo.registry.models import Household
from giamngheo.review import services
from giamngheo.review.models import (
    Application,
    Certificate,
    CommuneReport,
    Complaint,
    Decision,
    DecisionEntry,
    Entry,
    EntrySource,
    ProvinceReport,
    Round,
)
from giamngheo.review.services.base import move_entries
from giamngheo.review.states import EntryState
from giamngheo.surveys import definitions
from giamngheo.surveys import services as survey_services
from giamngheo.surveys.definitions import SurveyError
from giamngheo.surveys.models import Survey

Progress = Callable[[str], None]
LAST_YEAR = 2025
THIS_YEAR = 2026
D = dt.date


@dataclass
class ReviewDemoReport:
    rounds: int = 0
    decided: int = 0
    households_decided: int = 0
    certificates: int = 0
    in_progress: int = 0
    applications: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def purge_review_demo(context: Any) -> int:
    """Delete every review record of the demo province (run inside the demo load's transaction,
    before the surveys and the old households are deleted). Frozen rows (decisions,
    certificates, reports, posted lines) may be deleted only here (``giamngheo.review_purge``)."""
    province = context.province
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL giamngheo.review_purge = 'on'")
        try:
            deleted = 0
            for queryset in (
                Certificate.objects.filter(province=province),
                DecisionEntry.objects.filter(province=province),
                Decision.objects.filter(province=province),
                CommuneReport.objects.filter(province=province),
                ProvinceReport.objects.filter(province=province),
                Application.objects.filter(province=province),
                Complaint.objects.filter(province=province),
                Round.objects.filter(province=province),
            ):
                count, _by_model = queryset.delete()
                deleted += count
        finally:
            cursor.execute("SET LOCAL giamngheo.review_purge = 'off'")
    return deleted


def seed_review_demo(context: Any, *, today: dt.date | None = None) -> ReviewDemoReport:
    """Build the review of the demo province (``context``: ``demo.extensions.DemoContext``)."""
    province: AdministrativeUnit = context.province
    say: Progress = getattr(context, "progress", None) or (lambda _message: None)
    today = today or lib_clock.today()
    report = ReviewDemoReport()
    clock = time.perf_counter()
    communes = list(
        AdministrativeUnit.objects.filter(
            parent=province, level=Level.COMMUNE, valid_to__isnull=True
        ).order_by("code")
    )
    users = {
        u.username: u for u in User.objects.filter(username__in=["xa1", "xa2", "tinh", "ctv1"])
    }
    commune1, commune2 = context.demo_communes()

    with transaction.atomic():
        for commune in communes:
            actor = _officer(users, commune, commune1, commune2)
            decision = _finished_round(commune, actor, complaint=commune == commune1)
            report.rounds += 1
            if decision is not None:
                report.decided += 1
                report.households_decided += decision.entries.count()
                report.certificates += len(
                    services.certificates_issue(
                        actor=actor, decision=decision, issued_on=D(LAST_YEAR, 11, 25)
                    )
                )
                services.report_submit(actor=actor, round_=decision.round)
        if Round.objects.filter(province=province, year=LAST_YEAR, state="reported").exists():
            services.province_consolidate(
                actor=users.get("tinh"), province=province, year=LAST_YEAR
            )
        report.seconds["2025"] = round(time.perf_counter() - clock, 2)
        say(
            f"Rà soát {LAST_YEAR}: {report.decided} xã đã có quyết định, "
            f"{report.households_decided} hộ, {report.certificates} giấy chứng nhận — "
            f"{num(report.seconds['2025'], 1)} giây"
        )

        clock = time.perf_counter()
        if today >= D(THIS_YEAR, 1, 1):
            report.applications += _in_year_applications(commune1, users, today)
        if today >= D(THIS_YEAR, 9, 1):
            for commune in communes:
                actor = _officer(users, commune, commune1, commune2)
                round_ = _planned_round(commune, actor, THIS_YEAR)
                report.rounds += 1
                report.in_progress += 1
                if commune == commune2:
                    continue  # still planning: no committee head yet
                round_ = services.round_start(actor=actor, round_=round_)
                if commune == commune1:
                    _first_village_meets(round_, actor, users.get("ctv1"), today)
            report.applications += _annual_application(commune1, users, today)
        report.seconds["2026"] = round(time.perf_counter() - clock, 2)
        say(
            f"Rà soát {THIS_YEAR}: {report.in_progress} đợt đang thực hiện, "
            f"{report.applications} đơn đề nghị — {num(report.seconds['2026'], 1)} giây"
        )
    return report


def _officer(
    users: dict[str, User],
    commune: AdministrativeUnit,
    commune1: AdministrativeUnit,
    commune2: AdministrativeUnit,
) -> User | None:
    if commune == commune1:
        return users.get("xa1")
    if commune == commune2:
        return users.get("xa2")
    return None  # the system acting for the other communes of the demo


def _planned_round(commune: AdministrativeUnit, actor: User | None, year: int) -> Round:
    round_ = services.round_create(
        actor=actor,
        commune=commune,
        year=year,
        plan_number=f"{commune.code[-3:]}/KH-UBND",
        plan_date=D(year, 8, 25),
        plan_note="Kế hoạch rà soát hộ nghèo, hộ cận nghèo (dữ liệu mẫu).",
    )
    services.reviewer_add(
        actor=actor, round_=round_, full_name="Cộng tác viên giảm nghèo", kind="collaborator"
    )
    if year == THIS_YEAR and actor is not None and actor.username == "xa2":
        return round_  # the committee is not yet set up: the round stays in planning
    services.steering_member_add(
        actor=actor,
        round_=round_,
        full_name=f"Chủ tịch UBND {commune.name}",
        position="Chủ tịch Ủy ban nhân dân xã",
        role="head",
    )
    services.steering_member_add(
        actor=actor,
        round_=round_,
        full_name="Công chức Văn hóa - Xã hội",
        position="Thành viên thường trực",
        role="member",
    )
    return round_


def _finished_round(
    commune: AdministrativeUnit, actor: User | None, *, complaint: bool
) -> Decision:
    """The 2025 annual round of one commune, from plan to decision."""

    round_ = _planned_round(commune, actor, LAST_YEAR)
    # The list: households on the "2024 list" (their 2024 demo survey) or on the current list.
    start = dict(
        Survey.objects.filter(
            commune=commune, review_year=LAST_YEAR - 1, status__in=["poor", "near_poor"]
        ).values_list("household_id", "status")
    )
    current = dict(
        Household.objects.filter(commune=commune, status__in=["poor", "near_poor"]).values_list(
            "pk", "status"
        )
    )
    ids = set(start) | set(current)
    homes = dict(Household.objects.filter(pk__in=ids).values_list("pk", "village_id"))
    Entry.objects.bulk_create(
        Entry(
            round=round_,
            province_id=round_.province_id,
            commune_id=round_.commune_id,
            village_id=homes[pk],
            household_id=pk,
            source=EntrySource.CURRENT_LIST,
            state=EntryState.TO_SURVEY,
            # Not on the 2024 list: not poor at the start of the round.
            status_at_start=start.get(pk, "not_poor"),
        )
        for pk in sorted(ids)
    )
    round_ = services.round_start(actor=actor, round_=round_)
    # Households flagged by collaborators (workforce demo) pass Phiếu A in the demo.
    listed = list(Entry.objects.filter(round=round_, state=EntryState.LISTED))
    move_entries(actor, round_, listed, "screen_in", note="dữ liệu mẫu: Phiếu A")
    services.round_attach_latest_surveys(actor=actor, round_=round_)
    _without_survey(round_, actor, current)
    entries = list(Entry.objects.filter(round=round_, state=EntryState.SURVEYED).order_by("pk"))
    by_village: dict[int, list[Entry]] = {}
    for entry in entries:
        by_village.setdefault(entry.village_id, []).append(entry)
    villages = {v.pk: v for v in AdministrativeUnit.objects.filter(pk__in=list(by_village))}
    for index, (village_id, rows) in enumerate(sorted(by_village.items())):
        attendees = 25 + len(rows)
        meeting = services.meeting_create(
            actor=actor,
            round_=round_,
            village=villages[village_id],
            held_on=D(LAST_YEAR, 10, 20),
            chair_name=f"Trưởng {villages[village_id].name}",
            secretary_name="Thư ký thôn",
            attendees=attendees,
            attendees_note="Đại diện các hộ, chi bộ, các đoàn thể, rà soát viên (dữ liệu mẫu)",
            supervisor_note="Ủy ban Mặt trận Tổ quốc xã",
        )
        # In the first village one vote falls short (< 50 %): re-surveyed and met again.
        short = rows[0].pk if complaint and index == 0 else None
        votes = {e.pk: (attendees // 2 - 1 if e.pk == short else attendees * 4 // 5) for e in rows}
        services.meeting_record_votes(actor=actor, meeting=meeting, votes=votes)
        if short is not None:
            again = services.meeting_create(
                actor=actor,
                round_=round_,
                village=villages[village_id],
                held_on=D(LAST_YEAR, 10, 27),
                chair_name=f"Trưởng {villages[village_id].name}",
                attendees=30,
            )
            entry = Entry.objects.select_related("round", "village", "survey__form").get(pk=short)
            if entry.survey is not None:
                services.entry_attach_survey(actor=actor, entry=entry, survey=entry.survey)
            else:
                _set_surveyed(round_, actor, [entry], current)
            services.meeting_record_votes(actor=actor, meeting=again, votes={short: 24})
    posting = services.posting_create(actor=actor, round_=round_, posted_on=D(LAST_YEAR, 11, 3))
    if complaint:
        line = posting.lines.order_by("pk").first()
        if line is not None:
            filed = services.complaint_file(
                actor=actor,
                line=line,
                complainant="Người dân trong thôn (dữ liệu mẫu)",
                content="Đề nghị xem xét lại kết quả rà soát của hộ.",
                received_on=D(LAST_YEAR, 11, 4),
            )
            services.complaint_resolve(
                actor=actor,
                complaint=filed,
                resolved_on=D(LAST_YEAR, 11, 5),
                result_note="Ban chỉ đạo đã kiểm tra lại: giữ nguyên kết quả họp dân.",
            )
    # QĐ 24/2021 Art. 4.5 after 1/7/2025: the provincial chairman is consulted first (rule value).
    services.round_consult(
        actor=actor,
        round_=round_,
        consulted_on=D(LAST_YEAR, 11, 12),
        reference=f"{commune.code[-3:]}/BC-UBND",
    )
    return _decide(round_, actor, commune)


def _decide(round_: Round, actor: User | None, commune: AdministrativeUnit) -> Decision:
    return services.decision_issue(
        actor=actor,
        round_=round_,
        number=f"{commune.code[-3:]}/QĐ-UBND",
        signed_on=D(LAST_YEAR, 11, 20),
        signer_name=f"Chủ tịch UBND {commune.name}",
    )


def _without_survey(round_: Round, actor: User | None, current: dict[int, str]) -> None:
    """Households without a usable 2025 demo survey keep their current status as the proposal
    (a demo shortcut: no survey is linked)."""
    waiting = list(Entry.objects.filter(round=round_, state=EntryState.TO_SURVEY))
    _set_surveyed(round_, actor, waiting, current)


def _set_surveyed(
    round_: Round, actor: User | None, entries: list[Entry], current: dict[int, str]
) -> None:
    extra = {e.pk: {"proposed_status": current.get(e.household_id, "not_poor")} for e in entries}
    move_entries(actor, round_, entries, "survey", extra=extra, note="dữ liệu mẫu")


def _first_village_meets(
    round_: Round, actor: User | None, collaborator: User | None, today: dt.date
) -> None:
    """This year in commune 1 (docs/review.md, "Demo"): one village is surveyed (Phiếu B2) and
    meets; one vote falls short. The village is the collaborator's (``ctv1``, who surveys it)
    when it has households to review, else the one with the most; there the commune's
    officer records the surveys (a collaborator may survey only their own villages). Its
    households flagged by collaborators pass Phiếu A first, as in 2025."""

    open_ = Entry.objects.filter(round=round_, state__in=[EntryState.LISTED, EntryState.TO_SURVEY])
    villages = list(open_.values("village_id").annotate(n=Count("pk")).order_by("-n", "village_id"))
    if not villages:
        return
    units = AdministrativeUnit.objects.in_bulk([v["village_id"] for v in villages])
    own = [
        v
        for v in villages
        if collaborator is not None and access.can_change_area(collaborator, units[v["village_id"]])
    ]
    village = (own or villages)[0]
    surveyor = collaborator if own else actor
    # As in 2025, households flagged by collaborators pass Phiếu A in the demo.
    listed = list(open_.filter(village_id=village["village_id"], state=EntryState.LISTED))
    move_entries(actor, round_, listed, "screen_in", note="dữ liệu mẫu: Phiếu A")
    day = min(today, D(THIS_YEAR, 10, 5))
    spec = definitions.load_form("b2-2022")
    entries = list(
        Entry.objects.filter(
            round=round_, village_id=village["village_id"], state=EntryState.TO_SURVEY
        ).select_related("household")
    )
    for entry in entries:
        answers = survey_services.prefill_answers(household=entry.household, form=spec, on=day)
        try:
            survey_services.survey_record(
                actor=surveyor,
                household=entry.household,
                form="b2-2022",
                review_year=THIS_YEAR,
                surveyed_on=day,
                answers=answers,
                surveyor=surveyor,
                surveyor_name="" if surveyor else "Rà soát viên (dữ liệu mẫu)",
            )
        except SurveyError:
            continue  # incomplete registry values: this household waits for its survey
    unit = units[village["village_id"]]
    services.round_attach_latest_surveys(actor=actor, round_=round_, village=unit)
    surveyed = list(
        Entry.objects.filter(round=round_, village=unit, state=EntryState.SURVEYED).order_by("pk")
    )
    if not surveyed or today < D(THIS_YEAR, 10, 20):
        return
    meeting = services.meeting_create(
        actor=actor,
        round_=round_,
        village=unit,
        held_on=D(THIS_YEAR, 10, 20),
        chair_name=f"Trưởng {unit.name}",
        secretary_name="Thư ký thôn",
        attendees=32,
        attendees_note="Đại diện các hộ, chi bộ, các đoàn thể, rà soát viên (dữ liệu mẫu)",
    )
    votes = {e.pk: 25 for e in surveyed}
    if len(surveyed) > 1:
        votes[surveyed[-1].pk] = 12  # below 50 %: back to survey, to be met again
    services.meeting_record_votes(actor=actor, meeting=meeting, votes=votes)


def _in_year_applications(
    commune: AdministrativeUnit, users: dict[str, User], today: dt.date
) -> int:
    """In-year review in commune 1: an application filed by the collaborator in June, refused
    in writing with reasons."""
    household = (
        Household.objects.filter(
            commune=commune, status__in=["not_poor", "average_living_standard"]
        )
        .exclude(review_entries__state__in=["listed", "to_survey", "surveyed"])
        .order_by("code")
        .first()
    )
    if household is None or today < D(THIS_YEAR, 6, 25):
        return 0
    collaborator = users.get("ctv1")
    application = services.application_file(
        actor=collaborator if _can_file(collaborator, household) else users.get("xa1"),
        household=household,
        form="mau01",
        reason="illness",
        reason_note="Chủ hộ ốm nặng, điều trị dài ngày (dữ liệu mẫu).",
        received_on=D(THIS_YEAR, 6, 2),
        applicant_name=household.head_name or "Chủ hộ",
    )
    services.application_refuse(
        actor=users.get("xa1"),
        application=application,
        reasons=(
            "Kết quả rà soát: thu nhập bình quân đầu người cao hơn chuẩn cận nghèo khu vực nông "
            "thôn; hộ được hỗ trợ khám chữa bệnh theo chính sách bảo hiểm y tế."
        ),
        number="85/UBND-VHXH",
        signed_on=D(THIS_YEAR, 6, 25),
        signer_name=f"Chủ tịch UBND {commune.name}",
    )
    return 1


def _annual_application(commune: AdministrativeUnit, users: dict[str, User], today: dt.date) -> int:
    """A request filed during this year's window joins the annual round (Phiếu A pending)."""
    received = min(today, D(THIS_YEAR, 11, 18))
    household = (
        Household.objects.filter(
            commune=commune, status__in=["not_poor", "average_living_standard"]
        )
        .exclude(review_entries__round__year=THIS_YEAR)
        .order_by("-code")
        .first()
    )
    if household is None:
        return 0
    services.application_file(
        actor=users.get("xa1"),
        household=household,
        form="mau01",
        reason="disaster",
        reason_note="Nhà bị hư hỏng do bão (dữ liệu mẫu).",
        received_on=received,
        applicant_name=household.head_name or "Chủ hộ",
    )
    return 1


def _can_file(user: User | None, household: Household) -> bool:

    return user is not None and access.can_change_area(user, household.village)
