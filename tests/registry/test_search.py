"""Search ignores accents, tolerates typos, finds ID numbers and codes, within scope."""

from __future__ import annotations

import pytest

from giamngheo.registry import selectors, services
from tests.conftest import World, make_household

pytestmark = pytest.mark.django_db


def codes(households: list[object]) -> list[str]:
    return [h.code for h in households]  # type: ignore[attr-defined]


def test_an_unaccented_query_finds_the_accented_name(world: World) -> None:
    assert codes(selectors.search_households(world.tinh, "nguyen van an")) == ["A1-001"]


def test_a_typo_still_finds_the_household(world: World) -> None:
    assert "A1-001" in codes(selectors.search_households(world.tinh, "nguyen vn an"))
    assert "A2-001" in codes(selectors.search_households(world.tinh, "Tran Thi Binhh"))


def test_unrelated_names_do_not_match(world: World) -> None:
    assert selectors.search_households(world.tinh, "Hoàng Xuân Vinh") == []


def test_search_by_household_code_and_personal_id(world: World) -> None:
    assert codes(selectors.search_households(world.tinh, "b1-001")) == ["B1-001"]
    household = services.household_create(
        actor=None,
        village=world.village_a1,
        code="A1-002",
        members=[
            services.PersonData(
                full_name="Đinh Thị Hoa",
                sex="female",
                birth_year=1990,
                relation="head",
                citizen_id="044190001234",
            )
        ],
    )
    assert codes(selectors.search_households(world.xa_a, "044190001234")) == [household.code]


def test_search_stays_within_the_users_areas(world: World) -> None:
    make_household(world.village_b1, "B1-002", "Nguyễn Văn An")
    assert codes(selectors.search_households(world.xa_a, "nguyen van an")) == ["A1-001"]
    assert sorted(codes(selectors.search_households(world.tinh, "nguyen van an"))) == [
        "A1-001",
        "B1-002",
    ]
    assert selectors.search_households(world.outsider, "nguyen van an") == []


def test_the_household_list_page_searches(world: World) -> None:
    from django.test import Client

    from tests.conftest import log_in

    client = Client()
    log_in(client, "xa_a")
    html = client.get("/households/", {"q": "tran thi binh"}).text
    assert "A2-001" in html
    assert "A1-001" not in html
