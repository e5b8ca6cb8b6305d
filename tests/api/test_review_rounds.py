"""Review rounds through the API: the rounds of the communes the token reaches (404 for
another commune's), the decided round's timeline (meetings, posting, decision) and its acts as
``review.states.ROUND_ACTS`` and ``selectors.round_actions`` give them, filters validated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from giamngheo.lib import clock
from giamngheo.review import selectors, services
from giamngheo.review.models import Round
from giamngheo.review.states import ROUND_ACTS
from tests.conftest import World, make_household
from tests.review.conftest import TODAY, ReviewWorld, set_status
from tests.review.helpers import decided_round

URL = "/api/v1/review-rounds/"


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    clock.set_today(TODAY)  # the review's date rules run on a fixed day
    yield
    clock.set_today(None)


@pytest.fixture
def rounds(world: World) -> tuple[Round, Round]:
    """Commune A's decided 2025 round, commune B's planned one."""
    rw = ReviewWorld(
        world,
        set_status(world.household_a1, "poor"),
        set_status(world.household_a2, "near_poor"),
        make_household(world.village_a1, "A1-002", "Đặng Thị Hoa"),
        make_household(world.village_a1, "A1-003", "Vũ Văn Khải"),
    )
    decided, _decision = decided_round(rw)
    planned = services.round_create(
        actor=world.xa_b, commune=world.commune_b, year=2025, plan_date=dt.date(2025, 8, 25)
    )
    return decided, planned


def test_each_commune_sees_its_rounds_and_404s_the_other(
    world: World, rounds: tuple[Round, Round], api_as: Any
) -> None:
    decided, planned = rounds
    api_a, api_b = api_as("xa_a"), api_as("xa_b")
    assert [r["id"] for r in api_a.get(URL).json()["results"]] == [decided.pk]
    assert [r["id"] for r in api_b.get(URL).json()["results"]] == [planned.pk]
    assert api_a.get(f"{URL}{planned.pk}/").status_code == 404
    assert api_b.get(f"{URL}{decided.pk}/").status_code == 404
    # The province sees both; a collaborator of A1 sees its commune's round.
    assert {r["id"] for r in api_as("tinh").get(URL).json()["results"]} == {
        decided.pk,
        planned.pk,
    }
    assert [r["id"] for r in api_as("ctv").get(URL).json()["results"]] == [decided.pk]


def test_the_detail_has_the_timeline_and_the_acts(
    world: World, rounds: tuple[Round, Round], api_as: Any
) -> None:
    decided, planned = rounds
    body = api_as("xa_a").get(f"{URL}{decided.pk}/").json()
    assert body["state"] == "decided" and body["commune"] == world.commune_a.code
    assert body["decision"]["number"] == "45/QĐ-UBND"
    assert body["decision"]["signed_on"] == "2025-11-12"
    assert {m["village"] for m in body["meetings"]} == {
        world.village_a1.code,
        world.village_a2.code,
    }
    assert [p["posted_on"] for p in body["postings"]] == ["2025-11-03"]
    assert body["complaints"] == []
    assert body["progress"]["total"] == 2 and body["progress"]["partial"] is False
    assert body["progress"]["counts"]["recognised"] == 2
    # The acts: every one of ROUND_ACTS, in order; open as the state says, offered as the page.
    assert [a["name"] for a in body["acts"]] == [a.name for a in ROUND_ACTS]
    opened = {a["name"] for a in body["acts"] if a["open"]}
    assert opened == {a.name for a in ROUND_ACTS if "decided" in a.states} == {"report"}
    offered = {a["name"] for a in body["acts"] if a["offered"]}
    assert offered == {a.name for a in selectors.round_actions(world.xa_a, decided)}
    assert offered == {"report"}
    # Commune B's planned round: the plan's acts are open, and its officer may do them.
    planned_body = api_as("xa_b").get(f"{URL}{planned.pk}/").json()
    assert planned_body["decision"] is None
    offered_b = {a["name"] for a in planned_body["acts"] if a["offered"]}
    assert {"steering_add", "reviewer_add", "start"} <= offered_b
    # A collaborator of A1 sees the round with its village's figures only, and may do nothing
    # official (the report is an officer's act).
    ctv = api_as("ctv").get(f"{URL}{decided.pk}/").json()
    assert ctv["progress"]["partial"] is True and ctv["progress"]["total"] == 1
    assert [m["village"] for m in ctv["meetings"]] == [world.village_a1.code]
    assert not any(a["offered"] for a in ctv["acts"])


def test_filters_by_year_area_and_state(
    world: World, rounds: tuple[Round, Round], api_as: Any
) -> None:
    decided, planned = rounds
    api = api_as("tinh")

    def ids(**query: Any) -> set[int]:
        response = api.get(URL, **query)
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids(year=2025) == {decided.pk, planned.pk}
    assert ids(year=2024) == set()
    assert ids(area=world.commune_b.code) == {planned.pk}
    assert ids(area=world.village_a2.code) == {decided.pk}  # a village: its commune's rounds
    assert ids(area=world.province.code, state="decided") == {decided.pk}
    assert ids(kind="annual", state="planning") == {planned.pk}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"year": "abc"}, "year", "Cần một số nguyên hợp lệ."),
        ({"year": "1999"}, "year", "Giá trị phải lớn hơn hoặc bằng 2016."),
        ({"state": "done"}, "state", '"done" không phải là một lựa chọn hợp lệ.'),
        ({"kind": "x"}, "kind", '"x" không phải là một lựa chọn hợp lệ.'),
        ({"area": "no-such-unit"}, "area", "Không tìm thấy địa bàn no-such-unit."),
    ],
)
def test_a_bad_filter_is_a_vietnamese_field_error(
    world: World, api_as: Any, query: dict[str, str], field: str, message: str
) -> None:
    response = api_as("xa_a").get(URL, **query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert error["fields"] == {field: [message]}


def test_another_communes_area_is_a_field_error(world: World, api_as: Any) -> None:
    response = api_as("xa_a").get(URL, area=world.commune_b.code)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["area"] == [
        f"Không tìm thấy địa bàn {world.commune_b.code}."
    ]


def test_list_queries_do_not_grow_with_the_page(
    world: World, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    for commune in (world.commune_a, world.commune_b):
        for year in range(2022, 2026):
            services.round_create(
                actor=world.tinh, commune=commune, year=year, plan_date=dt.date(year, 8, 25)
            )
    api = api_as("tinh")
    api.get(URL)  # warm-up (the token's last use is stamped once a minute)
    with CaptureQueriesContext(connection) as small:
        assert api.get(URL, page_size=2).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api.get(URL, page_size=8)
    assert len(response.json()["results"]) == 8
