"""The portfolio of an area reconciles with the rows: each figure is recomputed here loan by
loan from the instalments and repayments with the pure ``schedule.overdue_on``; the Excel file
carries the same numbers as numbers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from giamngheo.credit import exports, selectors, services
from giamngheo.credit.models import Loan, LoanStatus
from giamngheo.credit.schedule import Due, Paid, overdue_on
from giamngheo.programmes.models import Programme
from tests.conftest import World
from tests.credit.conftest import TODAY, make_loan

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def loans(world: World, poor_policy: Programme) -> list[Loan]:
    """Four loans in commune A (one repaid, one overdue, one on time, one written off; one
    from another lender) and one in commune B."""
    repaid = make_loan(world.household_a1, poor_policy, amount=2_000_000, term_months=12)
    services.repayment_record(
        actor=None, loan=repaid, paid_on=dt.date(2025, 3, 1), principal=D(2_000_000), interest=D(0)
    )
    overdue = make_loan(world.household_a1, poor_policy, amount=30_000_000)
    services.repayment_record(
        actor=None,
        loan=overdue,
        paid_on=dt.date(2025, 3, 15),
        principal=D(5_000_000),
        interest=D(1_980_000),
    )
    on_time = make_loan(
        world.household_a2,
        poor_policy,
        amount=12_000_000,
        disbursed_on=dt.date(2025, 12, 1),
        lender="other",
    )
    written_off = make_loan(world.household_a2, poor_policy, amount=7_000_000)
    services.loan_write_off(
        actor=None, loan=written_off, written_off_on=dt.date(2026, 1, 5), reason="Thiên tai"
    )
    other_commune = make_loan(world.household_b1, poor_policy, amount=9_000_000)
    return [repaid, overdue, on_time, written_off, other_commune]


def _by_hand(rows: list[Loan], on: dt.date) -> dict[str, Decimal]:
    totals = dict.fromkeys(
        ("disbursed", "repaid", "outstanding", "overdue_principal", "written_off"), D(0)
    )
    for loan in rows:
        loan.refresh_from_db()
        dues = [Due(i.number, i.due_on, i.principal, i.interest) for i in loan.instalments.all()]
        paid = [Paid(r.paid_on, r.principal, r.interest) for r in loan.repayments.all()]
        late = overdue_on(on, dues, paid)
        repaid = sum((p.principal for p in paid), D(0))
        totals["disbursed"] += loan.amount
        totals["repaid"] += repaid
        if loan.status == LoanStatus.WRITTEN_OFF:
            totals["written_off"] += loan.amount - repaid
        else:
            totals["outstanding"] += loan.amount - repaid
            totals["overdue_principal"] += late.principal
    return totals


def test_the_portfolio_of_a_commune_reconciles_with_its_rows(
    world: World, loans: list[Loan]
) -> None:
    data = selectors.portfolio(world.xa_a, area=world.commune_a, on=TODAY)
    expected = _by_hand(loans[:4], TODAY)
    assert data.total.loans == 4
    assert data.total.disbursed == expected["disbursed"]
    assert data.total.principal_repaid == expected["repaid"]
    assert data.total.outstanding == expected["outstanding"]
    assert data.total.overdue_principal == expected["overdue_principal"] > 0
    assert data.total.written_off == expected["written_off"] == D(7_000_000)
    lines = {(line.lender, line.status): line for line in data.lines}
    assert set(lines) == {
        ("vbsp", "repaid"),
        ("vbsp", "overdue"),
        ("vbsp", "written_off"),
        ("other", "active"),
    }
    assert lines[("other", "active")].outstanding == D(12_000_000)
    assert sum(line.loans for line in data.lines) == data.total.loans


def test_the_portfolio_is_scoped_and_the_province_sums_its_communes(
    world: World, loans: list[Loan]
) -> None:
    # The commune A officer asking for the province sees only commune A.
    mine = selectors.portfolio(world.xa_a, area=world.province, on=TODAY)
    assert mine.total.loans == 4
    province = selectors.portfolio(world.tinh, area=world.province, on=TODAY)
    a = selectors.portfolio(world.tinh, area=world.commune_a, on=TODAY)
    b = selectors.portfolio(world.tinh, area=world.commune_b, on=TODAY)
    assert province.total.loans == 5
    assert province.total.outstanding == a.total.outstanding + b.total.outstanding
    assert province.total.overdue_principal == (
        a.total.overdue_principal + b.total.overdue_principal
    )
    assert selectors.portfolio(world.outsider, area=None, on=TODAY).total.loans == 0
    # One level down: the province's communes, the commune's villages; they add up.
    assert [unit for unit, _line in province.by_unit] == sorted(
        [world.commune_a, world.commune_b], key=lambda unit: unit.name
    )
    for data in (province, a):
        assert sum(line.outstanding for _unit, line in data.by_unit) == data.total.outstanding
        assert sum(line.loans for _unit, line in data.by_unit) == data.total.loans
    assert {unit for unit, _line in a.by_unit} == {world.village_a1, world.village_a2}
    # Without a chosen area, a commune officer's loans (one commune) break down to villages,
    # a province's to communes.
    mine_all = selectors.portfolio(world.xa_a, area=None, on=TODAY)
    assert {unit for unit, _line in mine_all.by_unit} == {world.village_a1, world.village_a2}
    all_of_province = selectors.portfolio(world.tinh, area=None, on=TODAY)
    assert {unit for unit, _line in all_of_province.by_unit} == {world.commune_a, world.commune_b}


def test_overdue_in_the_portfolio_starts_the_day_after_the_due_date(
    world: World, poor_policy: Programme
) -> None:
    loan = make_loan(world.household_a1, poor_policy, amount=3_000_000)
    first_due = loan.instalments.get(number=1).due_on
    on_due = selectors.portfolio(world.tinh, area=world.commune_a, on=first_due)
    after = selectors.portfolio(
        world.tinh, area=world.commune_a, on=first_due + dt.timedelta(days=1)
    )
    assert on_due.total.overdue_principal == 0
    assert [line.status for line in on_due.lines] == ["active"]
    assert after.total.overdue_principal == D(1_000_000)
    assert [line.status for line in after.lines] == ["overdue"]


def test_the_excel_export_reads_back_with_typed_numbers(world: World, loans: list[Loan]) -> None:
    data = selectors.portfolio(world.tinh, area=world.province, on=TODAY)
    sheet = load_workbook(io.BytesIO(exports.portfolio_workbook(data))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=exports.HEADER_ROW + 1, values_only=True))
    assert len(rows) == len(data.lines) + 1
    total = rows[-1]
    assert total[0] == "Tổng cộng"
    assert total[2] == data.total.loans
    assert isinstance(total[6], int) and total[6] == data.total.outstanding
    assert total[7] == data.total.overdue_principal
    assert sum(row[6] for row in rows[:-1]) == total[6]
    assert sheet["B2"].value == world.province.name
    by_unit = load_workbook(io.BytesIO(exports.portfolio_workbook(data)))["Theo địa bàn"]
    unit_rows = list(by_unit.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in unit_rows] == [unit.code for unit, _line in data.by_unit]
    assert sum(row[6] for row in unit_rows) == data.total.outstanding
