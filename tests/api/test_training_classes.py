"""Training classes through the API, on the hand-counted training world of
``tests/training/conftest.py`` (C1: province, 6 registered over 2 sessions, 5 came, 4
completed; C2: commune A, 4 registered, 2 sessions, all completed; C3: commune B; C0: 2024)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from giamngheo.training import services
from tests.conftest import World
from tests.training.conftest import TrainingWorld, make_class, tw, tw_module

__all__ = ["tw", "tw_module"]  # the training world's fixtures, used here

URL = "/api/v1/training-classes/"


@pytest.fixture
def world(tw: TrainingWorld) -> World:
    """The training world's personas (``api_as`` finds their accounts)."""
    return tw.world


def codes(api: Any, **query: Any) -> set[str]:
    response = api.get(URL, **query)
    assert response.status_code == 200, response.content
    return {c["code"] for c in response.json()["results"]}


def test_each_commune_sees_its_classes_and_404s_the_other(tw: TrainingWorld, api_as: Any) -> None:
    api_a, api_b = api_as("xa_a"), api_as("xa_b")
    assert codes(api_a) == {"C2"}
    assert codes(api_b) == {"C3"}
    assert api_a.get(f"{URL}{tw.c3.pk}/").status_code == 404
    assert api_b.get(f"{URL}{tw.c2.pk}/").status_code == 404
    assert api_a.get(f"{URL}{tw.c1.pk}/").status_code == 404  # the province's class
    assert codes(api_as("tinh")) == {"C0", "C1", "C2", "C3"}
    # A collaborator's village grant reaches no training row (no village column).
    assert codes(api_as("ctv")) == set()
    assert api_as("ctv").get(f"{URL}{tw.c2.pk}/").status_code == 404


def test_counts_as_counted_by_hand(tw: TrainingWorld, api_as: Any) -> None:
    api = api_as("tinh")
    listed = {c["code"]: c for c in api.get(URL, year=2025).json()["results"]}
    assert {code: (c["session_count"], c["registered"]) for code, c in listed.items()} == {
        "C1": (2, 6),
        "C2": (2, 4),
        "C3": (1, 3),
    }
    c1 = api.get(f"{URL}{tw.c1.pk}/").json()
    assert c1["attendance"] == {"registered": 6, "participations": 5, "completed": 4}
    assert [s["number"] for s in c1["sessions"]] == [1, 2]
    assert c1["commune"] is None and c1["level"] == "province"
    c2 = api_as("xa_a").get(f"{URL}{tw.c2.pk}/").json()
    assert c2["attendance"] == {"registered": 4, "participations": 4, "completed": 4}
    assert c2["commune"] == tw.world.commune_a.code
    assert "participant" not in str(c2)  # counted, never listed


def test_filters(tw: TrainingWorld, api_as: Any) -> None:
    api = api_as("tinh")
    assert codes(api, year=2024) == {"C0"}
    assert codes(api, area=tw.world.commune_b.code) == {"C3"}
    assert codes(api, area=tw.world.village_a1.code) == {"C2"}
    assert codes(api, level="province", year=2025) == {"C1"}
    assert codes(api, plan=tw.plan_a.pk) == {"C2"}
    for query, field in (
        ({"year": "20x5"}, "year"),
        ({"level": "national"}, "level"),
        ({"plan": "-1"}, "plan"),
        ({"area": "nowhere"}, "area"),
    ):
        response = api_as("xa_a").get(URL, **query)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["message"] == "Dữ liệu gửi lên không hợp lệ."
        assert list(error["fields"]) == [field]
    level = api_as("xa_a").get(URL, level="national").json()["error"]["fields"]["level"]
    assert level == ['"national" không phải là một lựa chọn hợp lệ.']
    outside = api_as("xa_a").get(URL, area=tw.world.commune_b.code).json()["error"]
    assert outside["fields"]["area"] == [f"Không tìm thấy địa bàn {tw.world.commune_b.code}."]


def test_list_queries_do_not_grow_with_the_page(
    tw: TrainingWorld, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        made = make_class(tw.plan, f"Q{n}", topics=["survey_methods"], start=tw.c1.start_date)
        services.session_add(
            actor=None,
            training_class=made,
            date=made.start_date,
            part="morning",
            topic="survey_methods",
        )
    api = api_as("tinh")
    api.get(URL)  # warm-up (the token's last use is stamped once a minute)
    with CaptureQueriesContext(connection) as small:
        assert api.get(URL, page_size=2).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api.get(URL, page_size=12)
    assert len(response.json()["results"]) == 12
