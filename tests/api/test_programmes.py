"""The programme catalogue (read only, the same for everyone, deleted entries hidden) and the
support records of households (scoped like the households: 404 for another commune's; a health
insurance card's number masked for a collaborator, whole for the commune's officer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from giamngheo.programmes import services
from giamngheo.programmes.deliveries import services as deliveries
from giamngheo.programmes.models import Programme, SupportRecord
from tests.conftest import World

URL = "/api/v1/programmes/"
SUPPORTS = "/api/v1/support-records/"
CARD = "HN4010123456789"
DAY = dt.date(2025, 6, 2)


def programme(code: str, kind: str = "policy", **extra: Any) -> Programme:
    """A catalogue entry (test data; the loader's TOML is not loaded in tests)."""
    return Programme.objects.create(
        code=code, kind=kind, name=f"Mục {code}", valid_from=dt.date(2021, 1, 1), **extra
    )


def catalogue() -> dict[str, Programme]:
    root = programme("t.ntp", "programme", valid_to=dt.date(2025, 12, 31))
    return {
        "root": root,
        "project": programme("t.ntp.da1", "project", parent=root),
        "policy": programme("t.bhyt", funding_sources=["central"]),
        "gone": programme("t.gone", is_deleted=True),
    }


def give(world: World, household: Any, found: dict[str, Programme], amount: int) -> SupportRecord:
    return services.support_record_create(
        actor=None,
        household=household,
        programme=found["project"],
        support_kind="cash",
        delivered_on=DAY,
        funding_source="central",
        amount=Decimal(amount),
        description="Hỗ trợ sinh kế",
    )


def test_the_catalogue_is_read_only_and_hides_deleted_entries(world: World, api_as: Any) -> None:
    found = catalogue()
    api = api_as("ctv")
    listed = {p["code"]: p for p in api.get(URL).json()["results"]}
    assert {"t.ntp", "t.ntp.da1", "t.bhyt"} <= set(listed) and "t.gone" not in listed
    assert listed["t.ntp.da1"]["parent"] == "t.ntp"
    assert api.get(f"{URL}{found['gone'].pk}/").status_code == 404
    detail = api.get(f"{URL}{found['project'].pk}/").json()
    assert detail["code"] == "t.ntp.da1" and detail["eligibility"] == {}
    assert {p["code"] for p in api.get(URL, parent="t.ntp").json()["results"]} == {"t.ntp.da1"}
    assert "t.ntp" not in {p["code"] for p in api.get(URL, on="2026-01-01").json()["results"]}
    assert "t.ntp" in {p["code"] for p in api.get(URL, on="2025-12-31").json()["results"]}
    assert {p["code"] for p in api.get(URL, kind="programme").json()["results"]} >= {"t.ntp"}
    # No write: a POST is a 405 in Vietnamese.
    refused = api.post(URL, {"code": "x"})
    assert refused.status_code == 405
    assert refused.json()["error"]["message"] == "Phương thức không được hỗ trợ."
    bad = api.get(URL, on="31/12/2025")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"on": ["Ngày sai định dạng; hãy dùng: YYYY-MM-DD."]}


def test_support_records_follow_the_households_scope(world: World, api_as: Any) -> None:
    found = catalogue()
    record_a = give(world, world.household_a1, found, 1_000_000)
    record_a2 = give(world, world.household_a2, found, 500_000)
    record_b = give(world, world.household_b1, found, 2_000_000)
    api_a, api_b = api_as("xa_a"), api_as("xa_b")
    assert {r["id"] for r in api_a.get(SUPPORTS).json()["results"]} == {record_a.pk, record_a2.pk}
    assert [r["id"] for r in api_b.get(SUPPORTS).json()["results"]] == [record_b.pk]
    assert api_a.get(f"{SUPPORTS}{record_b.pk}/").status_code == 404
    assert api_b.get(f"{SUPPORTS}{record_a.pk}/").status_code == 404
    # A collaborator of village A1: A1's household only.
    ctv = api_as("ctv")
    assert [r["id"] for r in ctv.get(SUPPORTS).json()["results"]] == [record_a.pk]
    assert ctv.get(f"{SUPPORTS}{record_a2.pk}/").status_code == 404
    detail = api_a.get(f"{SUPPORTS}{record_a.pk}/").json()
    assert detail["programme"] == "t.ntp.da1" and detail["amount"] == 1_000_000
    assert detail["household"] == world.household_a1.pk
    # Filters: the household, the programme with its subtree, the area, the year.

    def ids(**query: Any) -> list[int]:
        return [r["id"] for r in api_a.get(SUPPORTS, **query).json()["results"]]

    assert ids(household=world.household_a2.pk) == [record_a2.pk]
    assert len(api_a.get(SUPPORTS, programme="t.ntp").json()["results"]) == 2
    assert api_a.get(SUPPORTS, programme="t.bhyt").json()["results"] == []
    assert ids(area=world.village_a1.code) == [record_a.pk]
    assert api_a.get(SUPPORTS, year=2024).json()["results"] == []


def test_a_card_number_is_masked_for_a_collaborator(world: World, api_as: Any) -> None:
    found = catalogue()
    head = world.household_a1.memberships.get(is_head=True).person
    card = deliveries.health_insurance_card_create(
        actor=None,
        household=world.household_a1,
        person=head,
        programme=found["policy"],
        card_number=CARD,
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
        delivered_on=DAY,
        funding_source="central",
    )
    url = f"{SUPPORTS}{card.support_record_id}/"
    officer = api_as("xa_a").get(url).json()
    assert officer["health_insurance_card"] == CARD and officer["person"] == head.pk
    for persona in ("ctv", "inspector"):
        api = api_as(persona)
        body = api.get(url).json()
        assert body["health_insurance_card"] == "*" * 11 + CARD[-4:]
        listed = api.get(SUPPORTS).json()
        assert CARD not in str(body) and CARD not in str(listed)


def test_bad_filters_are_vietnamese_field_errors(world: World, api_as: Any) -> None:
    api = api_as("xa_a")
    for query, field, message in (
        ({"programme": "no.such"}, "programme", "Không có chương trình, chính sách mã no.such."),
        ({"area": world.commune_b.code}, "area", f"Không tìm thấy địa bàn {world.commune_b.code}."),
        ({"year": "năm"}, "year", None),
        ({"household": "0"}, "household", None),
        ({"support_kind": "gold"}, "support_kind", None),
    ):
        response = api.get(SUPPORTS, **query)
        assert response.status_code == 400, (query, response.content)
        fields = response.json()["error"]["fields"]
        assert list(fields) == [field]
        if message:
            assert fields[field] == [message]
    assert api.get(URL, kind="plan").status_code == 400


def test_list_queries_do_not_grow_with_the_page(
    world: World, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    found = catalogue()
    for n in range(12):
        programme(f"t.q{n:02d}", "content", parent=found["root"])
        give(world, world.household_a1 if n % 2 else world.household_a2, found, 1000 + n)
    api = api_as("xa_a")
    for path in (URL, SUPPORTS):
        api.get(path)  # warm-up (the token's last use is stamped once a minute)
        with CaptureQueriesContext(connection) as small:
            assert api.get(path, page_size=2).status_code == 200
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = api.get(path, page_size=10)
        assert len(response.json()["results"]) == 10
