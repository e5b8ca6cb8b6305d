"""Issue 10 (medium): the duplicates page merges only a pair it proposes. The pair is computed
again on the server for the two people posted; any other two people are refused with a
message and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from giamngheo.audit.models import AuditEvent
from giamngheo.registry import duplicates, services
from giamngheo.registry.models import Household, Membership, Person
from tests.conftest import World

pytestmark = pytest.mark.django_db


def add(household: Household, name: str, **extra: object) -> Person:
    data = services.PersonData(
        full_name=name,
        sex="female",
        birth_year=1990,
        relation="other",
        **extra,  # type: ignore[arg-type]
    )
    return services.member_add(actor=None, household=household, data=data).person


@pytest.fixture
def two_pairs(world: World) -> tuple[Person, Person, Person, Person]:
    """Two proposed pairs in commune A: (lua_1, lua_2) and (mo_1, mo_2)."""
    return (
        add(world.household_a1, "Hà Thị Lụa"),
        add(world.household_a1, "Ha Thi Lua"),
        add(world.household_a2, "Lê Thị Mơ"),
        add(world.household_a2, "Le Thi Mo"),
    )


def test_two_people_of_different_pairs_are_not_merged(
    world: World, two_pairs: tuple[Person, Person, Person, Person]
) -> None:
    lua_1, lua_2, mo_1, mo_2 = two_pairs
    assert duplicates.is_proposed_pair(world.xa_a, lua_1, lua_2)
    assert duplicates.is_proposed_pair(world.xa_a, mo_2, mo_1)
    assert not duplicates.is_proposed_pair(world.xa_a, lua_1, mo_2)
    assert not duplicates.is_proposed_pair(world.xa_b, lua_1, lua_2)  # not xa_b's to see
    events = AuditEvent.objects.count()
    with pytest.raises(services.RegistryError, match="không phải là một cặp"):
        duplicates.persons_merge(actor=world.xa_a, keep=lua_1, remove=mo_2, on=dt.date(2026, 1, 1))
    mo_2.refresh_from_db()
    assert mo_2.is_active and mo_2.merged_into_id is None
    assert Membership.objects.filter(person=mo_2, left_on__isnull=True).exists()
    assert AuditEvent.objects.count() == events


def test_the_page_refuses_an_unrelated_pair_with_a_message_and_merges_a_proposed_one(
    world: World, two_pairs: tuple[Person, Person, Person, Person]
) -> None:
    lua_1, _lua_2, mo_1, mo_2 = two_pairs
    client = Client()
    client.force_login(world.xa_a)
    # Both people appear on the page, each in their own pair: the posted pair is not one.
    response = client.post("/households/duplicates/", {"keep": lua_1.pk, "remove": mo_1.pk})
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("không phải là một cặp" in t for t in texts), texts
    mo_1.refresh_from_db()
    assert mo_1.merged_into_id is None and mo_1.is_active

    client.post("/households/duplicates/", {"keep": mo_1.pk, "remove": mo_2.pk})
    mo_2.refresh_from_db()
    assert mo_2.merged_into_id == mo_1.pk
