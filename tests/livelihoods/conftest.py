"""A small livelihoods world counted by hand.

Commune A (the ``world`` fixture's) runs model M1 (livestock, villages A1 and A2, under the
programme node ``ctmtqg-gnbv-2021.da2``), carried out by the approved group G1. Households:

=====  =======  ==============  ===============  ==================  =========================
hh     village  status joined   income before    outcome             inputs (amount)
=====  =======  ==============  ===============  ==================  =========================
h1     A1       poor            1.000.000        2.200.000 near-poor 3.000.000 + 500.000
h2     A2       near-poor       1.500.000        2.500.000 not poor  2.000.000
h3     A1       near-poor       1.800.000        1.700.000 poor      —
h4     A2       poor              900.000        none yet            —
=====  =======  ==============  ===============  ==================  =========================

By hand: 4 participants, 3 with an outcome; average income before (over those 3)
(1.0 + 1.5 + 1.8) M / 3 = 1.433.333, after (2.2 + 2.5 + 1.7) M / 3 = 2.133.333; income rose
for 2 (h1, h2); escaped (poor or near-poor → average or not poor): 1 (h2); left poverty
(poor → anything better): 1 (h1); fell back: 1 (h3); inputs 5.500.000 đ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from giamngheo.lib import clock
from giamngheo.livelihoods import services
from giamngheo.livelihoods.models import LivelihoodModel, Participation, SelfManagedGroup
from giamngheo.programmes.models import Programme
from giamngheo.registry.models import Household
from tests.conftest import World, make_household

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_today() -> Iterator[None]:
    clock.set_today(TODAY)
    yield
    clock.set_today(None)


def make_programme(code: str = "ctmtqg-gnbv-2021.da2") -> Programme:
    return Programme.objects.create(
        code=code,
        kind="project",
        name="Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo",
        valid_from=dt.date(2022, 1, 18),
    )


def set_status(household: Household, status: str) -> Household:
    # Test setup only: the registry's status service needs a recognition decision.
    Household.objects.filter(pk=household.pk).update(status=status, status_year=2025)
    household.refresh_from_db()
    return household


def make_group(world: World, *, code: str = "G1", approve: bool = True) -> SelfManagedGroup:
    group = services.group_create(
        actor=world.xa_a,
        commune=world.commune_a,
        code=code,
        name="Tổ hợp tác chăn nuôi bò Thôn Một",
        representative_kind="mass_organisation",
        representative_name="Hội Nông dân xã",
        rules="Điều 1. Tổ gồm các hộ tự nguyện.\nĐiều 2. Quay vòng bê giống.",
        founded_on=dt.date(2026, 1, 5),
        rules_adopted_on=dt.date(2026, 1, 10),
        villages=[world.village_a1],
    )
    services.group_member_add(
        actor=world.xa_a,
        group=group,
        household=world.household_a1,
        joined_on=dt.date(2026, 1, 5),
        is_leader=True,
    )
    if approve:
        group = services.group_approve(
            actor=world.xa_a,
            group=group,
            approved_on=dt.date(2026, 1, 20),
            decision_number="15/QĐ-UBND",
        )
    return group


@dataclass
class LivelihoodWorld:
    world: World
    programme: Programme
    group: SelfManagedGroup
    model: LivelihoodModel
    h1: Participation
    h2: Participation
    h3: Participation
    h4: Participation


def build_livelihoods(world: World) -> LivelihoodWorld:
    programme = make_programme()
    group = make_group(world)
    model = services.model_create(
        actor=world.xa_a,
        commune=world.commune_a,
        code="MH-01",
        name="Mô hình nuôi bò sinh sản",
        model_type="livestock",
        mode="community",
        programme=programme,
        start_date=dt.date(2026, 2, 1),
        villages=[world.village_a1, world.village_a2],
        budget_central=Decimal("300000000"),
        budget_local=Decimal("50000000"),
        budget_counterpart=Decimal("30000000"),
        group=group,
    )
    households = [
        set_status(world.household_a1, "poor"),
        set_status(world.household_a2, "near_poor"),
        set_status(make_household(world.village_a1, "A1-002", "Đỗ Văn Hùng"), "near_poor"),
        set_status(make_household(world.village_a2, "A2-002", "Vũ Thị Lan"), "poor"),
    ]
    incomes = ["1000000", "1500000", "1800000", "900000"]
    parts = [
        services.participant_add(
            actor=world.xa_a,
            model=model,
            household=household,
            joined_on=dt.date(2026, 2, 1),
            income_before=Decimal(income),
        )
        for household, income in zip(households, incomes, strict=True)
    ]
    for part, amount in ((parts[0], "3000000"), (parts[0], "500000"), (parts[1], "2000000")):
        services.input_deliver(
            actor=world.xa_a,
            participation=part,
            support_kind="in_kind",
            description="Bò cái giống",
            quantity=Decimal(1),
            unit="con",
            amount=Decimal(amount),
            delivered_on=dt.date(2026, 2, 10),
            funding_source="central",
        )
    for part, income, status in (
        (parts[0], "2200000", "near_poor"),
        (parts[1], "2500000", "not_poor"),
        (parts[2], "1700000", "poor"),
    ):
        services.outcome_record(
            actor=world.xa_a,
            participation=part,
            outcome_on=dt.date(2026, 6, 1),
            income_after=Decimal(income),
            status_after=status,
        )
    refreshed = [Participation.objects.get(pk=p.pk) for p in parts]
    return LivelihoodWorld(world, programme, group, model, *refreshed)


@pytest.fixture
def lw(world: World) -> LivelihoodWorld:
    return build_livelihoods(world)
