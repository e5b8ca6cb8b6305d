"""The household list: filters, keyset pagination and a constant number of queries."""

from __future__ import annotations

import pytest
from django.test import Client

from giamngheo.registry import selectors, services
from giamngheo.registry.models import Household
from tests.conftest import World, log_in, make_household

pytestmark = pytest.mark.django_db


def test_keyset_pages_cover_every_household_once(world: World) -> None:
    for number in range(2, 13):
        make_household(world.village_a1, f"A1-{number:03d}", f"Hộ Số {number}")
    seen: list[str] = []
    after = None
    while True:
        page = selectors.household_page(world.xa_a, page_size=5, after=after)
        seen += [h.code for h in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert sorted(seen) == sorted(
        Household.objects.filter(commune=world.commune_a).values_list("code", flat=True)
    )
    assert len(seen) == len(set(seen)) == 13


def test_filters_by_status_year_and_group_flags(world: World) -> None:
    h = world.household_a1
    h = services.household_update(
        actor=None, household=h, expected_version=h.version, is_ethnic_minority=True
    )
    services.household_status_set(
        actor=None,
        household=h,
        status="poor",
        standard="2022-2025",
        year=2025,
        basis="Quyết định 01/QĐ-UBND",
    )
    page = selectors.household_page(
        world.xa_a, status="poor", year=2025, flags=("is_ethnic_minority",)
    )
    assert [x.code for x in page.rows] == ["A1-001"]
    assert selectors.household_page(world.xa_a, year=2024).rows == []
    with pytest.raises(ValueError, match="unknown"):
        selectors.household_page(world.xa_a, flags=("is_staff",))


def test_the_list_page_runs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: object
) -> None:
    for number in range(2, 40):
        make_household(world.village_a2, f"A2-{number:03d}", f"Hộ Số {number}")
    client = Client()
    log_in(client, "xa_a")
    client.get("/households/")  # warm the session
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = client.get("/households/", {"status": "", "flag": "is_merit_family"})
    assert response.status_code == 200
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        html = client.get("/households/").text
    assert html.count('href="/households/') >= 39
