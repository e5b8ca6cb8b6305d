from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from django.db import DatabaseError, transaction

from giamngheo.audit import services
from giamngheo.audit.actions import UnknownAction
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


def test_record_many_writes_one_event_per_object_with_its_area(world: World) -> None:
    households = [world.household_a1, world.household_b1]
    with transaction.atomic():
        written = services.record_many(
            actor=world.tinh,
            action="registry.household_status_changed",
            changes=[
                services.Change(obj=h, before={"status": ""}, after={"status": "poor"})
                for h in households
            ],
            note="QĐ 12/QĐ-UBND",
        )
    assert written == 2
    events = AuditEvent.objects.filter(action="registry.household_status_changed")
    by_object = {e.object_id: e for e in events}
    assert set(by_object) == {str(h.pk) for h in households}
    for household in households:
        event = by_object[str(household.pk)]
        assert event.actor == world.tinh
        assert (event.province_id, event.commune_id, event.village_id) == (
            household.province_id,
            household.commune_id,
            household.village_id,
        )
        assert event.changes == [("status", "", "poor")]
        assert event.note == "QĐ 12/QĐ-UBND"


@pytest.mark.django_db(transaction=True)
def test_record_many_refuses_to_run_outside_a_transaction(official_units: None) -> None:
    from giamngheo.areas.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.get(code="44")
    with pytest.raises(RuntimeError, match="transaction"):
        services.record_many(actor=None, action="x", changes=[services.Change(obj=unit)])


def _event_frame(households: list[Any]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "object_type": ["registry.household"] * len(households),
            "object_id": [h.pk for h in households],
            "object_repr": [f"{h.code} · " + "x" * 400 for h in households],
            "province_id": [h.province_id for h in households],
            "commune_id": [h.commune_id for h in households],
            "village_id": [h.village_id for h in households],
            "before": [None, '{"address": ""}'][: len(households)],
            "after": ['{"address": "Thôn Một, \\"A\\""}', '{"address": "B, C"}'][: len(households)],
        }
    )


def test_record_frame_writes_one_event_per_row_like_record(world: World) -> None:
    households = [world.household_a1, world.household_b1]
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    with transaction.atomic():
        written = services.record_frame(
            actor=world.tinh,
            action="registry.household_updated",
            events=_event_frame(households),
            note="Nhập từ tệp ho.xlsx",
        )
    assert written == 2
    events = AuditEvent.objects.filter(action="registry.household_updated", pk__gt=last).order_by(
        "id"
    )
    first, second = events
    assert first.object_id == str(world.household_a1.pk)
    assert first.actor == world.tinh
    assert first.at is not None
    assert len(first.object_repr) == 300
    assert first.before is None
    assert first.after == {"address": 'Thôn Một, "A"'}
    assert second.changes == [("address", "", "B, C")]
    assert (second.province_id, second.commune_id, second.village_id) == (
        world.household_b1.province_id,
        world.household_b1.commune_id,
        world.household_b1.village_id,
    )
    assert {e.note for e in events} == {"Nhập từ tệp ho.xlsx"}


def test_record_frame_takes_actions_and_notes_per_row(world: World) -> None:
    frame = _event_frame([world.household_a1, world.household_a2]).with_columns(
        pl.Series("action", ["registry.household_created", "registry.household_updated"]),
        pl.Series("note", ["", "ghi chú"]),
    )
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    written = AuditEvent.objects.filter(pk__gt=last)
    with transaction.atomic():
        services.record_frame(actor=None, events=frame)
    created = written.get(action="registry.household_created")
    assert (created.actor, created.note) == (None, "")
    assert written.get(action="registry.household_updated").note == "ghi chú"


def test_record_frame_refuses_an_action_missing_from_the_catalogue(world: World) -> None:
    frame = _event_frame([world.household_a1]).with_columns(
        pl.Series("action", ["registry.household_teleported"]), pl.Series("note", [""])
    )
    with transaction.atomic(), pytest.raises(UnknownAction, match="household_teleported"):
        services.record_frame(actor=None, events=frame)


def test_record_frame_refuses_unknown_or_missing_columns(world: World) -> None:
    frame = _event_frame([world.household_a1])
    with transaction.atomic():
        with pytest.raises(ValueError, match="unknown"):
            services.record_frame(
                actor=None, action="x", note="", events=frame.with_columns(pl.lit(1).alias("at"))
            )
        with pytest.raises(ValueError, match="note"):
            services.record_frame(actor=None, action="x", events=frame)
        with pytest.raises(ValueError, match="object_repr"):
            services.record_frame(actor=None, action="x", note="", events=frame.drop("object_repr"))


@pytest.mark.django_db(transaction=True)
def test_record_frame_refuses_to_run_outside_a_transaction(official_units: None) -> None:
    frame = pl.DataFrame({"object_type": ["t"], "object_id": ["1"], "object_repr": ["r"]})
    with pytest.raises(RuntimeError, match="transaction"):
        services.record_frame(actor=None, action="x", note="", events=frame)
