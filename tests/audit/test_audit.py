from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from giamngheo.audit import services
from giamngheo.audit.models import AuditEvent
from giamngheo.registry import services as registry_services
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_household_change_records_before_and_after(world: World) -> None:
    household = world.household_a1
    registry_services.household_update(
        actor=world.xa_a,
        household=household,
        expected_version=household.version,
        address="Thôn Một, xã A",
    )
    event = AuditEvent.objects.filter(action="registry.household_updated").get()
    assert event.actor == world.xa_a
    assert event.commune_id == world.commune_a.pk
    assert event.changes == [("address", "", "Thôn Một, xã A")]


def test_audit_events_cannot_be_changed_or_deleted(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction(official_units: None) -> None:
    from giamngheo.areas.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.get(code="44")
    with pytest.raises(RuntimeError, match="transaction"):
        services.record(actor=None, action="x", obj=unit)


def test_a_failed_service_leaves_neither_change_nor_event(world: World) -> None:
    household = world.household_a1
    before = AuditEvent.objects.count()
    with pytest.raises(registry_services.RegistryError):
        registry_services.household_update(
            actor=world.xa_b,
            household=household,
            expected_version=household.version,
            address="X",
        )
    assert AuditEvent.objects.count() == before


def test_a_stale_edit_is_refused(world: World) -> None:
    household = world.household_a1
    loaded_version = household.version
    registry_services.household_update(
        actor=world.xa_a, household=household, expected_version=loaded_version, phone="0900000001"
    )
    with pytest.raises(registry_services.RegistryError, match="người khác cập nhật"):
        registry_services.household_update(
            actor=world.xa_a,
            household=household,
            expected_version=loaded_version,
            phone="0900000002",
        )
    household.refresh_from_db()
    assert household.phone == "0900000001"
