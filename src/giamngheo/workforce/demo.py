"""The workforce of the demo province: synthetic, deterministic, written in bulk.

For every commune of the province: a commune officer and one collaborator (Kon Tum's rule of
one CTV per commune, seed 001) with a contract, an assignment and a status history; the last
four months of task plans and reports (most on time, some late, some missing); activities;
support requests in every state; reports of households' changes (some waiting for the in-year
review); and last year's evaluation of each collaborator. The demo users ``xa1``, ``xa2`` and
``ctv1`` are linked to the officers of their communes and to the collaborator of ``ctv1``'s
commune (assigned to exactly ``ctv1``'s villages).

Rows are recognised by their workers' codes (``44-CB-19249``, ``44-CTV-19249``): a reload
deletes those workers with everything hanging from them, and the requests, changes and
activities that pointed to households the demo loader has just replaced, then writes the new
rows with ``bulk_create`` and ONE ``audit.record_bulk`` event (a per-row event would bury the
real history of the demo database under synthetic entries; see docs/demo.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from giamngheo import synthetic as generator
from giamngheo.accounts.models import Role, RoleGrant, User
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib.text import search_key
from giamngheo.registry.models import Household, Status
from giamngheo.workforce import reference, services
from giamngheo.workforce.models import (
    Activity,
    Assignment,
    Contract,
    Evaluation,
    EvaluationScore,
    HouseholdChange,
    MonthlyPlan,
    MonthlyReport,
    ReportItem,
    ReviewFlag,
    SupportRequest,
    SupportRequestStep,
    Task,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)
from giamngheo.workforce.states import RequestState

DEMO_CODE_PATTERN: Final = r"^{province}-(CB|CTV)-[0-9]{{5}}$"
MONTHS: Final = 4  # the current month and the three before it
REQUESTS_PER_COMMUNE: Final = 6
ALLOWANCES: Final = (1_000_000, 1_200_000, 1_490_000, 1_500_000)  # synthetic, not a rule
LINKED_USERS: Final = {"xa1": "officer", "xa2": "officer", "ctv1": "collaborator"}

_FAMILY: Final = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Hồ")
_MINORITY_FAMILY: Final = ("Hồ", "Pả", "Kăn", "Ăm", "Quỳnh", "Lê", "Hồ", "Y")
_MIDDLE: Final = {"male": ("Văn", "Đức", "Hữu", "Minh"), "female": ("Thị", "Ngọc", "Thu")}
_GIVEN: Final = {
    "male": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Sơn"),
    "female": ("Anh", "Hà", "Hằng", "Hoa", "Lan", "Mai", "Nga", "Thảo", "Trang", "Yến"),
}
_ORGANISATIONS: Final = tuple(reference.mass_organisations())
# Shares of seed 001's Kon Tum table (15, 27, 24, 5, 4, 12, 15 of 102 collaborators).
_ORGANISATION_WEIGHTS: Final = (15, 27, 24, 5, 4, 12, 15)
_EDUCATION: Final = ("general", "elementary", "intermediate", "college", "university")
_EDUCATION_WEIGHTS: Final = (33, 10, 22, 15, 20)

_TASKS: Final = {
    1: "Tiếp nhận, tổng hợp yêu cầu hỗ trợ của hộ nghèo, cận nghèo",
    2: "Theo dõi các hộ cận nghèo có nguy cơ tái nghèo, hướng dẫn làm giấy đề nghị",
    3: "Hỗ trợ nhóm hộ tự quản nhận giống vật nuôi",
    4: "Tham gia giám sát cấp phát hỗ trợ cho hộ nghèo",
    5: "Tham gia rà soát, cập nhật biến động hộ nghèo",
    6: "Tuyên truyền chính sách giảm nghèo tại họp thôn",
}
_DONE: Final = {
    1: "Đã tiếp nhận {n} yêu cầu, chuyển công chức xã",
    2: "Đã thăm {n} hộ, hướng dẫn 1 hộ làm giấy đề nghị",
    3: "Nhóm hộ đã nhận giống, lập quy chế hoạt động",
    4: "Đã dự giám sát tại {n} thôn",
    5: "Đã cập nhật biến động của {n} hộ",
    6: "Đã tuyên truyền tại {n} cuộc họp",
}
_NEEDS: Final = {
    "production": "Cần hỗ trợ giống cây, con giống để sản xuất",
    "livelihood": "Cần học nghề, tìm việc làm ổn định",
    "credit": "Cần vay vốn ưu đãi để chăn nuôi",
    "health": "Cần làm lại thẻ bảo hiểm y tế cho người già",
    "education": "Con đi học xa, cần hỗ trợ chi phí học tập",
    "housing": "Nhà tạm, mái dột, cần hỗ trợ sửa chữa",
    "water_sanitation": "Chưa có nhà tiêu hợp vệ sinh, giếng bị ô nhiễm",
    "information": "Không có phương tiện nghe, xem thông tin",
    "other": "Đề nghị hướng dẫn thủ tục trợ cấp xã hội",
}
# Every state of the workflow in every commune, then a few more open ones.
_STATES: Final = (
    RequestState.RECEIVED,
    RequestState.FORWARDED,
    RequestState.IN_PROGRESS,
    RequestState.RESOLVED,
    RequestState.REFUSED,
    RequestState.IN_PROGRESS,
)
_CHANGES: Final = {
    "shock": "Mưa lũ làm sập chuồng trại, mất đàn bò",
    "death": "Lao động chính của hộ qua đời",
    "birth": "Sinh thêm con",
    "military_return": "Con trai xuất ngũ trở về",
    "improved": "Có người đi làm công nhân, thu nhập ổn định",
}


@dataclass
class WorkforceDemoReport:
    workers: int = 0
    plans: int = 0
    tasks: int = 0
    reports: int = 0
    reports_submitted: int = 0
    reports_late: int = 0
    requests: int = 0
    request_states: dict[str, int] = field(default_factory=dict)
    changes: int = 0
    evaluations: int = 0
    linked_users: list[str] = field(default_factory=list)
    deleted: dict[str, int] = field(default_factory=dict)


def _month_back(month: dt.date, count: int) -> dt.date:
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _vanished_household() -> Q:
    """Rows whose household was deleted (the demo loader deletes its households in raw SQL;
    the foreign keys are checked at commit, so these rows must go in the same transaction)."""
    return Q(~Exists(Household.objects.filter(pk=OuterRef("household_id"))))


@transaction.atomic
def clear_workforce_demo(*, province: AdministrativeUnit) -> dict[str, int]:
    """Delete the demo workforce of ``province`` (workers with demo codes and everything that
    hangs from them) and the workforce rows pointing to households no longer stored. Rows that
    other apps keep pointing to (PROTECT) make this fail: clear those apps' demo data first."""
    workers = Worker.objects.filter(
        province=province, code__regex=DEMO_CODE_PATTERN.format(province=province.code)
    )
    gone = _vanished_household()
    deleted: dict[str, int] = {}
    requests = SupportRequest.objects.filter(province=province).filter(
        gone | Q(owner__in=workers) | Q(collected_by__in=workers)
    )
    deleted["requests"] = requests.delete()[1].get(SupportRequest._meta.label, 0)
    changes = HouseholdChange.objects.filter(province=province).filter(gone | Q(worker__in=workers))
    deleted["changes"] = changes.delete()[1].get(HouseholdChange._meta.label, 0)
    activities = Activity.objects.filter(province=province, household__isnull=False).filter(gone)
    deleted["activities"] = activities.delete()[1].get(Activity._meta.label, 0)
    deleted["workers"] = workers.delete()[1].get(Worker._meta.label, 0)
    return deleted


# (action, from state, to state, owner, at, note) of a request's history.
_Step = tuple[str, str, str, Worker, dt.datetime, str]


@dataclass
class _Link:
    user: User
    role: str  # "officer" | "collaborator"
    commune_id: int
    areas: list[AdministrativeUnit]


def _demo_links(province: AdministrativeUnit) -> dict[int, dict[str, _Link]]:
    """The demo users to link, by commune id then kind: ``xa1``/``xa2`` to their commune's
    officer, ``ctv1`` to the collaborator of the commune of its villages (never a user
    already linked to another roster entry)."""
    links: dict[int, dict[str, _Link]] = {}
    users = User.objects.filter(username__in=LINKED_USERS, worker__isnull=True)
    grants = RoleGrant.objects.filter(
        user__in=users, role__in=[Role.COMMUNE_OFFICER, Role.COLLABORATOR]
    ).select_related("user", "area")
    by_user: dict[str, list[RoleGrant]] = {}
    for grant in grants.order_by("area__code"):
        by_user.setdefault(grant.user.username, []).append(grant)
    for username, kind in LINKED_USERS.items():
        wanted = Role.COMMUNE_OFFICER if kind == "officer" else Role.COLLABORATOR
        areas = [
            g.area
            for g in by_user.get(username, [])
            if g.role == wanted and g.area is not None and g.area.province_id == province.pk
        ]
        if not areas:
            continue
        first = areas[0]
        commune_id = first.pk if first.level == Level.COMMUNE else first.parent_id
        if commune_id is None or kind in links.get(commune_id, {}):
            continue
        user = by_user[username][0].user
        links.setdefault(commune_id, {})[kind] = _Link(user, kind, commune_id, areas)
    return links


def _name(rng: np.random.Generator, sex: str, minority: bool) -> str:
    family = _MINORITY_FAMILY if minority else _FAMILY
    return " ".join(
        [
            str(rng.choice(family)),
            str(rng.choice(_MIDDLE[sex])),
            str(rng.choice(_GIVEN[sex])),
        ]
    )


def _pick(rng: np.random.Generator, values: tuple[str, ...], weights: tuple[int, ...]) -> str:
    p = np.array(weights, dtype=float)
    return str(values[int(rng.choice(len(values), p=p / p.sum()))])


def _person(
    rng: np.random.Generator, profile: generator.CommuneProfile, *, officer: bool
) -> dict[str, Any]:
    # Seed 001: 55,9 % of Kon Tum's collaborators were women.
    sex = "female" if rng.random() < (0.5 if officer else 0.56) else "male"
    minority = rng.random() < profile.minority_share
    ethnicity = reference.KINH
    if minority and profile.minority_mix:
        codes = tuple(code for code, _ in profile.minority_mix)
        weights = tuple(int(100 * share) or 1 for _, share in profile.minority_mix)
        ethnicity = _pick(rng, codes, weights)
    full_name = _name(rng, sex, ethnicity != reference.KINH)
    if officer:
        education = "university" if rng.random() < 0.8 else "college"
        organisation = reference.NO_ORGANISATION
    else:
        education = _pick(rng, _EDUCATION, _EDUCATION_WEIGHTS)
        organisation = _pick(rng, _ORGANISATIONS, _ORGANISATION_WEIGHTS)
    return {
        "full_name": full_name,
        "search_name": search_key(full_name)[:200],
        "sex": sex,
        "birth_year": int(rng.integers(1968, 2000)),
        "ethnicity": ethnicity,
        "education": education,
        "mass_organisation": organisation,
        "phone": "09" + "".join(str(d) for d in rng.integers(0, 10, size=8)),
    }


@transaction.atomic
def load_workforce_demo(
    *, province: AdministrativeUnit, seed: int, today: dt.date | None = None
) -> WorkforceDemoReport:
    """Seed the workforce of the demo province (see the module docstring).

    Call inside ``demo.loader.load_demo``'s transaction, after the households are copied and
    ``ensure_demo_users`` ran (to link ``xa1``, ``xa2``, ``ctv1``). Idempotent: the previous
    demo workforce is replaced. The same households, users, ``seed`` and ``today`` give the
    same rows (dates are relative to ``today``, by default the local date)."""
    today = today or timezone.localdate()
    now = min(timezone.now(), _at(today, 23))
    report = WorkforceDemoReport(deleted=clear_workforce_demo(province=province))
    rng = np.random.default_rng([seed, 6])  # 6: the workforce's own stream (issue 6)
    communes = list(
        AdministrativeUnit.objects.filter(
            parent=province, level=Level.COMMUNE, valid_to__isnull=True
        ).order_by("code")
    )
    rules = services.rules_for(province)
    links = _demo_links(province)
    started = dt.date(today.year - 1, 1, 1)

    # -- roster ---------------------------------------------------------------------------
    officers: dict[int, Worker] = {}
    collaborators: dict[int, Worker] = {}
    for commune in communes:
        profile = generator.commune_profile(
            province.code,
            generator.CommuneInput(
                commune.code, commune.name, commune.unit_type, commune.area_kind
            ),
        )
        linked = links.get(commune.pk, {})
        for kind, bucket, prefix, role in (
            ("officer", officers, "CB", reference.COMMUNE_OFFICER),
            ("collaborator", collaborators, "CTV", reference.COLLABORATOR),
        ):
            link = linked.get(kind)
            bucket[commune.pk] = Worker(
                code=f"{province.code}-{prefix}-{commune.code}",
                role=role,
                province=province,
                commune=commune,
                user=link.user if link else None,
                status=WorkerStatus.ACTIVE,
                **_person(rng, profile, officer=kind == "officer"),
            )
    workers = [*officers.values(), *collaborators.values()]
    Worker.objects.bulk_create(workers)
    report.workers = len(workers)
    report.linked_users = sorted(w.user.username for w in workers if w.user is not None)
    WorkerStatusChange.objects.bulk_create(
        WorkerStatusChange(
            worker=w, status=WorkerStatus.ACTIVE, effective_on=started, reason="Bắt đầu làm việc"
        )
        for w in workers
    )
    Contract.objects.bulk_create(
        Contract(
            worker=w,
            province=province,
            commune_id=commune_id,
            number=f"{i + 1:02d}/{today.year}/HĐ-CTV",
            signed_on=dt.date(today.year, 1, 2),
            starts_on=dt.date(today.year, 1, 1),
            ends_on=dt.date(today.year, 12, 31),
            monthly_allowance=int(rng.choice(ALLOWANCES)),
            managing_unit=f"UBND {w.commune.name}" if w.commune else province.name,
            legal_basis=rules.legal_basis[:300],
        )
        for i, (commune_id, w) in enumerate(collaborators.items())
    )
    assignments: list[Assignment] = []
    coverage: dict[int, set[int] | None] = {}  # collaborator's villages (None: whole commune)
    for commune in communes:
        assignments.append(
            Assignment(
                worker=officers[commune.pk],
                area=commune,
                province=province,
                commune=commune,
                starts_on=started,
            )
        )
        link = links.get(commune.pk, {}).get("collaborator")
        areas = link.areas if link else [commune]
        coverage[commune.pk] = (
            None if any(a.level == Level.COMMUNE for a in areas) else {a.pk for a in areas}
        )
        for area in areas:
            assignments.append(
                Assignment(
                    worker=collaborators[commune.pk],
                    area=area,
                    province=province,
                    commune=commune,
                    village=area if area.level == Level.VILLAGE else None,
                    starts_on=started,
                )
            )
    Assignment.objects.bulk_create(assignments)

    # -- households the collaborators see -------------------------------------------------
    candidates: dict[int, list[tuple[int, int]]] = {}
    poor_first: dict[int, list[tuple[int, int]]] = {}
    rows = (
        Household.objects.filter(province=province)
        .order_by("id")
        .values_list("id", "commune_id", "village_id", "status")
    )
    for pk, commune_id, village_id, status in rows.iterator(chunk_size=10_000):
        villages = coverage.get(commune_id)
        if villages is not None and village_id not in villages:
            continue
        candidates.setdefault(commune_id, []).append((pk, village_id))
        if status in (Status.POOR, Status.NEAR_POOR):
            poor_first.setdefault(commune_id, []).append((pk, village_id))

    def household_of(commune_id: int) -> tuple[int, int] | None:
        pool = poor_first.get(commune_id) or candidates.get(commune_id)
        if not pool:
            return None
        return pool[int(rng.integers(len(pool)))]

    # -- monthly plans, reports and activities ---------------------------------------------
    this_month = today.replace(day=1)
    months = [_month_back(this_month, k) for k in range(MONTHS - 1, -1, -1)]
    plans: list[MonthlyPlan] = []
    plan_duties: list[tuple[MonthlyPlan, list[int], bool]] = []
    reports: list[MonthlyReport] = []
    report_duties: list[tuple[MonthlyReport, list[int]]] = []
    activities: list[Activity] = []
    for commune in communes:
        worker = collaborators[commune.pk]
        for month in months:
            past = month < this_month
            plan = MonthlyPlan(worker=worker, month=month, province=province, commune=commune)
            duties = sorted(
                int(d) + 1 for d in rng.choice(6, size=int(rng.integers(3, 6)), replace=False)
            )
            plans.append(plan)
            plan_duties.append((plan, duties, past))
            due_on = services.report_due_on(month, rules)
            submitted: dt.datetime | None = None
            first_day = services.next_month(month)
            draw = rng.random()
            if due_on < today:
                if draw < 0.72:  # on time
                    day = max(first_day, due_on - dt.timedelta(days=int(rng.integers(0, 5))))
                    submitted = _at(day, int(rng.integers(7, 17)))
                elif draw < 0.88:  # late
                    day = min(today, due_on + dt.timedelta(days=int(rng.integers(1, 12))))
                    submitted = _at(day, int(rng.integers(7, 17)))
            elif past and draw < 0.5:  # before the deadline: some already in
                submitted = _at(first_day, 9)
            if submitted is not None:
                submitted = min(submitted, now)
            monthly = MonthlyReport(
                worker=worker,
                month=month,
                province=province,
                commune=commune,
                due_on=due_on,
                submitted_at=submitted,
                submitted_by=worker.user if submitted is not None else None,
                households_visited=int(rng.integers(5, 30)) if submitted else 0,
                meetings_attended=int(rng.integers(0, 4)) if submitted else 0,
                summary="Đề nghị tăng cường tập huấn kỹ năng cho cộng tác viên"
                if submitted and rng.random() < 0.3
                else "",
            )
            reports.append(monthly)
            if submitted is not None:
                report_duties.append((monthly, duties))
                report.reports_submitted += 1
                if timezone.localtime(submitted).date() > due_on:
                    report.reports_late += 1
            last_day = min(today, first_day - dt.timedelta(days=1))
            for _ in range(int(rng.integers(1, 4))):
                home = household_of(commune.pk)
                duty = int(rng.choice(duties))
                span = max(0, (last_day - month).days)
                activities.append(
                    Activity(
                        worker=worker,
                        province=province,
                        commune=commune,
                        village_id=home[1] if home else None,
                        household_id=home[0] if home else None,
                        on=month + dt.timedelta(days=int(rng.integers(0, span + 1))),
                        duty=duty,
                        description=_TASKS[duty],
                        recorded_by=worker.user,
                    )
                )
    MonthlyPlan.objects.bulk_create(plans)
    tasks = [
        Task(
            plan=plan,
            duty=duty,
            description=_TASKS[duty],
            done=(done := bool(rng.random() < (0.85 if past else 0.3))),
            result=_DONE[duty].format(n=int(rng.integers(1, 9))) if done else "",
        )
        for plan, duties, past in plan_duties
        for duty in duties
    ]
    Task.objects.bulk_create(tasks)
    MonthlyReport.objects.bulk_create(reports)
    ReportItem.objects.bulk_create(
        ReportItem(report=row, duty=duty, text=_DONE[duty].format(n=int(rng.integers(1, 9))))
        for row, duties in report_duties
        for duty in duties
    )
    Activity.objects.bulk_create(activities)
    report.plans, report.tasks, report.reports = len(plans), len(tasks), len(reports)

    # -- support requests in every state ----------------------------------------------------
    requests: list[SupportRequest] = []
    steps: list[tuple[SupportRequest, list[_Step]]] = []
    needs = tuple(reference.need_types())
    for commune in communes:
        officer, collaborator = officers[commune.pk], collaborators[commune.pk]
        for state in _STATES:
            home = household_of(commune.pk)
            if home is None:
                break
            closed = state in (RequestState.RESOLVED, RequestState.REFUSED)
            age = int(rng.integers(35, 80) if closed else rng.integers(1, 50))
            received_on = today - dt.timedelta(days=age)
            need = str(rng.choice(needs))
            at = _at(received_on, 9)
            path: list[_Step] = [("create", "", RequestState.RECEIVED, collaborator, at, "")]
            forwarded_at = closed_at = None
            outcome = ""
            owner = collaborator
            if state != RequestState.RECEIVED:
                at = min(now, at + dt.timedelta(days=int(rng.integers(1, 4))))
                forwarded_at, owner = at, officer
                path.append(("forward", "received", RequestState.FORWARDED, officer, at, ""))
            if state in (RequestState.IN_PROGRESS, RequestState.RESOLVED):
                at = min(now, at + dt.timedelta(days=int(rng.integers(1, 6))))
                path.append(("start", "forwarded", RequestState.IN_PROGRESS, officer, at, ""))
            if closed:
                at = min(now, at + dt.timedelta(days=int(rng.integers(2, 20))))
                closed_at = at
                if state == RequestState.RESOLVED:
                    outcome = "Đã đưa vào danh sách hỗ trợ của xã"
                    path.append(
                        ("resolve", "in_progress", RequestState.RESOLVED, officer, at, outcome)
                    )
                else:
                    outcome = "Hộ đã được hỗ trợ nội dung này trong năm"
                    path.append(("refuse", "forwarded", RequestState.REFUSED, officer, at, outcome))
            informed_on = None
            if closed and rng.random() < 0.6:
                informed_on = min(today, timezone.localtime(at).date() + dt.timedelta(days=2))
                path.append(("inform", state, state, officer, min(now, at), "Đến nhà thông báo"))
            request_row = SupportRequest(
                household_id=home[0],
                province=province,
                commune=commune,
                village_id=home[1],
                need_type=need,
                description=_NEEDS[need],
                state=state,
                owner=owner,
                collected_by=collaborator,
                recorded_by=collaborator.user,
                received_on=received_on,
                forward_due_on=received_on + dt.timedelta(days=rules.forward_within_days),
                due_on=received_on + dt.timedelta(days=rules.resolve_within_days),
                state_since=path[-1][4] if path[-1][0] != "inform" else path[-2][4],
                forwarded_at=forwarded_at,
                closed_at=closed_at,
                outcome=outcome,
                household_informed_on=informed_on,
                informed_how="Đến nhà thông báo" if informed_on else "",
            )
            requests.append(request_row)
            steps.append((request_row, path))
            report.request_states[state] = report.request_states.get(state, 0) + 1
    SupportRequest.objects.bulk_create(requests)
    SupportRequestStep.objects.bulk_create(
        SupportRequestStep(
            request=row,
            action=action,
            from_state=source,
            to_state=target_state,
            owner=owner,
            at=at,
            note=note,
            by=owner.user,
        )
        for row, path in steps
        for action, source, target_state, owner, at, note in path
    )
    report.requests = len(requests)

    # -- households' changes and evaluations ------------------------------------------------
    changes: list[HouseholdChange] = []
    kinds = tuple(_CHANGES)
    for commune in communes:
        collaborator = collaborators[commune.pk]
        for _ in range(2):
            home = household_of(commune.pk)
            if home is None:
                break
            kind = str(rng.choice(kinds))
            form = reference.change_kinds()[kind].suggested_form
            pending = kind in ("shock", "death", "improved")
            changes.append(
                HouseholdChange(
                    household_id=home[0],
                    province=province,
                    commune=commune,
                    village_id=home[1],
                    kind=kind,
                    occurred_on=today - dt.timedelta(days=int(rng.integers(3, 60))),
                    description=_CHANGES[kind],
                    reported_by=collaborator.user,
                    worker=collaborator,
                    review_flag=ReviewFlag.PENDING if pending else ReviewFlag.NOT_NEEDED,
                    proposed_form=form if pending else "",
                    review_flag_at=now if pending else None,
                )
            )
    HouseholdChange.objects.bulk_create(changes)
    report.changes = len(changes)

    criteria = reference.evaluation_criteria()
    maximum = sum(c.max_score for c in criteria.values())
    evaluations: list[tuple[Evaluation, dict[str, int]]] = []
    for commune in communes:
        scores = {
            code: int(rng.integers(c.max_score // 2, c.max_score + 1))
            for code, c in criteria.items()
        }
        total = sum(scores.values())
        evaluations.append(
            (
                Evaluation(
                    worker=collaborators[commune.pk],
                    province=province,
                    commune=commune,
                    period_start=dt.date(today.year - 1, 1, 1),
                    period_end=dt.date(today.year - 1, 12, 31),
                    evaluator_body="managing_unit",
                    total=total,
                    max_total=maximum,
                    rating=reference.rating_for(total, maximum),
                    remarks="Nhiệt tình, nắm chắc địa bàn"
                    if total >= 80
                    else "Cần báo cáo đúng hạn",
                ),
                scores,
            )
        )
    Evaluation.objects.bulk_create(e for e, _ in evaluations)
    EvaluationScore.objects.bulk_create(
        EvaluationScore(
            evaluation=evaluation,
            criterion=code,
            score=score,
            max_score=criteria[code].max_score,
        )
        for evaluation, scores in evaluations
        for code, score in scores.items()
    )
    report.evaluations = len(evaluations)

    audit.record_bulk(
        actor=None,
        action="workforce.demo_loaded",
        object_type=Worker._meta.label_lower,
        object_id=province.code,
        summary={
            "seed": seed,
            "today": today,
            "workers": report.workers,
            "plans": report.plans,
            "tasks": report.tasks,
            "reports": report.reports,
            "reports_submitted": report.reports_submitted,
            "reports_late": report.reports_late,
            "requests": report.requests,
            "request_states": report.request_states,
            "changes": report.changes,
            "evaluations": report.evaluations,
            "linked_users": report.linked_users,
            "deleted": report.deleted,
        },
        note="Dữ liệu mẫu (tổng hợp, không phải dữ liệu thật)",
        province_id=province.pk,
    )
    return report
