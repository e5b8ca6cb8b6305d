"""What the report pages, the CLI and the dashboards read: the figures kept per area and year
(``AreaFigures``), scoped to what the viewer may see. Outside the viewer's reach the answer is
``None`` (the pages turn it into a 404); in reach but without households, empty figures.

``viewer`` may be ``None``: the system (the ``giamngheo report`` command, run by whoever holds
the database) sees every area.

``Figures`` is a mapping measure key → int where a missing key reads 0 (``figures["x"]``;
``figures.get`` keeps dict semantics). Keys and their meaning: ``reports.measures``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.reports.models import AreaFigures


class Figures(dict[str, int]):
    """Measure key → int; a missing key is 0."""

    def __missing__(self, key: str) -> int:
        return 0


@dataclass(frozen=True)
class YearFigures:
    year: int
    standard: str
    figures: Figures


def _reach(viewer: Viewer | None) -> access.Reach:
    return access.Reach(everything=True) if viewer is None else access.view_reach(viewer)


def _visible(viewer: Viewer | None) -> QuerySet[AreaFigures]:
    return AreaFigures.objects.filter(access.area_filter(_reach(viewer)))


def can_see(viewer: Viewer | None, unit: AdministrativeUnit) -> bool:
    """Whether ``viewer`` may see the figures of ``unit``: the unit is in their reach (a
    village grant sees its villages, not the commune's total)."""
    reach = _reach(viewer)
    if reach.everything:
        return True
    if unit.level == Level.PROVINCE:
        return unit.pk in reach.provinces
    if unit.province_id in reach.provinces:
        return True
    if unit.level == Level.COMMUNE:
        return unit.pk in reach.communes
    return unit.parent_id in reach.communes or unit.pk in reach.villages


def area_figures(viewer: Viewer | None, unit: AdministrativeUnit, year: int) -> Figures | None:
    if not can_see(viewer, unit):
        return None
    row = AreaFigures.objects.filter(unit=unit, year=year).values_list("values", flat=True)
    found = row.first()
    return Figures(found or {})


def standard_of(unit: AdministrativeUnit, year: int) -> str:
    return (
        AreaFigures.objects.filter(unit=unit, year=year).values_list("standard", flat=True).first()
        or ""
    )


def sub_area_figures(
    viewer: Viewer | None, unit: AdministrativeUnit, year: int
) -> list[tuple[AdministrativeUnit, Figures]] | None:
    """The figures of ``unit``'s sub-areas with households (a province's communes, a commune's
    villages) that ``viewer`` sees, by code; one query."""
    if not can_see(viewer, unit):
        return None
    if unit.level == Level.PROVINCE:
        rows = AreaFigures.objects.filter(province=unit, level=Level.COMMUNE, year=year)
    elif unit.level == Level.COMMUNE:
        rows = AreaFigures.objects.filter(commune=unit, level=Level.VILLAGE, year=year)
    else:
        return []
    rows = rows.filter(access.area_filter(_reach(viewer)))
    return [
        (row.unit, Figures(row.values))
        for row in rows.select_related("unit").order_by("unit__code")
    ]


def series(viewer: Viewer | None, unit: AdministrativeUnit) -> list[YearFigures] | None:
    """The figures of ``unit`` for every year computed, oldest first."""
    if not can_see(viewer, unit):
        return None
    return [
        YearFigures(year, standard, Figures(values))
        for year, standard, values in AreaFigures.objects.filter(unit=unit)
        .order_by("year")
        .values_list("year", "standard", "values")
    ]


def years(viewer: Viewer | None, unit: AdministrativeUnit) -> list[int]:
    """The years with figures for ``unit``, newest first."""
    if not can_see(viewer, unit):
        return []
    return list(
        AreaFigures.objects.filter(unit=unit).order_by("-year").values_list("year", flat=True)
    )


def visible_figures(viewer: Viewer | None) -> QuerySet[AreaFigures]:
    """Every figures row ``viewer`` may see (for lists and dashboards)."""
    return _visible(viewer)
