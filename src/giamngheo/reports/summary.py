"""The review's headline figures of an area and year as plain data (the JSON of
``giamngheo report review`` and of the report pages' download): totals, rates in percent of
households (people rates in percent of people), the year's changes and one entry per sub-area.
Rates are exact decimals rounded half-up to two places, written as JSON numbers."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib.report_table import ReportTable
from giamngheo.reports import selectors

TWO = Decimal("0.01")


def rate(part: int, whole: int) -> float | None:
    """part/whole·100, rounded half-up to two decimals (None when whole is 0)."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(TWO, ROUND_HALF_UP))


def _headline(figures: Mapping[str, int]) -> dict[str, Any]:
    households, people = figures["households"], figures["people"]
    return {
        "households": households,
        "people": people,
        "poor": figures["poor"],
        "near_poor": figures["near_poor"],
        "average": figures["average"],
        "poor_rate": rate(figures["poor"], households),
        "near_poor_rate": rate(figures["near_poor"], households),
        "poor_people": figures["poor.people"],
        "near_poor_people": figures["near_poor.people"],
        "poor_people_rate": rate(figures["poor.people"], people),
        "near_poor_people_rate": rate(figures["near_poor.people"], people),
    }


def _changes(figures: Mapping[str, int], status: str) -> dict[str, int]:
    other = "escaped_to_near_poor" if status == "poor" else "to_poor"
    source = "from_near_poor" if status == "poor" else "from_poor"
    keys = ("start", other, "escaped_above", "other_decrease", source, "reentered", "new")
    return {key: figures[f"{status}.{key}"] for key in (*keys, "other_increase", "end")}


def review_summary(
    viewer: Viewer | None, unit: AdministrativeUnit, year: int
) -> dict[str, Any] | None:
    figures = selectors.area_figures(viewer, unit, year)
    subs = selectors.sub_area_figures(viewer, unit, year)
    if figures is None or subs is None:
        return None
    return {
        "area": unit.code,
        "area_name": unit.name,
        "level": str(unit.level),
        "year": year,
        "standard": selectors.standard_of(unit, year),
        **_headline(figures),
        "changes": {status: _changes(figures, status) for status in ("poor", "near_poor")},
        "by_area": [
            {"code": sub.code, "name": sub.name, **_headline(values)} for sub, values in subs
        ],
    }


def table_data(table: ReportTable) -> dict[str, Any]:
    """A report table as JSON-ready data (decimals as numbers)."""

    def cell(value: object) -> object:
        return float(value) if isinstance(value, Decimal) else value

    columns = table.columns()
    return {
        "form": table.metadata.get("form", ""),
        "marker": table.marker,
        "title": table.title,
        "verified": table.verified,
        "legal_basis": table.legal_basis,
        "columns": [
            {"key": c.key, "heading": c.heading, "number": c.number, "kind": c.kind}
            for c in columns
        ],
        "rows": [{c.key: cell(row.values.get(c.key)) for c in columns} for row in table.rows],
        "total": None
        if table.total is None
        else {c.key: cell(table.total.values.get(c.key)) for c in columns},
        "notes": list(table.notes),
    }
