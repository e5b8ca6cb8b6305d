"""Scoped reads of the credit app: loans, funds and the portfolio of an area.

The portfolio is computed in one query: each loan with what its schedule made due before the
day and what was paid by then (subqueries), summed per lender and status in Python. Overdue
follows ``schedule.overdue_on`` (an instalment due before the day and not covered by payments):
the tests reconcile both with the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import TypeVar

from django.db.models import DecimalField, Model, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.credit.models import (
    FundTurn,
    Instalment,
    Lender,
    Loan,
    LoanStatus,
    Repayment,
    RevolvingFund,
)
from giamngheo.registry.models import Household

ZERO = Decimal(0)
M = TypeVar("M", bound=Model)
FUND_SCOPE = {"village": ""}


def in_area(queryset: QuerySet[M], area: AdministrativeUnit | None) -> QuerySet[M]:
    if area is None:
        return queryset
    if area.level == Level.PROVINCE:
        return queryset.filter(province=area)
    if area.level == Level.COMMUNE:
        return queryset.filter(commune=area)
    return queryset.filter(village=area)


def loans(
    user: Viewer,
    *,
    area: AdministrativeUnit | None = None,
    status: str = "",
    lender: str = "",
) -> QuerySet[Loan]:
    rows = in_area(access.scoped(Loan.objects.all(), user), area)
    if status:
        rows = rows.filter(status=status)
    if lender:
        rows = rows.filter(lender=lender)
    return rows.select_related("household", "programme", "commune", "village")


def loan_for(user: Viewer, pk: int) -> Loan:
    return access.get_visible_or_404(
        Loan.objects.select_related(
            "household", "borrower", "programme", "province", "commune", "village"
        ),
        user,
        pk=pk,
    )


def loans_of_household(user: Viewer, household: Household) -> list[Loan]:
    return list(
        access.scoped(Loan.objects.filter(household=household), user).select_related("programme")
    )


def turns_of_household(user: Viewer, household: Household) -> list[FundTurn]:
    return list(
        access.scoped(
            FundTurn.objects.filter(Q(receiver=household) | Q(giver=household)), user
        ).select_related("fund", "giver", "receiver")
    )


def funds(user: Viewer, *, area: AdministrativeUnit | None = None) -> QuerySet[RevolvingFund]:
    rows = access.scoped(RevolvingFund.objects.all(), user, **FUND_SCOPE)
    if area is not None and area.level == Level.VILLAGE:
        area = area.parent
    return in_area(rows, area).select_related("commune", "programme")


def fund_for(user: Viewer, pk: int) -> RevolvingFund:
    return access.get_visible_or_404(
        RevolvingFund.objects.select_related("commune", "province", "programme"),
        user,
        FUND_SCOPE,
        pk=pk,
    )


def fund_chain(fund: RevolvingFund) -> list[FundTurn]:
    return list(fund.turns.select_related("giver", "receiver", "village").order_by("sequence"))


# -- portfolio -------------------------------------------------------------------------------


def _summed(
    model: type[Instalment] | type[Repayment],
    date_field: str,
    amount: str,
    on: dt.date,
    strict: bool,
) -> Coalesce:
    lookup = f"{date_field}__lt" if strict else f"{date_field}__lte"
    money = DecimalField(max_digits=15, decimal_places=0)
    total = (
        model.objects.filter(loan=OuterRef("pk"), **{lookup: on})
        .order_by()
        .values("loan")
        .annotate(total=Sum(amount))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)


@dataclass
class PortfolioLine:
    lender: str
    status: str
    loans: int = 0
    disbursed: Decimal = ZERO
    principal_repaid: Decimal = ZERO
    interest_paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue_principal: Decimal = ZERO
    overdue_interest: Decimal = ZERO
    written_off: Decimal = ZERO

    def add(self, other: PortfolioLine) -> None:
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def lender_label(self) -> str:
        return str(Lender(self.lender).label) if self.lender else ""

    @property
    def status_label(self) -> str:
        return str(LoanStatus(self.status).label) if self.status else ""


# The figures a line adds up: every field but its lender and status.
_SUMMED = tuple(f.name for f in fields(PortfolioLine) if f.name not in ("lender", "status"))


@dataclass
class Portfolio:
    on: dt.date
    area: AdministrativeUnit | None
    lines: list[PortfolioLine] = field(default_factory=list)
    total: PortfolioLine = field(default_factory=lambda: PortfolioLine("", ""))
    # The same figures per unit one level down (communes of a province or of everything
    # visible, villages of a commune or of everything visible when it is one commune), every
    # status and lender together.
    by_unit: list[tuple[AdministrativeUnit, PortfolioLine]] = field(default_factory=list)


def effective_status(stored: str, amount: Decimal, repaid: Decimal, overdue: Decimal) -> str:
    """The status on the portfolio's day: a write-off and full repayment as stored, else
    overdue when anything due is unpaid (the stored status may be a day old)."""
    if stored == LoanStatus.WRITTEN_OFF:
        return stored
    if repaid >= amount:
        return LoanStatus.REPAID
    return LoanStatus.OVERDUE if overdue > 0 else LoanStatus.ACTIVE


def portfolio(user: Viewer, *, area: AdministrativeUnit | None, on: dt.date) -> Portfolio:
    """Outstanding, overdue and repaid of the loans in ``area`` the user may see, on ``on``,
    per lender and status, with the total and per unit one level down."""
    rows = (
        in_area(access.scoped(Loan.objects.filter(disbursed_on__lte=on), user), area)
        .annotate(
            due_principal=_summed(Instalment, "due_on", "principal", on, strict=True),
            due_interest=_summed(Instalment, "due_on", "interest", on, strict=True),
            paid_principal=_summed(Repayment, "paid_on", "principal", on, strict=False),
            paid_interest=_summed(Repayment, "paid_on", "interest", on, strict=False),
        )
        .values_list(
            "commune",
            "village",
            "lender",
            "status",
            "amount",
            "due_principal",
            "due_interest",
            "paid_principal",
            "paid_interest",
        )
    )
    lines: dict[tuple[str, str], PortfolioLine] = {}
    by_commune: dict[int, PortfolioLine] = {}
    by_village: dict[int, PortfolioLine] = {}
    for (
        commune_id,
        village_id,
        lender,
        stored,
        amount,
        due_p,
        due_i,
        paid_p,
        paid_i,
    ) in rows.iterator():
        overdue_p = max(ZERO, due_p - paid_p)
        overdue_i = max(ZERO, due_i - paid_i)
        status = effective_status(stored, amount, paid_p, overdue_p + overdue_i)
        line = PortfolioLine(lender, status, loans=1, disbursed=amount)
        line.principal_repaid, line.interest_paid = paid_p, paid_i
        if status == LoanStatus.WRITTEN_OFF:
            line.written_off = amount - paid_p
        else:
            line.outstanding = amount - paid_p
            line.overdue_principal, line.overdue_interest = overdue_p, overdue_i
        key = (lender, status)
        if key not in lines:
            lines[key] = PortfolioLine(lender, status)
        lines[key].add(line)
        by_commune.setdefault(commune_id, PortfolioLine("", "")).add(line)
        by_village.setdefault(village_id, PortfolioLine("", "")).add(line)
    # One level down: a commune's villages; when no area is chosen and the loans are of one
    # commune (a commune officer), its villages too rather than one line with its name.
    villages = area.level != Level.PROVINCE if area is not None else len(by_commune) <= 1
    units = by_village if villages else by_commune
    result = Portfolio(on=on, area=area)
    order = {s: i for i, s in enumerate(LoanStatus.values)}
    result.lines = sorted(lines.values(), key=lambda x: (x.lender, order[x.status]))
    for line in result.lines:
        result.total.add(line)
    named = AdministrativeUnit.objects.in_bulk(list(units))
    result.by_unit = sorted(
        ((named[pk], line) for pk, line in units.items()), key=lambda pair: pair[0].name
    )
    return result
