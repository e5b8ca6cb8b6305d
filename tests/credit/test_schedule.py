"""The pure loan arithmetic: the schedule and what is overdue on a day (boundaries exact)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from giamngheo.credit.schedule import (
    Due,
    Paid,
    add_months,
    build_schedule,
    next_unpaid,
    overdue_on,
)

D = Decimal


def test_the_schedule_repays_the_amount_exactly_with_interest_on_the_outstanding() -> None:
    dues = build_schedule(
        amount=D(50_000_000),
        annual_rate=D("6.6"),
        term_months=36,
        instalment_months=12,
        disbursed_on=dt.date(2024, 3, 15),
    )
    assert [d.due_on for d in dues] == [
        dt.date(2025, 3, 15),
        dt.date(2026, 3, 15),
        dt.date(2027, 3, 15),
    ]
    assert sum(d.principal for d in dues) == D(50_000_000)
    # 50 M × 6,6 % for a year; then 33 333 334 (the rounding remainder is last) × 6,6 %.
    assert dues[0].interest == D(3_300_000)
    assert dues[1].principal == D(16_666_667)
    assert dues[1].interest == (D(50_000_000 - 16_666_667) * D("0.066")).quantize(D(1))
    assert dues[2].principal == D(50_000_000 - 2 * 16_666_667)


def test_a_term_not_a_multiple_of_the_period_ends_on_the_term() -> None:
    dues = build_schedule(
        amount=D(10_000_000),
        annual_rate=D(12),
        term_months=18,
        instalment_months=12,
        disbursed_on=dt.date(2024, 1, 31),
    )
    assert [d.due_on for d in dues] == [dt.date(2025, 1, 31), dt.date(2025, 7, 31)]
    # Six months on the 5 M left: 5 M × 12 % × 6/12.
    assert dues[1].interest == D(300_000)


def test_month_arithmetic_keeps_the_end_of_a_short_month() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 12, 31), 14) == dt.date(2025, 2, 28)


@pytest.mark.parametrize("months", [0, 13])
def test_an_instalment_period_outside_the_term_is_refused(months: int) -> None:
    with pytest.raises(ValueError):
        build_schedule(
            amount=D(1),
            annual_rate=D(0),
            term_months=12,
            instalment_months=months,
            disbursed_on=dt.date(2024, 1, 1),
        )


DUES = [
    Due(1, dt.date(2025, 3, 15), D(1_000_000), D(100_000)),
    Due(2, dt.date(2026, 3, 15), D(1_000_000), D(50_000)),
]


def test_an_instalment_is_not_overdue_on_its_due_date_but_is_the_day_after() -> None:
    assert not overdue_on(dt.date(2025, 3, 15), DUES, []).is_overdue
    late = overdue_on(dt.date(2025, 3, 16), DUES, [])
    assert (late.principal, late.interest, late.since) == (D(1_000_000), D(100_000), DUES[0].due_on)
    assert late.days(dt.date(2025, 3, 16)) == 1


def test_a_payment_on_the_due_date_is_on_time_and_one_a_day_late_counts_from_its_day() -> None:
    on_time = [Paid(dt.date(2025, 3, 15), D(1_000_000), D(100_000))]
    assert not overdue_on(dt.date(2025, 3, 16), DUES, on_time).is_overdue
    next_day = [Paid(dt.date(2025, 3, 16), D(1_000_000), D(100_000))]
    assert not overdue_on(dt.date(2025, 3, 16), DUES, next_day).is_overdue
    # Seen from before it was paid, the instalment was overdue.
    assert overdue_on(
        dt.date(2025, 3, 16), DUES, [Paid(dt.date(2025, 3, 17), D(1), D(1))]
    ).is_overdue


def test_a_partial_payment_leaves_the_rest_overdue_since_the_oldest_unpaid() -> None:
    partial = [Paid(dt.date(2025, 3, 10), D(600_000), D(100_000))]
    late = overdue_on(dt.date(2026, 3, 16), DUES, partial)
    assert late.principal == D(2_000_000 - 600_000)
    assert late.interest == D(50_000)
    assert late.since == dt.date(2025, 3, 15)


def test_interest_unpaid_alone_makes_an_instalment_overdue() -> None:
    principal_only = [Paid(dt.date(2025, 3, 15), D(1_000_000), D(0))]
    late = overdue_on(dt.date(2025, 3, 16), DUES, principal_only)
    assert (late.principal, late.interest) == (D(0), D(100_000))


def test_the_next_unpaid_instalment_is_what_is_left_of_the_oldest_uncovered_one() -> None:
    assert next_unpaid(DUES, []) == DUES[0]
    partial = [Paid(dt.date(2025, 3, 10), D(600_000), D(100_000))]
    assert next_unpaid(DUES, partial) == Due(1, dt.date(2025, 3, 15), D(400_000), D(0))
    first = [Paid(dt.date(2025, 3, 10), D(1_000_000), D(100_000))]
    assert next_unpaid(DUES, first) == DUES[1]
    everything = [Paid(dt.date(2026, 3, 1), D(2_000_000), D(150_000))]
    assert next_unpaid(DUES, everything) is None
