"""Possible duplicates are flagged within scope and merged with an audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.audit.models import AuditEvent
from giamngheo.registry import duplicates, services
from giamngheo.registry.models import Membership, Person
from tests.conftest import World

pytestmark = pytest.mark.django_db


def add(world: World, household: object, name: str, **extra: object) -> Person:
    data = services.PersonData(
        full_name=name,
        sex="female",
        birth_year=1990,
        relation="other",
        **extra,  # type: ignore[arg-type]
    )
    return services.member_add(actor=None, household=household, data=data).person  # type: ignore[arg-type]


def test_same_name_birth_and_village_is_flagged_ignoring_accents(world: World) -> None:
    first = add(world, world.household_a1, "Nguyễn Thị Hạnh", birth_date=dt.date(1990, 4, 2))
    second = add(world, world.household_a1, "Nguyen Thi Hanh")  # year only, same year
    add(world, world.household_a2, "Nguyễn Thị Hạnh", birth_date=dt.date(1990, 4, 2))  # village A2
    pairs = duplicates.possible_duplicates(world.xa_a)
    assert [(p.first.pk, p.second.pk, p.reason) for p in pairs] == [
        (first.pk, second.pk, duplicates.REASON_SAME_NAME_BIRTH_VILLAGE)
    ]


def test_same_id_of_a_person_who_left_and_came_back_is_flagged(world: World) -> None:
    old = add(world, world.household_a1, "Trần Văn Tư", citizen_id="044090000777")
    services.member_leave(actor=None, person=old, on=dt.date(2025, 1, 1), reason="Chuyển đi")
    new = add(world, world.household_a2, "Trần Văn Tư", citizen_id="044090000777")
    pairs = duplicates.possible_duplicates(world.xa_a)
    assert (old.pk, new.pk, duplicates.REASON_SAME_ID) in [
        (p.first.pk, p.second.pk, p.reason) for p in pairs
    ]


def test_pairs_outside_the_users_area_are_not_shown(world: World) -> None:
    add(world, world.household_b1, "Lò Văn Sáu")
    add(world, world.household_b1, "Lo Van Sau")
    assert duplicates.possible_duplicates(world.xa_a) == []
    assert len(duplicates.possible_duplicates(world.xa_b)) == 1


def test_merging_keeps_both_records_and_the_history(world: World) -> None:
    keep = add(world, world.household_a1, "Nguyễn Thị Hạnh")
    remove = add(
        world,
        world.household_a1,
        "Nguyễn Thị Hạnh",
        citizen_id="044190000123",
        birth_date=dt.date(1990, 4, 2),
    )
    merged = duplicates.persons_merge(
        actor=world.xa_a, keep=keep, remove=remove, on=dt.date(2026, 2, 1)
    )
    remove.refresh_from_db()
    assert (merged.citizen_id, merged.birth_date) == ("044190000123", dt.date(1990, 4, 2))
    assert (remove.is_active, remove.merged_into_id, remove.citizen_id) == (False, keep.pk, None)
    assert not Membership.objects.filter(person=remove, left_on__isnull=True).exists()
    world.household_a1.refresh_from_db()
    assert world.household_a1.member_count == 3
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"registry.person_merged", "registry.person_merged_away"} <= actions
    assert duplicates.possible_duplicates(world.xa_a) == []


def test_merging_needs_rights_on_both_households(world: World) -> None:
    keep = add(world, world.household_a1, "Lê Thị Mơ")
    remove = add(world, world.household_b1, "Lê Thị Mơ")
    with pytest.raises(services.RegistryError, match="quyền"):
        duplicates.persons_merge(actor=world.xa_a, keep=keep, remove=remove, on=dt.date(2026, 1, 1))
    remove.refresh_from_db()
    assert remove.is_active


def test_the_duplicates_page_merges_within_scope(world: World) -> None:
    from django.test import Client

    from tests.conftest import log_in

    first = add(world, world.household_a1, "Hà Thị Lụa")
    second = add(world, world.household_a1, "Ha Thi Lua")
    outside = add(world, world.household_b1, "Hà Thị Lụa")
    client = Client()
    log_in(client, "xa_a")
    assert "Trùng họ tên" in client.get("/households/duplicates/").text
    refused = client.post("/households/duplicates/", {"keep": first.pk, "remove": outside.pk})
    assert refused.status_code == 404
    client.post("/households/duplicates/", {"keep": first.pk, "remove": second.pk})
    second.refresh_from_db()
    assert second.merged_into_id == first.pk


def test_the_duplicates_page_does_not_show_households_outside_the_users_area(
    world: World,
) -> None:
    from django.test import Client

    from tests.conftest import log_in

    old = add(world, world.household_a2, "Đinh Văn Bảy", citizen_id="044090000888")
    services.member_leave(actor=None, person=old, on=dt.date(2025, 1, 1), reason="Chuyển đi")
    moved = add(world, world.household_a1, "Đinh Văn Bảy", citizen_id="044090000888")
    services.member_move(
        actor=None,
        person=moved,
        to_household=world.household_b1,
        relation="other",
        on=dt.date(2025, 6, 1),
        reason="Kết hôn",
    )
    client = Client()
    log_in(client, "xa_a")
    page = client.get("/households/duplicates/").text
    assert "Trùng số định danh" in page  # both lived in commune A: the pair is xa_a's to see
    assert "B1-001" not in page  # where the person lives now (commune B) is not
