"""Training statistics: participations versus people, by category and area, costs,
coverage of the roster. A fixed number of set-based queries whatever the size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.standards import pack_for_review_year
from giamngheo.training import reference
from giamngheo.training.models import (
    ClassSession,
    CostItem,
    Registration,
    TrainingClass,
)
from giamngheo.training.scoring import ClassGains, gains_from, is_completed
from giamngheo.training.selectors.assessments import class_attempts
from giamngheo.training.selectors.classes import (
    attended,
    classes_visible_to,
)
from giamngheo.workforce import selectors as workforce_selectors
from giamngheo.workforce.models import Worker, WorkerStatus


@dataclass
class AreaRow:
    unit_id: int | None  # None: classes run by the province
    name: str
    classes: int = 0
    participations: int = 0
    people: int = 0
    cost: int = 0


@dataclass
class CategoryRow:
    code: str
    label: str
    participations: int
    people: int


@dataclass
class CoverageRow:
    unit_id: int | None
    name: str
    roster: int
    trained_year: int
    trained_standard: int
    never_trained: int

    @property
    def share_year(self) -> float | None:
        return self.trained_year / self.roster if self.roster else None

    @property
    def share_standard(self) -> float | None:
        return self.trained_standard / self.roster if self.roster else None


@dataclass
class ClassRow:
    training_class: TrainingClass
    registered: int
    participations: int
    completed: int
    cost: int
    gains: ClassGains

    @property
    def cost_per_participation(self) -> float | None:
        return self.cost / self.participations if self.participations else None


@dataclass
class TrainingStatistics:
    year: int
    standard_code: str
    area: AdministrativeUnit | None
    classes: int
    registrations: int
    participations: int
    people: int
    completed: int
    cost_total: int
    by_area: list[AreaRow]
    by_category: list[CategoryRow]
    coverage: list[CoverageRow]
    coverage_total: CoverageRow
    class_rows: list[ClassRow]
    never_trained: list[Worker] = field(default_factory=list)

    @property
    def cost_per_participation(self) -> float | None:
        return self.cost_total / self.participations if self.participations else None

    @property
    def cost_per_person(self) -> float | None:
        return self.cost_total / self.people if self.people else None


def _count(queryset: QuerySet[Any], column: str) -> Coalesce:
    """A correlated COUNT of ``queryset`` rows whose ``column`` is the outer class."""
    return Coalesce(
        Subquery(
            queryset.filter(**{column: OuterRef("pk")})
            .order_by()
            .values(column)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _area_q(area: AdministrativeUnit | None, *, province: str, commune: str) -> Q:
    if area is None:
        return Q()
    if area.level == Level.PROVINCE:
        return Q(**{province: area})
    return Q(**{commune: area})


def roster_visible_to(user: Viewer, area: AdministrativeUnit | None = None) -> QuerySet[Worker]:
    """The workforce whose training coverage is measured: active members of the roster
    (``giamngheo.workforce``) in the roles of the roster categories (officers and
    collaborators), as the workforce app scopes them for ``user``."""
    return workforce_selectors.workers_visible_to(user).filter(
        _area_q(area, province="province", commune="commune"),
        status=WorkerStatus.ACTIVE,
        role__in=reference.roster_worker_roles(),
    )


def training_statistics(
    user: Viewer,
    *,
    year: int,
    area: AdministrativeUnit | None = None,
    standard_code: str | None = None,
    never_trained_limit: int | None = 200,
) -> TrainingStatistics:
    """The training figures of a year within what ``user`` sees (optionally one province or
    commune). ``standard_code`` is the standard whose training coverage is measured; by default
    the one governing that year's review (``standards.pack_for_review_year``)."""
    standard = standard_code or pack_for_review_year(year).code
    classes = classes_visible_to(user).filter(
        _area_q(area, province="province", commune="commune"), start_date__year=year
    )
    registrations = Registration.objects.filter(training_class__in=classes)
    attended_registrations = registrations.filter(attended())

    totals = attended_registrations.aggregate(
        participations=Count("pk"), people=Count("participant", distinct=True)
    )
    registered = registrations.count()
    completed_total = 0

    by_category_rows = {
        row["category"]: row
        for row in attended_registrations.values("category")
        .annotate(participations=Count("pk"), people=Count("participant", distinct=True))
        .order_by()
    }
    by_category = [
        CategoryRow(
            entry.code,
            entry.label,
            by_category_rows[entry.code]["participations"],
            by_category_rows[entry.code]["people"],
        )
        for entry in reference.categories()
        if entry.code in by_category_rows
    ]

    # Per class: counts and cost as correlated subqueries (joins would multiply rows).
    class_list = list(
        classes.select_related("commune", "province")
        .annotate(
            n_registered=_count(Registration.objects.all(), "training_class"),
            n_participations=_count(Registration.objects.filter(attended()), "training_class"),
            cost=Coalesce(
                Subquery(
                    CostItem.objects.filter(training_class=OuterRef("pk"))
                    .order_by()
                    .values("training_class")
                    .annotate(total=Sum("amount"))
                    .values("total")
                ),
                Value(0),
            ),
            n_sessions=_count(ClassSession.objects.all(), "training_class"),
        )
        .order_by("start_date", "code")
    )
    present_counts = (
        registrations.annotate(present=Count("attendance", filter=Q(attendance__present=True)))
        .values_list("training_class_id", "present")
        .order_by()
    )
    completed_by_class: dict[int, int] = defaultdict(int)
    class_by_id = {c.pk: c for c in class_list}
    for class_id, present in present_counts:
        c = class_by_id[class_id]
        if is_completed(present, c.n_sessions, c.min_attendance_percent):
            completed_by_class[class_id] += 1
            completed_total += 1
    gains = gains_from(class_attempts(classes))
    class_rows = [
        ClassRow(
            c,
            c.n_registered,
            c.n_participations,
            completed_by_class[c.pk],
            c.cost,
            gains.get(c.pk, ClassGains([])),
        )
        for c in class_list
    ]

    # Per area (the commune that ran the class, or the province). People are counted per area:
    # someone trained in two communes is one person in each and one in the total, so the area
    # rows do not add up to the total of people (they do for participations and classes).
    areas: dict[int | None, AreaRow] = {}

    def area_row(commune_id: int | None, commune_name: str | None) -> AreaRow:
        if commune_id not in areas:
            areas[commune_id] = AreaRow(commune_id, commune_name or "")
        return areas[commune_id]

    for c in class_list:
        row = area_row(c.commune_id, c.commune.name if c.commune else None)
        row.classes += 1
        row.cost += c.cost
    for row_data in (
        attended_registrations.values("commune")
        .annotate(participations=Count("pk"), people=Count("participant", distinct=True))
        .order_by()
    ):
        row = areas[row_data["commune"]]
        row.participations = row_data["participations"]
        row.people = row_data["people"]
    by_area = sorted(areas.values(), key=lambda r: (r.unit_id is not None, r.name))

    coverage, coverage_total, never = _coverage(
        user, year=year, area=area, standard=standard, never_trained_limit=never_trained_limit
    )
    cost_total = sum(row.cost for row in class_rows)
    return TrainingStatistics(
        year=year,
        standard_code=standard,
        area=area,
        classes=len(class_list),
        registrations=registered,
        participations=totals["participations"],
        people=totals["people"],
        completed=completed_total,
        cost_total=cost_total,
        by_area=by_area,
        by_category=by_category,
        coverage=coverage,
        coverage_total=coverage_total,
        class_rows=class_rows,
        never_trained=never,
    )


def _coverage(
    user: Viewer,
    *,
    year: int,
    area: AdministrativeUnit | None,
    standard: str,
    never_trained_limit: int | None,
) -> tuple[list[CoverageRow], CoverageRow, list[Worker]]:
    """Coverage of the roster by area. A roster member counts as trained by any class they
    attended through their participant record, including classes outside what the user may
    list (a collaborator trained at a provincial class is trained, whoever looks): only counts
    and the user's own roster are shown."""
    attended_by = Registration.objects.filter(attended(), participant__worker=OuterRef("pk"))
    roster = roster_visible_to(user, area).annotate(
        trained_year=Exists(attended_by.filter(training_class__start_date__year=year)),
        trained_standard=Exists(
            attended_by.filter(
                training_class__topics__contains=[reference.NEW_STANDARD],
                training_class__standard_code=standard,
            )
        ),
        trained_ever=Exists(attended_by),
    )
    rows = (
        roster.values("commune", "commune__name")
        .annotate(
            roster=Count("pk"),
            trained_year_n=Count("pk", filter=Q(trained_year=True)),
            trained_standard_n=Count("pk", filter=Q(trained_standard=True)),
            never_n=Count("pk", filter=Q(trained_ever=False)),
        )
        .order_by()
    )
    coverage = sorted(
        (
            CoverageRow(
                row["commune"],
                row["commune__name"] or "",
                row["roster"],
                row["trained_year_n"],
                row["trained_standard_n"],
                row["never_n"],
            )
            for row in rows
        ),
        key=lambda r: (r.unit_id is not None, r.name),
    )
    total = CoverageRow(
        None,
        "",
        sum(r.roster for r in coverage),
        sum(r.trained_year for r in coverage),
        sum(r.trained_standard for r in coverage),
        sum(r.never_trained for r in coverage),
    )
    never = (
        roster.filter(trained_ever=False)
        .select_related("commune")
        .order_by("commune__name", "full_name", "pk")
    )
    if never_trained_limit is not None:
        never = never[:never_trained_limit]
    return coverage, total, list(never)


def statistics_area(user: Viewer, code: str) -> AdministrativeUnit:
    """The province or commune the statistics are for; 404 for a village or an area the user
    may not see."""
    area = AdministrativeUnit.objects.filter(code=code).first()
    if area is None or area.level == Level.VILLAGE or not access.can_view_area(user, area):
        raise Http404
    return area
