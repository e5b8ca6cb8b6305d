"""The household list: filters, keyset pagination and a constant number of queries."""

from __future__ import annotations

import datetime as dt

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


def test_the_list_shows_the_result_count_and_filters_by_village(world: World) -> None:
    """Issue 11: the list says how many households match (over every page) and a commune
    officer narrows it to one village."""
    for number in range(2, 6):
        make_household(world.village_a2, f"A2-{number:03d}", f"Hộ Số {number}")
    client = Client()
    log_in(client, "xa_a")
    html = client.get("/households/").text
    assert 'data-result-count="6"' in html and "Tìm thấy 6 hộ" in html
    # The village filter lists the commune's villages, the whole commune first.
    assert 'name="area"' in html
    assert f'<option value="{world.commune_a.code}">' in html
    assert f'<option value="{world.village_a2.code}">{world.village_a2.name}</option>' in html
    assert world.village_b1.code not in html  # another commune's village is not offered
    html = client.get("/households/", {"area": world.village_a2.code}).text
    assert 'data-result-count="5"' in html and "A1-001" not in html and "A2-005" in html
    assert f'<option value="{world.village_a2.code}" selected>' in html
    # Counted over every page, not only the rows shown.
    assert selectors.household_page(world.xa_a, page_size=2).total == 6
    # A search says how many it found.
    html = client.get("/households/", {"q": "tran thi binh"}).text
    assert 'data-result-count="1"' in html
    # A collaborator of village A1 sees only that village: nothing else to choose.
    log_in(client, "ctv")
    html = client.get("/households/").text
    assert 'data-result-count="1"' in html and world.village_a2.code not in html


def test_the_members_table_shows_the_year_of_birth(world: World) -> None:
    """Issue 11: the column "Năm sinh" shows the year, also for a member whose date is known."""
    client = Client()
    log_in(client, "xa_a")
    household = world.household_a1
    person = household.memberships.get(is_head=True).person
    person.birth_date = dt.date(1975, 4, 30)
    person.birth_year = 1975
    person.save(update_fields=["birth_date", "birth_year"])
    html = client.get(f"/households/{household.pk}/").text
    assert "<td>1975</td>" in html and "30/04/1975" not in html


def test_a_provincial_officer_narrows_the_list_to_a_commune_then_a_village(world: World) -> None:
    client = Client()
    log_in(client, "tinh")
    html = client.get("/households/").text
    assert f'<option value="{world.province.code}">' in html
    assert f'<option value="{world.commune_b.code}">{world.commune_b.name}</option>' in html
    assert world.village_a1.code not in html  # villages come once a commune is chosen
    html = client.get("/households/", {"area": world.commune_a.code}).text
    assert f'<option value="{world.village_a1.code}">' in html
    assert 'data-result-count="2"' in html  # A1-001 and A2-001
