"""The deliveries' demo part: deterministic, idempotent, one audit event, totals that hold."""

from __future__ import annotations

import datetime as dt

import pytest

from giamngheo.audit.models import AuditEvent
from giamngheo.programmes.deliveries import demo, selectors
from giamngheo.programmes.deliveries.models import HealthInsuranceCard
from giamngheo.programmes.models import Programme, SupportRecord
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household
from tests.conftest import World, make_household
from tests.programmes.deliveries.conftest import Tree, give

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # demo content: not about the server
TODAY = dt.date(2026, 6, 15)


def _poor(world: World) -> list[Household]:
    made = [make_household(world.village_a1, f"A1-D{i:02}", f"Hộ Demo {i}") for i in range(12)]
    for i, household in enumerate(made):
        registry_services.household_status_set(
            actor=None,
            household=household,
            status="poor" if i % 3 else "near_poor",
            standard="2022-2025",
            year=2025,
            basis="Quyết định công nhận (dữ liệu thử)",
        )
    return made


def _fingerprint() -> list[tuple[object, ...]]:
    return sorted(
        SupportRecord.objects.values_list(
            "household__code", "programme__code", "delivered_on", "amount", "support_kind"
        )
    )


def test_the_demo_is_deterministic_idempotent_and_audited_once(world: World, tree: Tree) -> None:
    made = _poor(world)
    mine = give(world.household_a2, tree.project, 100, dt.date(2026, 1, 2))
    households = Household.objects.filter(province=world.province)
    args = {
        "province": world.province,
        "households": households,
        "communes": [world.commune_a],
        "seed": 7,
        "today": TODAY,
    }
    events = AuditEvent.objects.count()
    first = demo.load_deliveries_demo(**args)
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").action == "deliveries.demo_loaded"
    fingerprint = _fingerprint()
    second = demo.load_deliveries_demo(**args)
    assert _fingerprint() == fingerprint
    assert (
        second["records"] == first["records"] and second["deleted"]["records"] == first["records"]
    )
    # A card for each head of the 12 poor and near-poor households; the user's row is kept.
    assert first["cards"] == HealthInsuranceCard.objects.count() == 12
    assert SupportRecord.objects.filter(pk=mine.pk).exists()
    assert {c.household_id for c in HealthInsuranceCard.objects.all()} == {h.pk for h in made}
    assert all(r.delivered_on <= TODAY for r in SupportRecord.objects.all())
    numbers = list(HealthInsuranceCard.objects.values_list("card_number", flat=True))
    assert len(set(numbers)) == len(numbers)
    # The totals of the demo reconcile with its rows.
    rows = selectors.support_rows(world.admin)
    assert selectors.grand_total(rows).records == first["records"] + 1


def test_with_the_shipped_tree_cards_and_projects_follow_status_and_validity(
    world: World,
) -> None:
    made = _poor(world)
    assert not Programme.objects.exists()
    result = demo.load_deliveries_demo(
        province=world.province,
        households=Household.objects.all(),
        communes=[world.commune_a],
        seed=1,
        today=TODAY,
    )
    assert Programme.objects.filter(code="bhyt-hn").exists()  # the tree was loaded first
    assert result["cards"] == len(made)
    for card in HealthInsuranceCard.objects.select_related(
        "support_record__programme", "household"
    ):
        expected = "bhyt-hn" if card.household.status == "poor" else "bhyt-hcn"
        assert card.support_record.programme.code == expected
    others = SupportRecord.objects.exclude(support_kind="insurance").select_related("programme")
    assert others.exists()
    for record in others:
        programme = record.programme
        assert programme.valid_from <= record.delivered_on
        assert programme.valid_to is None or record.delivered_on <= programme.valid_to
