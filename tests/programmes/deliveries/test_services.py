"""The deliveries' services: bulk entry from a list of households, health-insurance cards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from giamngheo.accounts import selectors as account_selectors
from giamngheo.audit.models import AuditEvent
from giamngheo.programmes.deliveries import services
from giamngheo.programmes.deliveries.errors import DeliveryError
from giamngheo.programmes.deliveries.models import HealthInsuranceCard
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import SupportRecord
from giamngheo.registry.models import Membership
from tests.conftest import World
from tests.programmes.deliveries.conftest import TODAY, Tree

pytestmark = pytest.mark.django_db


def _bulk(world: World, tree: Tree, households: list, **more: object) -> list[SupportRecord]:
    return services.deliveries_bulk_create(
        actor=world.xa_a,
        programme=tree.subproject,
        households=households,
        support_kind="in_kind",
        description="Bê giống",
        quantity=Decimal(2),
        unit="con",
        amount=Decimal(24_000_000),
        delivered_on=TODAY,
        funding_source="central",
        delivered_by="UBND xã",
        **more,
    )


def test_bulk_entry_records_one_support_per_household_audited(world: World, tree: Tree) -> None:
    records = _bulk(world, tree, [world.household_a1, world.household_a2])
    assert sorted(r.household_id for r in records) == sorted(
        [world.household_a1.pk, world.household_a2.pk]
    )
    assert all(r.amount == Decimal(24_000_000) and r.unit == "con" for r in records)
    assert all(r.source_app == services.SOURCE_APP for r in records)
    events = AuditEvent.objects.filter(action="programmes.support_recorded")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(r.pk) for r in records)


def test_bulk_entry_is_all_or_none_outside_the_reach(world: World, tree: Tree) -> None:
    with pytest.raises(ProgrammeError, match="không có quyền"):
        _bulk(world, tree, [world.household_a1, world.household_b1])
    assert not SupportRecord.objects.exists()


def test_bulk_entry_refuses_a_household_twice_and_an_empty_list(world: World, tree: Tree) -> None:
    with pytest.raises(DeliveryError, match="hai lần"):
        _bulk(world, tree, [world.household_a1, world.household_a1])
    with pytest.raises(DeliveryError, match="Chưa chọn"):
        _bulk(world, tree, [])
    assert not SupportRecord.objects.exists()


def _head(world: World):  # type: ignore[no-untyped-def]
    return Membership.objects.get(household=world.household_a1, is_head=True).person


def _card(world: World, tree: Tree, **more: object) -> HealthInsuranceCard:
    given: dict[str, object] = {
        "actor": world.xa_a,
        "household": world.household_a1,
        "person": _head(world),
        "programme": tree.policy,
        "card_number": "hn 4010123456789",
        "valid_from": dt.date(2026, 1, 1),
        "valid_to": dt.date(2026, 12, 31),
        "delivered_on": dt.date(2026, 1, 10),
        "funding_source": "central",
        "amount": Decimal(1_263_600),
        "issued_by": "BHXH tỉnh",
    }
    given.update(more)
    return services.health_insurance_card_create(**given)  # type: ignore[arg-type]


def test_a_card_is_recorded_with_its_support_record(world: World, tree: Tree) -> None:
    card = _card(world, tree)
    assert card.card_number == "HN4010123456789"
    record = card.support_record
    assert record.support_kind == "insurance"
    assert record.person == _head(world)
    assert record.amount == Decimal(1_263_600)
    assert (card.province_id, card.commune_id, card.village_id) == (
        world.household_a1.province_id,
        world.household_a1.commune_id,
        world.household_a1.village_id,
    )
    event = AuditEvent.objects.get(action="deliveries.health_insurance_card_recorded")
    assert event.after is not None and event.after["card_number"] == "HN4010123456789"


def test_a_card_number_in_the_audit_log_is_masked_for_a_collaborator(
    world: World, tree: Tree
) -> None:
    _card(world, tree)
    event = AuditEvent.objects.get(action="deliveries.health_insurance_card_recorded")
    [shown] = account_selectors.for_display(world.ctv, [event])
    assert "HN4010123456789" not in str(shown.after)
    assert "6789" in str(shown.after)
    fresh = AuditEvent.objects.get(pk=event.pk)
    [full] = account_selectors.for_display(world.xa_a, [fresh])
    assert full.after is not None and full.after["card_number"] == "HN4010123456789"


@pytest.mark.parametrize(
    ("more", "message"),
    [
        ({"card_number": "HN40101234"}, "không đúng"),
        ({"card_number": "1234567890X"}, "không đúng"),
        ({"valid_to": dt.date(2025, 12, 31)}, "sau ngày bắt đầu"),
        ({"delivered_on": dt.date(2026, 7, 1)}, "tương lai"),
    ],
)
def test_a_wrong_card_is_refused_and_nothing_is_written(
    world: World, tree: Tree, more: dict[str, object], message: str
) -> None:
    with pytest.raises((DeliveryError, ProgrammeError), match=message):
        _card(world, tree, **more)
    assert not HealthInsuranceCard.objects.exists()
    assert not SupportRecord.objects.exists()


def test_the_same_card_twice_is_refused_whole(world: World, tree: Tree) -> None:
    _card(world, tree)
    with pytest.raises(DeliveryError, match="đã được ghi"):
        _card(world, tree, card_number="HN4010123456789")
    assert SupportRecord.objects.count() == 1


def test_a_card_outside_the_reach_is_refused(world: World, tree: Tree) -> None:
    with pytest.raises(DeliveryError, match="không có quyền"):
        _card(world, tree, actor=world.xa_b)
    assert not SupportRecord.objects.exists()


def test_the_ten_digit_number_of_new_cards_is_accepted(world: World, tree: Tree) -> None:
    assert _card(world, tree, card_number="0123456789").card_number == "0123456789"
