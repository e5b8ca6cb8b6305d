"""The credit demo part: a portfolio with repayments, some overdue, and a fund's chain, all
through the services; purged without a trace."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import pytest

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.credit import demo, selectors
from giamngheo.credit.models import FundTurn, Loan, LoanStatus, Repayment
from giamngheo.programmes.models import SupportRecord
from giamngheo.registry.models import Household
from tests.conftest import World, make_household
from tests.credit.conftest import TODAY

pytestmark = pytest.mark.django_db


@dataclass
class Context:
    province: AdministrativeUnit
    commune: AdministrativeUnit
    seed: int = 7
    progress: Any = None

    def demo_communes(self) -> tuple[AdministrativeUnit, AdministrativeUnit]:
        return self.commune, self.commune


def test_the_demo_portfolio_has_repayments_overdue_loans_and_a_fund_chain(world: World) -> None:
    for number in range(14):
        make_household(world.village_a1, f"A1-D{number:02d}", f"Hộ Mẫu {number}")
    # Test setup only: the registry writes statuses through a recorded decision.
    households = Household.objects.filter(commune=world.commune_a).order_by("code")
    for index, household in enumerate(households):
        household.status = "poor" if index % 3 else "near_poor"
        household.status_year = 2025
        household.save(update_fields=["status", "status_year"])
    context = Context(world.province, world.commune_a)
    report = demo.seed_credit_demo(context, loans=12)
    assert report.loans == Loan.objects.count() == 12
    assert report.repayments == Repayment.objects.count() > 0
    statuses = set(Loan.objects.values_list("status", flat=True))
    assert {LoanStatus.REPAID, LoanStatus.WRITTEN_OFF, LoanStatus.OVERDUE} <= statuses
    assert report.overdue == Loan.objects.filter(status=LoanStatus.OVERDUE).count()
    chain = list(FundTurn.objects.order_by("sequence"))
    assert len(chain) == 4
    assert all(t.giver_id == previous.receiver_id for previous, t in pairwise(chain))
    data = selectors.portfolio(world.tinh, area=world.commune_a, on=TODAY)
    assert data.total.loans == 12 and data.total.overdue_principal > 0
    assert SupportRecord.objects.filter(source_app="credit").count() == 12 + 4
    assert demo.purge_credit_demo(context) > 0
    assert not Loan.objects.exists() and not FundTurn.objects.exists()
    assert not SupportRecord.objects.filter(source_app="credit").exists()
    assert dt.date(2026, 6, 15) == TODAY
