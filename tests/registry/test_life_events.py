"""Life events: each kind through the member services, with history, audit and refusals; the
main earner's death or departure flags the household for the in-year review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from giamngheo.accounts.models import User
from giamngheo.audit.models import AuditEvent
from giamngheo.lib import clock
from giamngheo.registry import life_events, services
from giamngheo.registry.models import Household, LifeEvent, Membership, Person
from tests.conftest import World

pytestmark = pytest.mark.django_db

D = dt.date
# Before the machine's date: the database refuses an event after the day it is recorded.
TODAY = D(2026, 12, 1)


@pytest.fixture(autouse=True)
def today() -> Iterator[dt.date]:
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


def members(household: Household) -> list[str]:
    return sorted(
        Membership.objects.filter(household=household, left_on__isnull=True).values_list(
            "person__full_name", flat=True
        )
    )


def head_of(household: Household) -> Person:
    return Membership.objects.get(household=household, is_head=True, left_on__isnull=True).person


def child_of(household: Household) -> Person:
    return Membership.objects.get(household=household, is_head=False, left_on__isnull=True).person


def baby(name: str = "Nguyễn Thị Bé", relation: str = "child") -> services.PersonData:
    # The birth date is the event's date: the year given here is replaced.
    return services.PersonData(full_name=name, sex="female", birth_year=1900, relation=relation)


def record(
    world: World,
    kind: str,
    on: dt.date,
    *,
    actor: User | None = None,
    household: Household | None = None,
    **kwargs: Any,
) -> LifeEvent:
    """``life_event_record`` by ``xa_a`` in ``household_a1`` unless another is given."""
    return life_events.life_event_record(
        actor=actor or world.xa_a,
        household=household or world.household_a1,
        kind=kind,
        on=on,
        **kwargs,
    )


def test_a_birth_adds_the_child_born_on_the_day(world: World) -> None:
    event = record(world, "birth", D(2026, 11, 20), data=baby(), note="Sinh tại trạm y tế")
    assert event.person.birth_date == D(2026, 11, 20) and event.person.birth_year == 2026
    assert "Nguyễn Thị Bé" in members(world.household_a1)
    assert event.recorded_by == world.xa_a and not event.review_needed
    world.household_a1.refresh_from_db()
    assert world.household_a1.member_count == 3
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"registry.member_added", "registry.life_event_recorded"} <= actions


def test_a_death_ends_the_stay_and_marks_the_person_deceased(world: World) -> None:
    child = child_of(world.household_a1)
    event = record(world, "death", D(2026, 11, 2), person=child)
    child.refresh_from_db()
    assert child.died_on == D(2026, 11, 2) and not child.is_active
    stay = Membership.objects.get(person=child)
    assert stay.left_on == D(2026, 11, 2) and stay.leave_reason == "Qua đời"
    assert not event.review_needed
    assert AuditEvent.objects.filter(action="registry.member_left", object_id=str(child.pk))
    # The database holds the rule: a deceased person is not active.
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=child.pk).update(is_active=True)


def test_the_main_earners_death_flags_the_household_and_needs_a_new_head(world: World) -> None:
    household = world.household_a1
    head, child = head_of(household), child_of(household)
    life_events.main_earner_set(
        actor=world.xa_a, household=household, person=head, is_main_earner=True
    )
    with pytest.raises(services.RegistryError, match="chọn chủ hộ mới"):
        record(world, "death", D(2026, 11, 2), household=household, person=head)
    event = record(world, "death", D(2026, 11, 2), household=household, person=head, new_head=child)
    assert event.review_needed
    household.refresh_from_db()
    assert household.head_name == child.full_name and household.member_count == 1
    assert LifeEvent.objects.filter(household=household, review_needed=True).count() == 1


def test_a_departure_of_the_main_earner_flags_too(world: World) -> None:
    child = child_of(world.household_a2)
    life_events.main_earner_set(
        actor=world.xa_a, household=world.household_a2, person=child, is_main_earner=True
    )
    event = record(
        world,
        "departure",
        D(2026, 10, 1),
        household=world.household_a2,
        person=child,
        note="Đi làm ở Bình Dương",
    )
    assert event.review_needed and event.note == "Đi làm ở Bình Dương"
    child.refresh_from_db()
    assert not child.is_active and child.died_on is None


def test_one_main_earner_per_household(world: World) -> None:
    household = world.household_a1
    head, child = head_of(household), child_of(household)
    life_events.main_earner_set(
        actor=world.xa_a, household=household, person=head, is_main_earner=True
    )
    life_events.main_earner_set(
        actor=world.xa_a, household=household, person=child, is_main_earner=True
    )
    earners = Membership.objects.filter(household=household, is_main_earner=True)
    assert [m.person_id for m in earners] == [child.pk]
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(household=household, person=head).update(is_main_earner=True)


def test_a_marriage_brings_a_new_person_or_moves_one_from_another_household(
    world: World,
) -> None:
    new = record(
        world,
        "marriage",
        D(2026, 9, 1),
        data=services.PersonData(
            full_name="Lê Thị Dâu", sex="female", birth_year=2000, relation="child_in_law"
        ),
    )
    assert new.other_household is None and "Lê Thị Dâu" in members(world.household_a1)
    moving = child_of(world.household_a2)
    moved = record(world, "marriage", D(2026, 10, 1), person=moving, relation="spouse")
    assert moved.other_household == world.household_a2
    assert moving.full_name in members(world.household_a1)
    assert moving.full_name not in members(world.household_a2)


def test_a_return_reopens_a_stay_of_a_former_member(world: World) -> None:
    child = child_of(world.household_a1)
    record(world, "departure", D(2026, 3, 1), person=child)
    with pytest.raises(services.RegistryError, match="sau ngày rời hộ"):
        record(world, "return", D(2026, 3, 1), person=child, relation="child")
    event = record(world, "return", D(2026, 8, 1), person=child, relation="child")
    child.refresh_from_db()
    assert child.is_active and event.kind == "return"
    assert Membership.objects.filter(person=child).count() == 2
    assert AuditEvent.objects.filter(action="registry.member_returned").exists()
    # Someone who never lived here cannot "return" to it.
    other = child_of(world.household_a2)
    with pytest.raises(services.RegistryError):
        record(world, "return", D(2026, 8, 1), person=other, relation="child")


def test_a_deceased_person_does_not_return(world: World) -> None:
    child = child_of(world.household_a1)
    record(world, "death", D(2026, 3, 1), person=child)
    with pytest.raises(services.RegistryError, match="đã mất"):
        record(world, "return", D(2026, 8, 1), person=child, relation="child")


def test_a_change_of_head(world: World) -> None:
    household = world.household_a1
    child = child_of(household)
    event = record(world, "head_change", D(2026, 11, 1), household=household, person=child)
    assert head_of(household) == child and event.person == child
    with pytest.raises(services.RegistryError, match="đã là chủ hộ"):
        record(world, "head_change", D(2026, 11, 1), household=household, person=child)


def test_refusals_future_date_stranger_and_outsider(world: World) -> None:
    child = child_of(world.household_a1)
    with pytest.raises(services.RegistryError, match="tương lai"):
        record(world, "death", D(2026, 12, 2), person=child)
    stranger = child_of(world.household_a2)
    with pytest.raises(services.RegistryError, match="không phải là thành viên"):
        record(world, "death", D(2026, 11, 2), person=stranger)
    for actor in (world.xa_b, world.outsider, world.inspector):
        with pytest.raises(services.RegistryError, match="không có quyền"):
            record(world, "death", D(2026, 11, 2), actor=actor, person=child)
    with pytest.raises(services.RegistryError, match="không có quyền"):
        life_events.main_earner_set(
            actor=world.xa_b, household=world.household_a1, person=child, is_main_earner=True
        )
    assert not LifeEvent.objects.exists()
    child.refresh_from_db()
    assert child.is_active


def test_the_database_refuses_a_future_event_and_a_flag_on_a_birth(world: World) -> None:
    child = child_of(world.household_a1)
    base = {
        "household": world.household_a1,
        "province_id": world.household_a1.province_id,
        "commune_id": world.household_a1.commune_id,
        "village_id": world.household_a1.village_id,
        "person": child,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        LifeEvent.objects.create(**base, kind="birth", on=dt.date.today() + dt.timedelta(days=2))  # noqa: DTZ011
    with pytest.raises(IntegrityError), transaction.atomic():
        LifeEvent.objects.create(**base, kind="birth", on=D(2026, 1, 1), review_needed=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        LifeEvent.objects.create(**base, kind="wedding", on=D(2026, 1, 1))
