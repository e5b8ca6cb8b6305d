"""Reads of the registry, always scoped to what the user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import CharField, F, Func, Prefetch, QuerySet, Value
from django.db.models.functions import Lower

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.registry.models import Household, LifeEvent, Membership

PAGE_SIZE = 50


def households_visible_to(user: Viewer) -> QuerySet[Household]:
    return access.scoped(Household.objects.all(), user)


def household_for(user: Viewer, pk: int) -> Household:
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
    total: int = 0  # households matching the filters, over every page


GROUP_FLAGS = (
    "is_ethnic_minority",
    "is_merit_family",
    "has_social_assistance_member",
    "has_no_labour_capacity",
)


def household_page(
    user: Viewer,
    *,
    area: AdministrativeUnit | None = None,
    status: str | None = None,
    year: int | None = None,
    flags: tuple[str, ...] = (),
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
    if year is not None:
        households = households.filter(status_year=year)
    for flag in flags:
        if flag not in GROUP_FLAGS:
            raise ValueError(f"unknown household group flag {flag!r}")
        households = households.filter(**{flag: True})
    total = households.count()
    if after is not None:
        households = households.filter(id__gt=after)
    rows = list(households.order_by("id")[: page_size + 1])
    next_after = rows[page_size - 1].pk if len(rows) > page_size else None
    return HouseholdPage(rows[:page_size], next_after, total)


def commune_choices(
    user: Viewer, area: AdministrativeUnit | None
) -> tuple[AdministrativeUnit | None, list[AdministrativeUnit]]:
    """The province whose communes the household list offers as a filter (a province in view,
    or the user's one province), and those communes; none below a province."""
    province = None
    if area is not None and area.level == Level.PROVINCE:
        province = area
    elif area is None:
        reach = access.view_reach(user)
        if not reach.everything and len(reach.provinces) == 1:
            province = AdministrativeUnit.objects.filter(pk__in=reach.provinces).first()
    if province is None:
        return None, []
    communes = (
        access.visible_units(user)
        .filter(parent=province, level=Level.COMMUNE, valid_to__isnull=True)
        .order_by("name")
    )
    return province, list(communes)


def village_choices(
    user: Viewer, area: AdministrativeUnit | None
) -> tuple[AdministrativeUnit | None, list[AdministrativeUnit]]:
    """The commune whose villages the household list offers as a filter, and those villages
    the user may see: the commune of ``area`` (a commune or one of its villages), else the
    user's own commune when all their grants lie in one; none for a province-wide view."""
    commune = None
    if area is not None and area.level == Level.COMMUNE:
        commune = area
    elif area is not None and area.level == Level.VILLAGE:
        commune = area.parent
    elif area is None:
        reach = access.view_reach(user)
        communes = set(reach.communes)
        if reach.villages:
            communes |= set(
                AdministrativeUnit.objects.filter(pk__in=reach.villages).values_list(
                    "parent_id", flat=True
                )
            )
        if not reach.everything and not reach.provinces and len(communes) == 1:
            commune = AdministrativeUnit.objects.filter(pk__in=communes).first()
    if commune is None:
        return None, []
    villages = (
        access.visible_units(user)
        .filter(parent=commune, level=Level.VILLAGE, valid_to__isnull=True)
        .order_by("name")
    )
    return commune, list(villages)


SEARCH_LIMIT = 50
# Word similarity above which a name counts as a match despite typos (pg_trgm's default is 0.6).
SEARCH_MIN_SIMILARITY = 0.45
CITIZEN_ID = re.compile(r"^[0-9]{12}$")


def search_households(user: Viewer, query: str, limit: int = SEARCH_LIMIT) -> list[Household]:
    """Households matching a name (accents ignored, typos tolerated), a household code or a
    12-digit personal ID, best matches first, within what the user may see.

    The query is folded by PostgreSQL's ``unaccent`` and compared with the accent-free
    ``search_text`` column through pg_trgm's word-similarity operator, which the GIN trigram
    index serves (a similarity computed for every row would scan a province of a million
    households); the threshold is set for this transaction only.
    """
    query = " ".join(query.split())
    if not query:
        return []
    visible = households_visible_to(user).select_related("village")
    if CITIZEN_ID.match(query):
        return list(
            visible.filter(
                memberships__person__citizen_id=query, memberships__left_on__isnull=True
            )[:limit]
        )
    exact = list(visible.filter(code__in={query, query.upper()})[:limit])
    if exact:  # a household code names one household: similar codes are noise
        return exact
    folded = Lower(Func(Value(query), function="unaccent", output_field=CharField()))
    similarity = TrigramWordSimilarity(folded, "search_text")  # type: ignore[arg-type]
    # First the names that contain the query as typed (accents aside): selective, served by the
    # trigram index, and what an officer means most of the time. Only when none does, the
    # typo-tolerant word similarity, whose threshold is set for this transaction only.
    containing = (
        visible.annotate(folded_query=folded)
        .filter(search_text__contains=F("folded_query"))
        .annotate(similarity=similarity)
        .order_by("-similarity", "id")[:limit]
    )
    found: list[Household] = list(containing)
    if found:
        return found
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(SEARCH_MIN_SIMILARITY)],
        )
        return list(
            visible.filter(search_text__trigram_word_similar=folded)
            .annotate(similarity=similarity)
            .order_by("-similarity", "id")[:limit]
        )


def life_events_for(user: Viewer, **filters: Any) -> list[tuple[LifeEvent, Household | None]]:
    """Life events of the households ``user`` sees (``filters``: ``household=``, ``person=``),
    latest first, each with the household the person came from when the user sees it (a
    household elsewhere is not named)."""
    visible = households_visible_to(user)
    events = list(
        LifeEvent.objects.filter(household__in=visible, **filters).select_related(
            "household", "person", "other_household"
        )
    )
    seen = set(
        visible.filter(pk__in=[e.other_household_id for e in events]).values_list("pk", flat=True)
    )
    return [(e, e.other_household if e.other_household_id in seen else None) for e in events]


# Enough to pick from while typing; a longer list means the query should be more precise.
HOUSEHOLD_PICK_LIMIT = 10


def household_choices(user: Viewer, query: str) -> list[Household]:
    """Households a form may pick (issue 11: found by search, not a typed code): the accent-free,
    typo-tolerant search above (name, household code or personal ID) over what the user may
    see, keeping those whose village the user may change (the forms record something about the
    household). The chosen id is checked again by the view (``household_choice``) and the
    service."""
    if len(" ".join(query.split())) < 2:
        return []
    found = search_households(user, query, limit=HOUSEHOLD_PICK_LIMIT * 3)
    return [h for h in found if access.can_change_area(user, h.village)][:HOUSEHOLD_PICK_LIMIT]


def household_choice(user: Viewer, pk: int) -> Household | None:
    """The household of id ``pk`` if the user may see it and record something about it."""
    household = households_visible_to(user).select_related("village").filter(pk=pk).first()
    if household is None or not access.can_change_area(user, household.village):
        return None
    return household
