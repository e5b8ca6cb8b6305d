"""Households, members and areas through the API: exactly the pages' scope (404 outside it)
and masking (full numbers for officers in their area only), cursor pagination, filters, bounded
queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, Person
from giamngheo.surveys import services as survey_services
from tests.api.conftest import Api
from tests.conftest import World
from tests.surveys.conftest import DAY, YEAR, b2_answers

CITIZEN_ID = "038201001234"
PHONE = "0912345678"


@pytest.fixture
def numbered(world: World) -> World:
    """Household A1 with a phone and its head with a personal ID (test data, set directly)."""
    Household.objects.filter(pk=world.household_a1.pk).update(phone=PHONE)
    head = world.household_a1.memberships.get(is_head=True).person
    Person.objects.filter(pk=head.pk).update(citizen_id=CITIZEN_ID)
    return world


def test_a_commune_token_sees_its_commune_only_and_404s_elsewhere(
    world: World, api_as: Any
) -> None:
    api = api_as("xa_a")
    listing = api.get("/api/v1/households/")
    assert listing.status_code == 200
    assert {h["code"] for h in listing.json()["results"]} == {"A1-001", "A2-001"}
    assert api.get(f"/api/v1/households/{world.household_a1.pk}/").status_code == 200
    for other in (world.household_b1, world.household_x1):
        response = api.get(f"/api/v1/households/{other.pk}/")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy."}}
    # Members and surveys of commune B are as invisible.
    member_b = world.household_b1.memberships.first()
    assert member_b is not None
    assert api.get(f"/api/v1/members/{member_b.pk}/").status_code == 404
    members = api.get("/api/v1/members/", household=world.household_b1.pk)
    assert members.status_code == 200 and members.json()["results"] == []
    # And commune B's officer sees B, not A.
    api_b = api_as("xa_b")
    assert api_b.get(f"/api/v1/households/{world.household_a1.pk}/").status_code == 404
    assert {h["code"] for h in api_b.get("/api/v1/households/").json()["results"]} == {"B1-001"}


def test_a_collaborator_sees_their_village_only(world: World, api_as: Any) -> None:
    api = api_as("ctv")
    assert {h["code"] for h in api.get("/api/v1/households/").json()["results"]} == {"A1-001"}
    assert api.get(f"/api/v1/households/{world.household_a2.pk}/").status_code == 404


def test_an_area_filter_outside_the_reach_is_a_field_error(world: World, api_as: Any) -> None:
    api = api_as("xa_a")
    response = api.get("/api/v1/households/", area=world.commune_b.code)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["area"] == [f"Không tìm thấy địa bàn {world.commune_b.code}."]
    village = api.get("/api/v1/households/", area=world.village_a2.code).json()["results"]
    assert [h["code"] for h in village] == ["A2-001"]


def test_numbers_are_masked_for_a_collaborator_and_full_for_the_officer(
    numbered: World, api_as: Any
) -> None:
    url = f"/api/v1/households/{numbered.household_a1.pk}/"

    def numbers(api: Api) -> tuple[str, str, str]:
        detail = api.get(url).json()
        head = next(m for m in detail["members"] if m["is_head"])
        listed = next(
            h for h in api.get("/api/v1/households/").json()["results"] if h["code"] == "A1-001"
        )
        assert listed["phone"] == detail["phone"]
        members = api.get("/api/v1/members/", household=numbered.household_a1.pk).json()
        listed_head = next(m for m in members["results"] if m["is_head"])
        assert listed_head["person"]["citizen_id"] == head["person"]["citizen_id"]
        return detail["phone"], head["person"]["citizen_id"], str(detail)

    phone, citizen_id, _text = numbers(api_as("xa_a"))
    assert (phone, citizen_id) == (PHONE, CITIZEN_ID)
    phone, citizen_id, _text = numbers(api_as("tinh"))
    assert (phone, citizen_id) == (PHONE, CITIZEN_ID)
    for persona in ("ctv", "inspector"):
        phone, citizen_id, text = numbers(api_as(persona))
        assert (phone, citizen_id) == ("091****678", "********1234")
        assert PHONE not in text and CITIZEN_ID not in text


def test_cursor_pagination_walks_every_row_once(world: World, api_as: Any) -> None:
    for n in range(7):
        registry_services.household_create(
            actor=None,
            village=world.village_a1,
            code=f"A1-1{n:02d}",
            members=[
                registry_services.PersonData(
                    full_name=f"Hộ {n}", sex="male", birth_year=1970, relation="head"
                )
            ],
        )
    api = api_as("xa_a")
    seen: list[str] = []
    url: str | None = "/api/v1/households/?page_size=3"
    pages = 0
    while url:
        body = api.get(url).json()
        seen += [h["code"] for h in body["results"]]
        assert len(body["results"]) <= 3
        url = body["next"]
        pages += 1
    assert pages == 3 and len(seen) == len(set(seen)) == 9
    assert seen == [
        h.code for h in Household.objects.filter(commune=world.commune_a).order_by("id")
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "cD1hYmM="}, "cursor"),  # p=abc: a position that is no id
        ({"cursor": "cD0xMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1"}, "cursor"),  # beyond any id
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "10000"}, "page_size"),
        ({"page_size": "１２"}, "page_size"),
        ({"status": "rich"}, "status"),
        ({"year": "10" * 20}, "year"),
        ({"area": "x" * 100}, "area"),
    ],
)
def test_bad_query_values_are_field_errors_in_vietnamese(
    world: World, api_as: Any, query: dict[str, str], field: str
) -> None:
    response = api_as("xa_a").get("/api/v1/households/", **query)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert list(error["fields"]) == [field]
    assert all(isinstance(m, str) and m for m in error["fields"][field])


def test_filters_by_status_and_year(world: World, api_as: Any) -> None:
    registry_services.household_status_set(
        actor=None,
        household=world.household_a1,
        status="poor",
        standard="2022-2025",
        year=2025,
        basis="Quyết định công nhận (dữ liệu thử)",
    )
    api = api_as("xa_a")
    poor = api.get("/api/v1/households/", status="poor", year=2025).json()["results"]
    assert [h["code"] for h in poor] == ["A1-001"]
    assert api.get("/api/v1/households/", status="poor", year=2024).json()["results"] == []


def test_areas_are_the_visible_units(world: World, api_as: Any) -> None:
    api = api_as("xa_a")
    villages = api.get("/api/v1/areas/", parent=world.commune_a.code).json()["results"]
    assert {v["code"] for v in villages} == {world.village_a1.code, world.village_a2.code}
    assert api.get(f"/api/v1/areas/{world.commune_a.code}/").json()["name"] == world.commune_a.name
    # Its province: visible to navigate down; another commune: not found.
    assert api.get(f"/api/v1/areas/{world.province.code}/").status_code == 200
    assert api.get(f"/api/v1/areas/{world.commune_b.code}/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/api/v1/households/", "/api/v1/members/", "/api/v1/surveys/", "/api/v1/areas/"]
)
def test_list_queries_do_not_grow_with_the_page(
    world: World, api_as: Any, django_assert_max_num_queries: Any, path: str
) -> None:
    for n in range(30):
        household = registry_services.household_create(
            actor=None,
            village=world.village_a1 if n % 2 else world.village_a2,
            code=f"Q-{n:03d}",
            members=[
                registry_services.PersonData(
                    full_name=f"Chủ hộ {n}", sex="female", birth_year=1960, relation="head"
                ),
                registry_services.PersonData(
                    full_name=f"Con {n}", sex="male", birth_year=1990, relation="child"
                ),
            ],
        )
        if path == "/api/v1/surveys/" and n < 8:
            survey_services.survey_record(
                actor=None,
                household=household,
                form="b2-2022",
                review_year=YEAR,
                surveyed_on=DAY,
                answers=b2_answers(household),
                surveyor_name="Rà soát viên",
            )
    api = api_as("xa_a")
    api.get(path)  # warm-up (the token's last use is stamped once a minute)
    with CaptureQueriesContext(connection) as small:
        assert api.get(path, page_size=2).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api.get(path, page_size=60)
        assert response.status_code == 200
    assert len(response.json()["results"]) > 2


def test_too_many_calls_are_throttled_in_vietnamese(
    world: World, api_as: Any, settings: Any
) -> None:
    settings.GIAMNGHEO_API_RATES = {"user": "3/min", "anon": "2/min", "write": "1/min"}
    api = api_as("xa_a")
    assert [api.get("/api/v1/households/").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/api/v1/households/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["error"]["code"] == "throttled"
    assert refused.json()["error"]["message"].startswith("Quá nhiều yêu cầu; hãy thử lại sau")
    # Another user has their own count.
    assert api_as("xa_b").get("/api/v1/households/").status_code == 200
