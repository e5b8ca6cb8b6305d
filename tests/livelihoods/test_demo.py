"""The livelihoods demo part: deterministic, idempotent, one summary event, inputs recorded as
supports, a group approved before it carries out the model, a replica in the second commune."""

from __future__ import annotations

import pytest

from giamngheo.audit.models import AuditEvent
from giamngheo.livelihoods import demo, selectors
from giamngheo.livelihoods.models import LivelihoodModel, Participation, SelfManagedGroup
from giamngheo.programmes.models import SupportRecord
from giamngheo.registry.models import Household
from tests.conftest import World, make_household
from tests.livelihoods.conftest import TODAY, make_programme, set_status

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # demo content: not about the server


def _households(world: World) -> None:
    for number in range(6):
        status = "poor" if number % 2 else "near_poor"
        set_status(make_household(world.village_a1, f"A1-1{number}", f"Hộ Mẫu {number}"), status)
    for number in range(3):
        set_status(make_household(world.village_b1, f"B1-1{number}", f"Hộ Bê {number}"), "poor")


def _fingerprint() -> list[tuple[object, ...]]:
    return sorted(
        Participation.objects.filter(model__is_demo=True).values_list(
            "model__code", "household__code", "income_before", "income_after", "status_after"
        )
    )


def _load(world: World) -> demo.LivelihoodsDemoReport:
    return demo.load_livelihoods_demo(
        province=world.province,
        communes=(world.commune_a, world.commune_b),
        households=Household.objects.filter(province=world.province),
        seed=7,
        today=TODAY,
    )


def test_the_demo_is_deterministic_idempotent_and_audited_once(world: World) -> None:
    _households(world)
    programme = make_programme()
    before = AuditEvent.objects.filter(action="livelihoods.demo_loaded").count()
    first = _load(world)
    assert first.skipped == ""
    # Commune A's poor and near-poor: 6 made here, in village A1 (A1-001 has no status).
    assert (first.groups, first.models, first.participants) == (1, 2, 6 + 3)
    assert (first.inputs, first.outcomes) == (6, 4)
    assert AuditEvent.objects.filter(action="livelihoods.demo_loaded").count() == before + 1
    fingerprint = _fingerprint()
    second = _load(world)
    assert _fingerprint() == fingerprint
    assert second.deleted == {"inputs": 6, "participants": 9, "models": 2, "groups": 1}
    assert SupportRecord.objects.filter(source_app="livelihoods.input").count() == 6
    assert {r.programme_id for r in SupportRecord.objects.all()} == {programme.pk}

    group = SelfManagedGroup.objects.get(is_demo=True)
    origin = LivelihoodModel.objects.get(code="DEMO-MH01")
    replica = LivelihoodModel.objects.get(code="DEMO-MH02")
    assert group.approved_on is not None and origin.group == group
    assert group.members.count() == 6 and group.meetings.count() == 3
    assert replica.replicated_from == origin and replica.commune == world.commune_b
    summary = selectors.outcome_summary(selectors.participations_of(world.admin, origin))
    assert (summary.participants, summary.with_outcome) == (6, 4)
    assert summary.income_rose == 4  # incomes grow by 15-90 % in the demo


def test_without_a_programme_node_the_part_skips(world: World) -> None:
    _households(world)
    report = _load(world)
    assert report.skipped and not LivelihoodModel.objects.exists()
