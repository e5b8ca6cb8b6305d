"""The dated status history the status services write (eligibility reads it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from giamngheo.lib import clock
from giamngheo.registry import services
from giamngheo.registry.models import StatusChange
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_each_change_is_dated_with_its_basis_and_a_repeat_adds_nothing(world: World) -> None:
    household = world.household_a1
    services.household_status_set(
        actor=None,
        household=household,
        status="poor",
        standard="2022-2025",
        year=2024,
        basis="QĐ 1",
        effective_on=dt.date(2024, 12, 20),
    )
    written = services.households_status_set_bulk(
        actor=None,
        statuses={household.pk: "not_poor", world.household_a2.pk: ""},
        standard="2022-2025",
        year=2025,
        basis="QĐ 2",
        effective_on=dt.date(2025, 12, 19),
    )
    assert written == 2  # audit events: one per household, changed or not
    changes = list(StatusChange.objects.filter(household=household).order_by("effective_on"))
    assert [(c.previous_status, c.status, c.effective_on, c.basis) for c in changes] == [
        ("", "poor", dt.date(2024, 12, 20), "QĐ 1"),
        ("poor", "not_poor", dt.date(2025, 12, 19), "QĐ 2"),
    ]
    assert changes[0].commune_id == household.commune_id
    # household_a2 had no status and still has none: no change, no row.
    assert not StatusChange.objects.filter(household=world.household_a2).exists()


def test_the_date_defaults_to_today_and_a_non_change_is_refused_by_the_database(
    world: World,
) -> None:
    clock.set_today(dt.date(2026, 3, 2))
    try:
        services.household_status_set(
            actor=None,
            household=world.household_b1,
            status="near_poor",
            standard="2022-2025",
            year=2025,
            basis="QĐ 3",
        )
    finally:
        clock.set_today(None)
    change = StatusChange.objects.get(household=world.household_b1)
    assert change.effective_on == dt.date(2026, 3, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusChange.objects.filter(pk=change.pk).update(previous_status="near_poor")
