"""Loan arithmetic, pure (no database): the repayment schedule and what is overdue on a day.

Money is whole đồng (``Decimal``, never ``float``); the rate is percent a year, exact.

The schedule follows the usual VBSP household loan: the principal is repaid in equal parts
every ``instalment_months`` (the last part takes the rounding remainder, and falls on the term's
end), and interest is charged on the principal outstanding during each period, at
``rate / 100 × months / 12`` (rounded half up to the đồng).

Overdue: an instalment due on day D that the payments made by day X do not cover is overdue on
X when D < X (paid on its due date is on time). Payments cover instalments in order, principal
against principal and interest against interest.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Due:
    number: int
    due_on: dt.date
    principal: Decimal
    interest: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


@dataclass(frozen=True)
class Paid:
    paid_on: dt.date
    principal: Decimal
    interest: Decimal


@dataclass(frozen=True)
class Overdue:
    """What is overdue on a day: the principal and interest of instalments due before it and
    not covered, and since when (the due date of the oldest such instalment)."""

    principal: Decimal
    interest: Decimal
    since: dt.date | None

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest

    @property
    def is_overdue(self) -> bool:
        return self.total > 0

    def days(self, on: dt.date) -> int:
        return (on - self.since).days if self.since is not None else 0


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _dong(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def build_schedule(
    *,
    amount: Decimal,
    annual_rate: Decimal,
    term_months: int,
    instalment_months: int,
    disbursed_on: dt.date,
) -> list[Due]:
    """The instalments of a loan: one every ``instalment_months`` from the disbursement, the last
    on the term's end (a shorter period if the term is not a multiple)."""
    if amount <= 0 or term_months <= 0 or not 0 < instalment_months <= term_months:
        raise ValueError("amount, term and instalment period must be positive")
    ends = [*range(instalment_months, term_months, instalment_months), term_months]
    part = _dong(amount / len(ends))
    outstanding = amount
    dues: list[Due] = []
    start = 0
    for number, end in enumerate(ends, start=1):
        principal = outstanding if number == len(ends) else min(part, outstanding)
        interest = _dong(outstanding * annual_rate / 100 * (end - start) / 12)
        dues.append(Due(number, add_months(disbursed_on, end), principal, interest))
        outstanding -= principal
        start = end
    return dues


def overdue_on(on: dt.date, dues: Sequence[Due], payments: Iterable[Paid]) -> Overdue:
    """What is overdue on ``on`` given the schedule and the payments made by that day."""
    made = [p for p in payments if p.paid_on <= on]
    paid_principal = sum((p.principal for p in made), ZERO)
    paid_interest = sum((p.interest for p in made), ZERO)
    due_principal = due_interest = ZERO
    since: dt.date | None = None
    for due in sorted(dues, key=lambda d: d.due_on):
        if due.due_on >= on:
            break
        due_principal += due.principal
        due_interest += due.interest
        if since is None and (due_principal > paid_principal or due_interest > paid_interest):
            since = due.due_on
    principal = max(ZERO, due_principal - paid_principal)
    interest = max(ZERO, due_interest - paid_interest)
    return Overdue(principal, interest, since if principal + interest > 0 else None)


def next_unpaid(dues: Sequence[Due], payments: Iterable[Paid]) -> Due | None:
    """The oldest instalment the payments do not cover, with what is left of it (principal and
    interest), or ``None`` when everything scheduled is paid."""
    made = list(payments)
    paid_principal = sum((p.principal for p in made), ZERO)
    paid_interest = sum((p.interest for p in made), ZERO)
    for due in sorted(dues, key=lambda d: d.due_on):
        principal = max(ZERO, min(due.principal, due.principal - paid_principal))
        interest = max(ZERO, min(due.interest, due.interest - paid_interest))
        paid_principal = max(ZERO, paid_principal - due.principal)
        paid_interest = max(ZERO, paid_interest - due.interest)
        if principal + interest > 0:
            return Due(due.number, due.due_on, principal, interest)
    return None
