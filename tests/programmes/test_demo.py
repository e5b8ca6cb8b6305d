"""The programmes demo part: programmes loaded, an approved (frozen) list, rebuilt cleanly.

The demo province (every part) is loaded once per run (``demo_province``,
tests/conftest.py); the rebuild here is a real load."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.demo import loader as demo_loader
from giamngheo.lib import clock
from giamngheo.programmes.models import BeneficiaryList, Programme
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household, StatusChange

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # demo content: not about the server

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _fixed_today() -> object:
    clock.set_today(TODAY)
    yield
    clock.set_today(None)


def test_the_demo_gets_programmes_an_approved_list_and_reloads(
    demo_province: demo_loader.LoadReport,
) -> None:
    assert "programmes" in demo_province.part_reports
    assert Programme.objects.filter(code="ctmtqg-gnbv-2021").exists()
    approved = BeneficiaryList.objects.get(state="approved")
    assert approved.programme.code == "bhyt-hn" and approved.decision_number
    assert approved.entries.exists()
    assert all(e.category == "poor" for e in approved.entries.all())
    assert BeneficiaryList.objects.filter(state="draft", programme__code="ctmtqg-2026").exists()
    # A decision later changes a demo household's status: its dated history must not stop
    # the rebuild from deleting the old households.
    household = approved.entries.first().household
    registry_services.household_status_set(
        actor=None,
        household=household,
        status="near_poor",
        standard="2022-2025",
        year=2026,
        basis="QĐ thử",
    )
    assert StatusChange.objects.filter(household=household).exists()
    # The rebuild deletes the frozen list, the status history and the old households (every
    # part is purged whatever ``parts`` seeds again: here the programmes only, whose lists
    # read the statuses of the new households).
    demo_loader.load_demo(
        households=demo_province.households,
        seed=demo_province.seed,
        parts=frozenset({"programmes"}),
    )
    assert BeneficiaryList.objects.filter(state="approved").count() == 1
    assert not StatusChange.objects.filter(household_id=household.pk).exists()
    assert not Household.objects.filter(pk=household.pk).exists()
