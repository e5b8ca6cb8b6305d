"""Composition of the workforce (seed 001's table): counts and shares per commune, one
grouped query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.workforce import reference
from giamngheo.workforce.models import WorkerStatus
from giamngheo.workforce.selectors.scope import (
    in_area,
    workers_visible_to,
)


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
    user: Viewer, *, area: AdministrativeUnit | None = None, role: str = reference.COLLABORATOR
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
        workers = workers.filter(in_area(area))
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
