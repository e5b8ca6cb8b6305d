"""Support records: the one table every app writes through the programmes services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from giamngheo.audit.models import AuditEvent
from giamngheo.lib import clock
from giamngheo.programmes import services
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import Programme, SupportRecord
from giamngheo.registry.models import Membership
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_today() -> object:
    clock.set_today(TODAY)
    yield
    clock.set_today(None)


@pytest.fixture
def programme() -> Programme:
    return Programme.objects.create(
        code="bhyt-hn", kind="policy", name="BHYT hộ nghèo", valid_from=dt.date(2015, 1, 1)
    )


def test_a_support_is_recorded_with_its_area_and_audited(
    world: World, programme: Programme
) -> None:
    head = Membership.objects.get(household=world.household_a1, is_head=True).person
    record = services.support_record_create(
        actor=world.xa_a,
        household=world.household_a1,
        person=head,
        programme=programme,
        support_kind="insurance",
        amount=Decimal("1105650"),
        delivered_on=TODAY,
        funding_source="central",
        source_app="programmes.deliveries",
        source_ref="card:1",
    )
    assert (record.province_id, record.commune_id, record.village_id) == (
        world.household_a1.province_id,
        world.household_a1.commune_id,
        world.household_a1.village_id,
    )
    assert record.created_by == world.xa_a
    event = AuditEvent.objects.get(action="programmes.support_recorded", object_id=str(record.pk))
    assert event.after is not None and event.after["amount"] == "1105650"
    assert event.commune_id == world.household_a1.commune_id


def test_a_household_outside_the_actor_reach_is_refused(world: World, programme: Programme) -> None:
    with pytest.raises(ProgrammeError, match="không có quyền"):
        services.support_record_create(
            actor=world.xa_a,
            household=world.household_b1,
            programme=programme,
            support_kind="cash",
            delivered_on=TODAY,
            funding_source="local",
        )
    assert not SupportRecord.objects.exists()


def test_many_records_are_all_or_none(world: World, programme: Programme) -> None:
    good = services.SupportRecordInput(
        household=world.household_a1,
        programme=programme,
        support_kind="cash",
        delivered_on=TODAY,
        funding_source="local",
        amount=Decimal(500000),
    )
    future = services.SupportRecordInput(
        household=world.household_a2,
        programme=programme,
        support_kind="cash",
        delivered_on=TODAY + dt.timedelta(days=1),
        funding_source="local",
    )
    with pytest.raises(ProgrammeError, match="tương lai"):
        services.support_records_create_many(actor=world.tinh, records=[good, future])
    assert not SupportRecord.objects.exists()
    saved = services.support_records_create_many(actor=world.tinh, records=[good, good])
    assert len(saved) == 2
    assert AuditEvent.objects.filter(action="programmes.support_recorded").count() == 2


def test_refusals_negative_amount_foreign_person_and_same_source_twice(
    world: World, programme: Programme
) -> None:
    base = {
        "actor": world.tinh,
        "household": world.household_a1,
        "programme": programme,
        "support_kind": "cash",
        "delivered_on": TODAY,
        "funding_source": "local",
    }
    with pytest.raises(ProgrammeError, match="không được âm"):
        services.support_record_create(**base, amount=Decimal(-1))  # type: ignore[arg-type]
    stranger = Membership.objects.get(household=world.household_b1, is_head=True).person
    with pytest.raises(ProgrammeError, match="không phải thành viên"):
        services.support_record_create(**base, person=stranger)  # type: ignore[arg-type]
    services.support_record_create(**base, source_app="credit", source_ref="loan:1")  # type: ignore[arg-type]
    with pytest.raises(ProgrammeError, match="hai lần"):
        services.support_record_create(**base, source_app="credit", source_ref="loan:1")  # type: ignore[arg-type]
    assert SupportRecord.objects.count() == 1


def test_the_database_refuses_a_negative_amount_and_reversed_validity(
    world: World, programme: Programme
) -> None:
    record = services.support_record_create(
        actor=None,
        household=world.household_a1,
        programme=programme,
        support_kind="cash",
        delivered_on=TODAY,
        funding_source="local",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRecord.objects.filter(pk=record.pk).update(amount=-5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(valid_to=dt.date(2000, 1, 1))
