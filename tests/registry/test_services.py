"""Registry services: members, moves with history, heads, IDs, status only by decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from giamngheo.audit.models import AuditEvent
from giamngheo.registry import services
from giamngheo.registry.models import Household, Membership, Person
from tests.conftest import World

pytestmark = pytest.mark.django_db


def person(name: str, relation: str = "child", **extra: object) -> services.PersonData:
    return services.PersonData(
        full_name=name,
        sex="female",
        birth_year=2001,
        relation=relation,
        **extra,  # type: ignore[arg-type]
    )


def test_a_household_needs_exactly_one_head(world: World) -> None:
    with pytest.raises(services.RegistryError, match="đúng một chủ hộ"):
        services.household_create(
            actor=None, village=world.village_a1, code="A1-900", members=[person("Con")]
        )
    assert not Household.objects.filter(code="A1-900").exists()


def test_the_database_refuses_a_second_head(world: World) -> None:
    member = Membership.objects.get(household=world.household_a1, is_head=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=member.pk).update(is_head=True, relation="head")


def test_citizen_ids_are_checked_and_unique_among_active_persons(world: World) -> None:
    services.member_add(
        actor=world.xa_a,
        household=world.household_a1,
        data=person("Hoa", citizen_id="044301000001"),
    )
    with pytest.raises(services.RegistryError, match="12 chữ số"):
        services.member_add(
            actor=world.xa_a, household=world.household_a2, data=person("Mai", citizen_id="12345")
        )
    with pytest.raises(services.RegistryError, match="đã thuộc về"):
        services.member_add(
            actor=world.xa_a,
            household=world.household_a2,
            data=person("Lan", citizen_id="044301000001"),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(full_name="X", sex="male", birth_year=1990, citizen_id="044301000001")


def test_a_move_keeps_the_history_and_updates_both_households(world: World) -> None:
    child = Membership.objects.get(household=world.household_a1, is_head=False).person
    services.member_move(
        actor=world.xa_a,
        person=child,
        to_household=world.household_a2,
        relation="child_in_law",
        on=dt.date(2026, 3, 1),
        reason="Kết hôn",
    )
    stays = list(Membership.objects.filter(person=child).order_by("id"))
    assert [(s.household.code, s.left_on) for s in stays] == [
        ("A1-001", dt.date(2026, 2, 28)),
        ("A2-001", None),
    ]
    world.household_a1.refresh_from_db()
    world.household_a2.refresh_from_db()
    assert (world.household_a1.member_count, world.household_a2.member_count) == (1, 3)
    assert AuditEvent.objects.filter(action="registry.member_moved").count() == 1


def test_a_head_must_be_replaced_before_moving_away(world: World) -> None:
    head = Membership.objects.get(household=world.household_a1, is_head=True).person
    with pytest.raises(services.RegistryError, match="đổi chủ hộ"):
        services.member_move(
            actor=world.xa_a,
            person=head,
            to_household=world.household_a2,
            relation="spouse",
            on=dt.date(2026, 1, 1),
            reason="Kết hôn",
        )
    child = Membership.objects.get(household=world.household_a1, is_head=False).person
    services.head_change(
        actor=world.xa_a, household=world.household_a1, new_head=child, on=dt.date(2026, 1, 1)
    )
    world.household_a1.refresh_from_db()
    assert world.household_a1.head_name == child.full_name
    services.member_move(
        actor=world.xa_a,
        person=head,
        to_household=world.household_a2,
        relation="spouse",
        on=dt.date(2026, 1, 1),
        reason="Kết hôn",
    )


def test_a_move_into_another_commune_needs_rights_there(world: World) -> None:
    child = Membership.objects.get(household=world.household_a1, is_head=False).person
    with pytest.raises(services.RegistryError, match="quyền"):
        services.member_move(
            actor=world.xa_a,
            person=child,
            to_household=world.household_b1,
            relation="spouse",
            on=dt.date(2026, 1, 1),
            reason="Kết hôn",
        )
    assert Membership.objects.get(person=child, left_on__isnull=True).household == (
        world.household_a1
    )


def test_a_person_who_left_frees_their_id(world: World) -> None:
    membership = services.member_add(
        actor=world.xa_a,
        household=world.household_a1,
        data=person("Cúc", citizen_id="044301000002"),
    )
    services.member_leave(
        actor=world.xa_a,
        person=membership.person,
        on=dt.date(2026, 5, 1),
        reason="Chuyển đi tỉnh khác",
    )
    services.member_add(
        actor=world.tinh,
        household=world.household_b1,
        data=person("Cúc", citizen_id="044301000002"),
    )


def test_the_status_changes_only_with_a_basis_and_not_through_the_edit_form(world: World) -> None:
    h = world.household_a1
    with pytest.raises(services.RegistryError, match="Not editable"):
        services.household_update(
            actor=world.xa_a, household=h, expected_version=h.version, status="poor"
        )
    with pytest.raises(services.RegistryError, match="căn cứ"):
        services.household_status_set(
            actor=world.xa_a, household=h, status="poor", standard="2022-2025", year=2025, basis=""
        )
    services.household_status_set(
        actor=world.xa_a,
        household=h,
        status="poor",
        standard="2022-2025",
        year=2025,
        basis="Quyết định số 12/QĐ-UBND ngày 20/12/2025",
    )
    event = AuditEvent.objects.get(action="registry.household_status_changed")
    assert event.after == {"status": "poor", "status_standard": "2022-2025", "status_year": 2025}
    assert "12/QĐ-UBND" in event.note


def test_a_household_in_an_urban_ward_needs_a_reason_to_be_rural(world: World) -> None:
    h = world.household_a1
    with pytest.raises(services.RegistryError, match="lý do"):
        services.household_update(
            actor=world.xa_a, household=h, expected_version=h.version, area_kind="urban"
        )
    updated = services.household_update(
        actor=world.xa_a,
        household=h,
        expected_version=h.version,
        area_kind="urban",
        area_kind_override_reason="Khu dân cư đô thị mới",
    )
    assert updated.area_kind == "urban"
