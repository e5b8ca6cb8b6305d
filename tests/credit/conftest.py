"""Fixtures of the credit tests: a fixed day and the VBSP policies as programmes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from giamngheo.credit import services
from giamngheo.credit.models import Loan
from giamngheo.lib import clock
from giamngheo.programmes.models import Programme
from giamngheo.registry.models import Household

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_today() -> Iterator[None]:
    clock.set_today(TODAY)
    yield
    clock.set_today(None)


@pytest.fixture
def poor_policy(db: None) -> Programme:
    return Programme.objects.create(
        code="vay-hn",
        kind="policy",
        name="Cho vay hộ nghèo",
        valid_from=dt.date(2002, 10, 4),
        funding_sources=["credit"],
        # As in programmes/data/policies.toml: the ceiling, the stated rate, the longest term.
        benefit={
            "amount": 100000000,
            "rate": 6.6,
            "quantity": 120,
            "unit": "tháng (thời hạn tối đa)",
        },
    )


def make_loan(
    household: Household,
    programme: Programme,
    *,
    amount: int = 50_000_000,
    disbursed_on: dt.date = dt.date(2024, 3, 15),
    term_months: int = 36,
    lender: str = "vbsp",
) -> Loan:
    return services.loan_create(
        actor=None,
        household=household,
        programme=programme,
        lender=lender,
        lender_name="" if lender == "vbsp" else "Quỹ hội phụ nữ",
        amount=Decimal(amount),
        annual_rate=Decimal("6.6"),
        term_months=term_months,
        instalment_months=12,
        purpose="Mua bò sinh sản",
        disbursed_on=disbursed_on,
    )
