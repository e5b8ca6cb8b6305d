"""Reads of the registry, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.registry.models import Household, Membership

PAGE_SIZE = 50


def households_visible_to(user: Any) -> QuerySet[Household]:
    return access.scoped(Household.objects.all(), user)


def household_for(user: Any, pk: int) -> Household:
    return access.get_visible_or_404(
        Household.objects.select_related("province", "commune", "village").prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(left_on__isnull=True)
                .select_related("person")
                .order_by("-is_head", "person__birth_year"),
                to_attr="current_memberships",
            )
        ),
        user,
        pk=pk,
    )


@dataclass
class HouseholdPage:
    rows: list[Household]
    next_after: int | None


def household_page(
    user: Any,
    *,
    area: AdministrativeUnit | None = None,
    status: str | None = None,
    after: int | None = None,
    page_size: int = PAGE_SIZE,
) -> HouseholdPage:
    """One page of households ordered by id, continuing after ``after`` (keyset pagination:
    the cost does not grow with the page number, unlike OFFSET)."""
    households = households_visible_to(user).select_related("village")
    if area is not None:
        column = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}[
            Level(area.level)
        ]
        households = households.filter(**{column: area})
    if status is not None:
        households = households.filter(status=status)
    if after is not None:
        households = households.filter(id__gt=after)
    rows = list(households.order_by("id")[: page_size + 1])
    next_after = rows[page_size - 1].pk if len(rows) > page_size else None
    return HouseholdPage(rows[:page_size], next_after)


def search_filter(text: str) -> Q:
    from giamngheo.lib.text import search_key

    key = search_key(text)
    return Q(search_text__contains=key) | Q(code=text.strip())
