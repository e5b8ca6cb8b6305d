"""Reads of the workforce, always scoped to what the user may see.

Two kinds of records:

- a worker's own records (roster entry, contracts, plans, activities, reports, evaluations):
  officers and inspectors see those of their areas; a collaborator sees only their own, even
  when their grant is on a whole commune (issue 6: "a collaborator sees only their own plans
  and reports");
- household records (support requests, reports of changes): scoped like the households
  themselves, so a collaborator sees those of the villages they are granted.

Figures (composition, reporting rates) are computed in the database in one grouped query each,
never a query per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.models import Role, User
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.text import search_key
from giamngheo.registry import selectors as registry_selectors
from giamngheo.registry.models import Household
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    Evaluation,
    HouseholdChange,
    MonthlyPlan,
    MonthlyReport,
    ProvinceRule,
    ReviewFlag,
    SupportRequest,
    Task,
    Worker,
    WorkerStatus,
)
from giamngheo.workforce.states import OPEN_STATES, RequestState

# Roles that supervise the workforce of their areas. A collaborator's grant never opens other
# workers' records. (accounts.access computes the reach; this only picks the roles.)
SUPERVISING_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.INSPECTOR})
PAGE_SIZE = 50


def supervision_reach(user: Any) -> access.Reach:
    return access.reach_for_roles(user, frozenset(SUPERVISING_ROLES))


def _own_records(user: Any, worker_path: str) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(**{f"{worker_path}user": user})


def _worker_scope(user: Any, worker_path: str = "worker__") -> Q:
    """Rows carrying ``province``/``commune`` of a worker: supervised areas, or one's own."""
    reach = supervision_reach(user)
    if reach.everything:
        return Q()  # (an empty Q OR'ed with a condition would keep only the condition)
    return access.area_filter(reach, village="") | _own_records(user, worker_path)


def workers_visible_to(user: Any) -> QuerySet[Worker]:
    return Worker.objects.filter(_worker_scope(user, worker_path=""))


def worker_for(user: Any, pk: int) -> Worker:
    worker = (
        workers_visible_to(user).select_related("province", "commune", "user").filter(pk=pk).first()
    )
    if worker is None:
        raise Http404
    return worker


def plans_visible_to(user: Any) -> QuerySet[MonthlyPlan]:
    return MonthlyPlan.objects.filter(_worker_scope(user))


def reports_visible_to(user: Any) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(_worker_scope(user))


def evaluations_visible_to(user: Any) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(_worker_scope(user))


def requests_visible_to(user: Any) -> QuerySet[SupportRequest]:
    return access.scoped(SupportRequest.objects.all(), user)


def request_for(user: Any, pk: int) -> SupportRequest:
    return access.get_visible_or_404(
        SupportRequest.objects.select_related(
            "household", "province", "commune", "village", "owner", "collected_by"
        ),
        user,
        pk=pk,
    )


def changes_visible_to(user: Any) -> QuerySet[HouseholdChange]:
    return access.scoped(HouseholdChange.objects.all(), user)


def _in_area(area: AdministrativeUnit | None) -> Q:
    if area is None:
        return Q()
    column = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}[
        Level(area.level)
    ]
    return Q(**{column: area})


# -- rules and people the services look up ----------------------------------------------------


def rules_for(province: AdministrativeUnit | int) -> reference.Rules:
    """The rules in force for a province: its own ``ProvinceRule`` or the data-file defaults."""
    province_id = province if isinstance(province, int) else province.pk
    row = ProvinceRule.objects.filter(province_id=province_id).first()
    if row is None:
        return reference.default_rules()
    return reference.Rules(
        report_deadline_day=row.report_deadline_day,
        forward_within_days=row.forward_within_days,
        resolve_within_days=row.resolve_within_days,
        legal_basis=row.legal_basis,
        verified=False,
    )


def worker_of(user: Any) -> Worker | None:
    """The roster entry linked to a user account, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Worker.objects.filter(user=user).first()


def commune_officer_for(commune_id: int) -> Worker | None:
    """The active commune officer responsible for a commune: assigned to it, else managed
    by it (the lowest id first, so the choice is stable)."""
    officers = Worker.objects.filter(role=reference.COMMUNE_OFFICER, status=WorkerStatus.ACTIVE)
    assigned = officers.filter(
        assignments__commune_id=commune_id,
        assignments__village__isnull=True,
        assignments__ends_on__isnull=True,
    )
    return (
        assigned.order_by("pk").first()
        or officers.filter(commune_id=commune_id).order_by("pk").first()
    )


# -- roster -----------------------------------------------------------------------------------


def roster(
    user: Any,
    *,
    area: AdministrativeUnit | None = None,
    role: str | None = None,
    status: str | None = WorkerStatus.ACTIVE,
    query: str = "",
) -> QuerySet[Worker]:
    workers = workers_visible_to(user).select_related("commune")
    if area is not None and area.level != Level.VILLAGE:
        workers = workers.filter(_in_area(area))
    elif area is not None:  # village: those assigned to it
        workers = workers.filter(assignments__village=area, assignments__ends_on__isnull=True)
    if role:
        workers = workers.filter(role=role)
    if status:
        workers = workers.filter(status=status)
    if query.strip():
        workers = workers.filter(
            Q(search_name__contains=search_key(query)) | Q(code__iexact=query.strip())
        )
    return workers.order_by("commune__name", "full_name", "pk").distinct()


def managed_units(user: Any) -> QuerySet[AdministrativeUnit]:
    """Provinces and communes in force where ``user`` may manage the workforce (add people,
    open a reporting month): their decision reach (``access.decidable_communes``)."""
    reach = access.decision_reach(user)
    provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
    if not reach.everything:
        provinces = provinces.filter(pk__in=reach.provinces)
    units = AdministrativeUnit.objects.filter(
        Q(pk__in=provinces.values("pk")) | Q(pk__in=access.decidable_communes(user).values("pk"))
    )
    # Provinces first for officers; an administrator's long list starts with the communes.
    return units.order_by("level" if reach.everything else "-level", "name")


def assignable_areas(user: Any, worker: Worker) -> QuerySet[AdministrativeUnit]:
    """Communes and villages of the worker's province (of their commune, for commune staff)
    that ``user`` may assign: communes they decide in, and those communes' villages."""
    communes = access.decidable_communes(user).filter(province_id=worker.province_id)
    villages = access.decision_reach(user).villages
    units = AdministrativeUnit.objects.filter(
        level__in=[Level.COMMUNE, Level.VILLAGE],
        valid_to__isnull=True,
        province_id=worker.province_id,
    )
    if worker.commune_id is not None:
        units = units.filter(Q(pk=worker.commune_id) | Q(parent_id=worker.commune_id))
    units = units.filter(
        Q(level=Level.COMMUNE, pk__in=communes.values("pk"))
        | Q(level=Level.VILLAGE, parent__in=communes.values("pk"))
        | Q(level=Level.VILLAGE, pk__in=villages)
    )
    return units.select_related("parent").order_by("level", "name")


def worker_months(worker: Worker, limit: int = 24) -> list[tuple[dt.date, MonthlyReport | None]]:
    """The worker's last months with a plan or a report, newest first, with the report."""
    reports = {r.month: r for r in worker.reports.all()[:limit]}
    plans = {p.month for p in worker.plans.all()[:limit]}
    return [(m, reports.get(m)) for m in sorted(set(reports) | plans, reverse=True)]


def account_named(username: str) -> User | None:
    """The account with this username (for linking a roster entry), if any."""
    return User.objects.filter(username=username).first() if username else None


# -- composition statistics -------------------------------------------------------------------


@dataclass
class CompositionRow:
    """Counts of one area (a commune, or the province-level staff, or the total)."""

    label: str
    unit: AdministrativeUnit | None
    total: int = 0
    organisations: dict[str, int] = field(default_factory=dict)
    women: int = 0
    minority: int = 0
    education: dict[str, int] = field(default_factory=dict)
    intermediate_or_above: int = 0
    college_or_university: int = 0

    def share(self, count: int) -> float | None:
        return count / self.total if self.total else None

    def add(self, other: CompositionRow) -> None:
        self.total += other.total
        self.women += other.women
        self.minority += other.minority
        self.intermediate_or_above += other.intermediate_or_above
        self.college_or_university += other.college_or_university
        for code, count in other.organisations.items():
            self.organisations[code] = self.organisations.get(code, 0) + count
        for code, count in other.education.items():
            self.education[code] = self.education.get(code, 0) + count


@dataclass
class Composition:
    area: AdministrativeUnit | None
    role: str
    rows: list[CompositionRow]
    total: CompositionRow


def composition(
    user: Any, *, area: AdministrativeUnit | None = None, role: str = reference.COLLABORATOR
) -> Composition:
    """Active workers of ``role`` ("" = every role) by commune: counts by mass organisation,
    women, ethnic minorities (any group but Kinh) and education level, as seed 001 reports
    them for Kon Tum's collaborators. One grouped query, plus one for the communes' names."""
    levels = reference.education_levels()
    aggregates: dict[str, Any] = {
        "total": Count("id"),
        "women": Count("id", filter=Q(sex="female")),
        "minority": Count("id", filter=~Q(ethnicity=reference.KINH)),
        "intermediate_or_above": Count(
            "id",
            filter=Q(education__in=[c for c, lv in levels.items() if lv.intermediate_or_above]),
        ),
        "college_or_university": Count(
            "id",
            filter=Q(education__in=[c for c, lv in levels.items() if lv.college_or_university]),
        ),
    }
    for code in reference.mass_organisations():
        aggregates[f"org__{code}"] = Count("id", filter=Q(mass_organisation=code))
    for code in levels:
        aggregates[f"edu__{code}"] = Count("id", filter=Q(education=code))
    workers = workers_visible_to(user).filter(status=WorkerStatus.ACTIVE)
    if area is not None:
        if area.level == Level.VILLAGE:
            raise Http404
        workers = workers.filter(_in_area(area))
    if role:
        workers = workers.filter(role=role)
    grouped: dict[int | None, dict[str, Any]] = {
        row["commune_id"]: dict(row)
        for row in workers.values("commune_id").order_by("commune_id").annotate(**aggregates)
    }
    if area is not None and area.level == Level.COMMUNE:
        units = [area]
    elif area is not None:
        units = list(
            AdministrativeUnit.objects.filter(parent=area, level=Level.COMMUNE).order_by("name")
        )
    else:
        units = list(AdministrativeUnit.objects.filter(pk__in=[k for k in grouped if k]))
        units.sort(key=lambda unit: unit.name)
    rows = [_composition_row(unit.name, unit, grouped.get(unit.pk)) for unit in units]
    if None in grouped:
        rows.append(_composition_row(_("Cấp tỉnh"), None, grouped[None]))
    total = CompositionRow(label=_("Tổng"), unit=area)
    for row in rows:
        total.add(row)
    return Composition(area=area, role=role, rows=rows, total=total)


def _composition_row(
    label: str, unit: AdministrativeUnit | None, values: dict[str, Any] | None
) -> CompositionRow:
    values = values or {}
    return CompositionRow(
        label=label,
        unit=unit,
        total=values.get("total", 0),
        women=values.get("women", 0),
        minority=values.get("minority", 0),
        intermediate_or_above=values.get("intermediate_or_above", 0),
        college_or_university=values.get("college_or_university", 0),
        organisations={
            code: values.get(f"org__{code}", 0) for code in reference.mass_organisations()
        },
        education={code: values.get(f"edu__{code}", 0) for code in reference.education_levels()},
    )


# -- monthly plans and reports -----------------------------------------------------------------


def plan_with_tasks(user: Any, worker: Worker, month: dt.date) -> MonthlyPlan | None:
    """The worker's plan of ``month`` with its tasks by duty (``tasks`` prefetched)."""
    return (
        plans_visible_to(user)
        .filter(worker=worker, month=month)
        .prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("duty", "pk")))
        .first()
    )


def task_of(worker: Worker, month: dt.date, pk: str) -> Task | None:
    """A task of the worker's plan of ``month`` (``pk`` as posted: anything else is none)."""
    if not pk.isdigit():
        return None
    return (
        Task.objects.filter(pk=int(pk), plan__worker=worker, plan__month=month)
        .select_related("plan__worker")
        .first()
    )


def month_report(
    user: Any, worker: Worker, month: dt.date, *, with_items: bool = False
) -> MonthlyReport | None:
    """The worker's report of ``month`` if it exists (is expected), with its items if asked."""
    reports = reports_visible_to(user).filter(worker=worker, month=month)
    return (reports.prefetch_related("items") if with_items else reports).first()


# -- reporting completeness and timeliness ----------------------------------------------------


@dataclass
class ReportingRow:
    label: str
    unit: AdministrativeUnit | None
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    overdue: int = 0  # not submitted and past the deadline

    @property
    def late(self) -> int:
        """Submitted after the deadline."""
        return self.submitted - self.on_time

    def share(self, count: int) -> float | None:
        return count / self.expected if self.expected else None


@dataclass
class Reporting:
    month: dt.date
    rows: list[ReportingRow]
    total: ReportingRow


def reporting_rates(
    user: Any, *, month: dt.date, today: dt.date, area: AdministrativeUnit | None = None
) -> Reporting:
    """Expected, submitted, on-time and overdue monthly reports of ``month`` by commune.
    On time: submitted (local date, Asia/Ho_Chi_Minh) on or before the report's deadline."""
    reports = reports_visible_to(user).filter(month=month)
    if area is not None:
        if area.level == Level.VILLAGE:
            raise Http404
        reports = reports.filter(_in_area(area))
    grouped = list(
        reports.values("commune_id", "commune__name")
        .order_by("commune__name", "commune_id")
        .annotate(
            expected=Count("id"),
            submitted=Count("id", filter=Q(submitted_at__isnull=False)),
            on_time=Count(
                "id",
                filter=Q(submitted_at__isnull=False, submitted_at__date__lte=F("due_on")),
            ),
            overdue=Count("id", filter=Q(submitted_at__isnull=True, due_on__lt=today)),
        )
    )
    rows = [
        ReportingRow(
            label=row["commune__name"] or _("Cấp tỉnh"),
            unit=None,
            expected=row["expected"],
            submitted=row["submitted"],
            on_time=row["on_time"],
            overdue=row["overdue"],
        )
        for row in grouped
    ]
    total = ReportingRow(label=_("Tổng"), unit=area)
    for row in rows:
        total.expected += row.expected
        total.submitted += row.submitted
        total.on_time += row.on_time
        total.overdue += row.overdue
    return Reporting(month=month, rows=rows, total=total)


@dataclass
class LateReport:
    report: MonthlyReport
    days_late: int
    submitted: bool


def late_reports(
    user: Any, *, month: dt.date, today: dt.date, area: AdministrativeUnit | None = None
) -> list[LateReport]:
    """Who is late for ``month``: reports not submitted past their deadline, and reports
    submitted after it. One query."""
    reports = (
        reports_visible_to(user)
        .filter(month=month)
        .filter(
            Q(submitted_at__isnull=True, due_on__lt=today)
            | Q(submitted_at__isnull=False, submitted_at__date__gt=F("due_on"))
        )
    )
    if area is not None:
        reports = reports.filter(_in_area(area))
    rows = []
    for report in reports.select_related("worker", "commune").order_by(
        "commune__name", "worker__full_name", "pk"
    ):
        if report.submitted_at is None:
            rows.append(LateReport(report, (today - report.due_on).days, False))
        else:
            day = timezone.localtime(report.submitted_at).date()
            rows.append(LateReport(report, (day - report.due_on).days, True))
    return rows


# -- support requests -------------------------------------------------------------------------


@dataclass
class RequestFilters:
    area: AdministrativeUnit | None = None
    state: str | None = None
    overdue_only: bool = False
    owner: Worker | None = None
    need_type: str | None = None


def request_list(
    user: Any, filters: RequestFilters, *, today: dt.date, after: int | None = None
) -> tuple[list[SupportRequest], int | None]:
    """A page of requests, newest first by id (keyset), with what the list shows joined in."""
    requests = requests_visible_to(user).filter(_in_area(filters.area))
    if filters.state:
        requests = requests.filter(state=filters.state)
    if filters.overdue_only:
        requests = requests.filter(state__in=list(OPEN_STATES), due_on__lt=today)
    if filters.owner is not None:
        requests = requests.filter(owner=filters.owner)
    if filters.need_type:
        requests = requests.filter(need_type=filters.need_type)
    if after is not None:
        requests = requests.filter(pk__lt=after)
    rows = list(
        requests.select_related("household", "village", "owner").order_by("-pk")[: PAGE_SIZE + 1]
    )
    next_after = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_after


def request_counts(
    user: Any, *, today: dt.date, area: AdministrativeUnit | None = None
) -> dict[str, int]:
    """Requests by state, and the open ones past their deadline (``overdue``). One query."""
    aggregates: dict[str, Any] = {
        state: Count("id", filter=Q(state=state)) for state in RequestState.values
    }
    aggregates["overdue"] = Count("id", filter=Q(state__in=list(OPEN_STATES), due_on__lt=today))
    aggregates["not_informed"] = Count(
        "id",
        filter=~Q(state__in=list(OPEN_STATES)) & Q(household_informed_on__isnull=True),
    )
    result: dict[str, int] = (
        requests_visible_to(user).filter(_in_area(area)).aggregate(**aggregates)
    )
    return result


def age_days(request: SupportRequest, today: dt.date) -> int:
    """Days from receipt to closing (closed requests) or to today (open ones)."""
    end = timezone.localtime(request.closed_at).date() if request.closed_at else today
    return (end - request.received_on).days


def request_owners(request: SupportRequest) -> QuerySet[Worker]:
    """Who may own a request: active officers (roles without a field access role) of the
    request's commune, managed by it or assigned to it."""
    officer_roles = [c for c, info in reference.roles().items() if not info.access_role]
    return (
        Worker.objects.filter(status=WorkerStatus.ACTIVE, role__in=officer_roles)
        .filter(
            Q(commune_id=request.commune_id)
            | Q(assignments__commune_id=request.commune_id, assignments__ends_on__isnull=True)
        )
        .distinct()
        .order_by("full_name")
    )


def household_by_code(user: Any, code: str) -> Household | None:
    """A household the user may see, by its code as typed (case and spaces ignored)."""
    return (
        registry_selectors.households_visible_to(user)
        .filter(code=code.strip().upper())
        .select_related("village")
        .first()
    )


# -- household changes and the in-year review --------------------------------------------------


def pending_in_year_reviews(
    user: Any, *, area: AdministrativeUnit | None = None
) -> QuerySet[HouseholdChange]:
    """Reported changes waiting for the in-year review (for issue 5 to pick up)."""
    return (
        changes_visible_to(user)
        .filter(_in_area(area), review_flag=ReviewFlag.PENDING)
        .select_related("household", "village")
        .order_by("occurred_on", "pk")
    )


def households_flagged_for_review(user: Any) -> QuerySet[Household]:
    """Households with at least one change waiting for the in-year review."""
    pending = HouseholdChange.objects.filter(review_flag=ReviewFlag.PENDING)
    return access.scoped(Household.objects.all(), user).filter(
        pk__in=pending.values("household_id")
    )


def change_list(
    user: Any, *, area: AdministrativeUnit | None = None, flag: str = "", limit: int = 200
) -> list[HouseholdChange]:
    """Reported changes of an area, newest first; only those with review ``flag`` if given."""
    changes = (
        changes_visible_to(user)
        .filter(_in_area(area))
        .select_related("household", "village", "commune", "worker")
    )
    if flag in ReviewFlag.values:
        changes = changes.filter(review_flag=flag)
    return list(changes.order_by("-occurred_on", "-pk")[:limit])
