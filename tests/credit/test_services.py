"""The credit services: loans and their support record, repayments, write-off, status, checks
of use, revolving funds and their chain; each with its refusals and its audit event."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from giamngheo.audit.models import AuditEvent
from giamngheo.credit import services
from giamngheo.credit.errors import CreditError
from giamngheo.credit.models import FundTurn, Loan, LoanStatus, Repayment, RevolvingFund, UseCheck
from giamngheo.programmes.models import Programme, SupportRecord
from giamngheo.programmes.services import catalogue as programme_services
from giamngheo.registry.models import Membership
from tests.conftest import World, make_household
from tests.credit.conftest import TODAY, make_loan

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_disbursed_loan_has_its_schedule_its_support_record_and_its_audit_event(
    world: World, poor_policy: Programme
) -> None:
    head = Membership.objects.get(household=world.household_a1, is_head=True).person
    loan = services.loan_create(
        actor=world.xa_a,
        household=world.household_a1,
        borrower=head,
        programme=poor_policy,
        lender="vbsp",
        amount=D(50_000_000),
        annual_rate=D("6.6"),
        term_months=36,
        purpose="Mua bò sinh sản",
        disbursed_on=dt.date(2024, 3, 15),
    )
    assert loan.village_id == world.household_a1.village_id
    assert loan.instalments.count() == 3
    assert sum(i.principal for i in loan.instalments.all()) == loan.amount
    record = SupportRecord.objects.get(source_app="credit", source_ref=f"credit.loan:{loan.pk}")
    assert (record.support_kind, record.funding_source, record.amount) == (
        "loan",
        "credit",
        D(50_000_000),
    )
    assert record.person == head and loan.support_record_id == record.pk
    event = AuditEvent.objects.get(action="credit.loan_disbursed", object_id=str(loan.pk))
    assert event.after is not None and D(event.after["annual_rate"]) == D("6.6")


def test_a_loan_is_refused_outside_the_reach_above_the_policy_ceiling_and_in_the_future(
    world: World, poor_policy: Programme
) -> None:
    base = {
        "household": world.household_a1,
        "programme": poor_policy,
        "lender": "vbsp",
        "amount": D(50_000_000),
        "annual_rate": D("6.6"),
        "term_months": 36,
        "purpose": "Chăn nuôi",
        "disbursed_on": dt.date(2025, 1, 2),
    }
    refusals = [
        ({"actor": world.xa_b}, "không có quyền"),
        ({"actor": world.inspector}, "không có quyền"),
        ({"amount": D(100_000_001)}, "vượt mức tối đa"),
        ({"term_months": 121}, "vượt mức tối đa 120"),
        ({"amount": D(0)}, "lớn hơn 0"),
        ({"amount": D("10.5")}, "đồng chẵn"),
        ({"annual_rate": D(101)}, "Lãi suất"),
        ({"disbursed_on": TODAY + dt.timedelta(days=1)}, "tương lai"),
        ({"purpose": "  "}, "mục đích"),
        ({"lender": "other"}, "tên bên cho vay"),
        (
            {"borrower": Membership.objects.filter(household=world.household_b1)[0].person},
            "thành viên",
        ),
    ]
    for change, message in refusals:
        with pytest.raises(CreditError, match=message):
            services.loan_create(**{"actor": world.xa_a, **base, **change})
    assert not Loan.objects.exists() and not SupportRecord.objects.exists()


def test_the_policy_limits_are_the_programmes_benefit_as_a_province_corrects_it(
    world: World, poor_policy: Programme
) -> None:
    # One source: the ceiling and the longest term are the programme's benefit, so a
    # province's correction on the programme's page moves them (here to 120 M and 60 months).
    base = {
        "actor": world.xa_a,
        "household": world.household_a1,
        "programme": poor_policy,
        "lender": "vbsp",
        "annual_rate": D("6.6"),
        "purpose": "Chăn nuôi",
        "disbursed_on": dt.date(2025, 1, 2),
    }
    programme_services.programme_update(
        actor=world.tinh,
        programme=poor_policy,
        benefit={**poor_policy.benefit, "amount": 120_000_000, "quantity": 60},
    )
    poor_policy.refresh_from_db()
    with pytest.raises(CreditError, match="vượt mức tối đa 60"):
        services.loan_create(**base, amount=D(110_000_000), term_months=61)
    loan = services.loan_create(**base, amount=D(110_000_000), term_months=60)
    assert loan.amount == D(110_000_000)
    # A policy whose benefit names no ceiling or term checks neither.
    bare = Programme.objects.create(
        code="vay-khac",
        kind="policy",
        name="Cho vay khác",
        valid_from=dt.date(2020, 1, 1),
        funding_sources=["credit"],
    )
    other = services.loan_create(
        **{**base, "programme": bare, "household": world.household_a2},
        amount=D(500_000_000),
        term_months=240,
    )
    assert other.term_months == 240


def test_the_database_refuses_a_loan_without_an_amount_and_principal_above_it(
    world: World, poor_policy: Programme
) -> None:
    loan = make_loan(world.household_a1, poor_policy, amount=1_000_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.filter(pk=loan.pk).update(amount=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Repayment.objects.create(loan=loan, paid_on=TODAY, principal=D(1_000_001), interest=D(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.REPAID)


def test_repayments_add_up_by_trigger_and_the_last_one_closes_the_loan(
    world: World, poor_policy: Programme
) -> None:
    loan = make_loan(world.household_a1, poor_policy, amount=3_000_000)
    services.repayment_record(
        actor=world.ctv,
        loan=loan,
        paid_on=dt.date(2025, 3, 1),
        principal=D(1_000_000),
        interest=D(198_000),
    )
    loan.refresh_from_db()
    assert (loan.principal_repaid, loan.interest_paid) == (D(1_000_000), D(198_000))
    with pytest.raises(CreditError, match="vượt dư nợ"):
        services.repayment_record(
            actor=world.xa_a, loan=loan, paid_on=TODAY, principal=D(2_000_001), interest=D(0)
        )
    services.repayment_record(
        actor=world.xa_a, loan=loan, paid_on=TODAY, principal=D(2_000_000), interest=D(100_000)
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID and loan.outstanding == 0
    with pytest.raises(CreditError, match="tất toán"):
        services.repayment_record(
            actor=world.xa_a, loan=loan, paid_on=TODAY, principal=D(0), interest=D(1)
        )
    assert AuditEvent.objects.filter(action="credit.repayment_recorded").count() == 2


def test_a_repayment_is_refused_empty_early_late_or_out_of_reach(
    world: World, poor_policy: Programme
) -> None:
    loan = make_loan(world.household_a1, poor_policy)
    cases = [
        ({"principal": D(0), "interest": D(0)}, "gốc hoặc tiền lãi"),
        ({"paid_on": dt.date(2024, 3, 14)}, "trước ngày giải ngân"),
        ({"paid_on": TODAY + dt.timedelta(days=1)}, "tương lai"),
        ({"principal": D(-1)}, "lớn hơn 0"),
        ({"actor": world.xa_b}, "không có quyền"),
    ]
    for change, message in cases:
        args = {
            "actor": world.xa_a,
            "loan": loan,
            "paid_on": TODAY,
            "principal": D(1),
            "interest": D(0),
            **change,
        }
        with pytest.raises(CreditError, match=message):
            services.repayment_record(**args)
    assert not Repayment.objects.exists()


def test_status_becomes_overdue_the_day_after_an_unpaid_due_date(
    world: World, poor_policy: Programme
) -> None:
    # Due 15/03/2025 and 15/03/2026.
    loan = make_loan(world.household_a1, poor_policy)
    assert services.loans_refresh_status(actor=None, on=dt.date(2025, 3, 15)) == 0
    assert services.loans_refresh_status(actor=None, on=dt.date(2025, 3, 16)) == 1
    loan.refresh_from_db()
    assert loan.status == LoanStatus.OVERDUE
    first = loan.instalments.get(number=1)
    services.repayment_record(
        actor=world.xa_a,
        loan=loan,
        paid_on=dt.date(2025, 3, 20),
        principal=first.principal,
        interest=first.interest,
    )
    loan.refresh_from_db()
    # Today (15/06/2026) the second instalment, due 15/03/2026, is unpaid: still overdue.
    assert loan.status == LoanStatus.OVERDUE
    assert services.loans_refresh_status(actor=None, on=dt.date(2026, 3, 15)) == 1
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert AuditEvent.objects.filter(action="credit.loan_status_changed").count() == 2


def test_only_a_commune_officer_writes_a_loan_off_with_a_reason(
    world: World, poor_policy: Programme
) -> None:
    loan = make_loan(world.household_a1, poor_policy)
    with pytest.raises(CreditError, match="công chức của xã"):
        services.loan_write_off(actor=world.ctv, loan=loan, written_off_on=TODAY, reason="Rủi ro")
    with pytest.raises(CreditError, match="lý do"):
        services.loan_write_off(actor=world.xa_a, loan=loan, written_off_on=TODAY, reason="")
    services.loan_write_off(
        actor=world.xa_a, loan=loan, written_off_on=TODAY, reason="Thiên tai, QĐ 50/2010"
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF and loan.outstanding == 0
    with pytest.raises(CreditError, match="tất toán"):
        services.repayment_record(
            actor=world.xa_a, loan=loan, paid_on=TODAY, principal=D(1), interest=D(0)
        )


def test_a_check_of_use_short_of_its_purpose_needs_a_follow_up(
    world: World, poor_policy: Programme
) -> None:
    loan = make_loan(world.household_a1, poor_policy)
    with pytest.raises(CreditError, match="biện pháp"):
        services.use_check_record(
            actor=world.ctv, loan=loan, checked_on=TODAY, checker="Tổ TK&VV", finding="partly"
        )
    with pytest.raises(CreditError, match="không có quyền"):
        services.use_check_record(
            actor=world.xa_b, loan=loan, checked_on=TODAY, checker="X", finding="for_purpose"
        )
    check = services.use_check_record(
        actor=world.ctv,
        loan=loan,
        checked_on=TODAY,
        checker="Tổ TK&VV thôn Một",
        finding="not_for_purpose",
        follow_up="Đề nghị thu hồi nợ trước hạn",
    )
    assert UseCheck.objects.get() == check
    event = AuditEvent.objects.get(action="credit.use_check_recorded")
    assert event.commune_id == world.commune_a.pk


@pytest.fixture
def fund(world: World, poor_policy: Programme) -> RevolvingFund:
    return services.fund_create(
        actor=world.xa_a,
        commune=world.commune_a,
        programme=poor_policy,
        name="Bò sinh sản quay vòng",
        kind="in_kind",
        share_to_rotate=D("0.5"),
        cycle_months=24,
        started_on=dt.date(2024, 1, 10),
        rules_basis="QĐ 25/2022/QĐ-UBND",
    )


def test_a_fund_passes_from_household_to_household_as_a_chain(
    world: World, fund: RevolvingFund
) -> None:
    third = make_household(world.village_a1, "A1-002", "Đỗ Văn Em")
    first = services.fund_turn_record(
        actor=world.xa_a,
        fund=fund,
        receiver=world.household_a1,
        value=D(20_000_000),
        description="2 con bò cái",
        passed_on=dt.date(2024, 1, 10),
    )
    second = services.fund_turn_record(
        actor=world.xa_a,
        fund=fund,
        receiver=world.household_a2,
        value=D(10_000_000),
        description="1 con bê",
        passed_on=dt.date(2026, 1, 12),
        decision_number="12/QĐ-UBND",
    )
    third_turn = services.fund_turn_record(
        actor=world.xa_a,
        fund=fund,
        receiver=third,
        value=D(5_000_000),
        description="1 con bê",
        passed_on=TODAY,
    )
    chain = list(FundTurn.objects.filter(fund=fund).order_by("sequence"))
    assert [(t.sequence, t.giver_id, t.receiver_id) for t in chain] == [
        (1, None, world.household_a1.pk),
        (2, world.household_a1.pk, world.household_a2.pk),
        (3, world.household_a2.pk, third.pk),
    ]
    assert [first, second, third_turn] == chain
    assert SupportRecord.objects.filter(source_app="credit", support_kind="in_kind").count() == 3
    assert AuditEvent.objects.filter(action="credit.fund_turn_recorded").count() == 3


def test_a_fund_turn_is_refused_below_the_share_back_to_a_receiver_or_by_a_collaborator(
    world: World, fund: RevolvingFund
) -> None:
    services.fund_turn_record(
        actor=world.xa_a,
        fund=fund,
        receiver=world.household_a1,
        value=D(20_000_000),
        description="2 con bò",
        passed_on=dt.date(2024, 1, 10),
    )
    base = {
        "actor": world.xa_a,
        "fund": fund,
        "receiver": world.household_a2,
        "value": D(10_000_000),
        "description": "1 con bê",
        "passed_on": TODAY,
    }
    cases = [
        ({"value": D(9_999_999)}, "ít nhất 10.000.000"),
        ({"receiver": world.household_a1}, "đã nhận"),
        ({"receiver": world.household_b1}, "thuộc xã của quỹ"),
        ({"actor": world.ctv}, "công chức của xã"),
        ({"passed_on": dt.date(2024, 1, 9)}, "trước"),
    ]
    for change, message in cases:
        with pytest.raises(CreditError, match=message):
            services.fund_turn_record(**{**base, **change})
    assert FundTurn.objects.count() == 1


def test_a_fund_is_opened_only_by_the_commune_with_rules_in_range(
    world: World, poor_policy: Programme
) -> None:
    base = {
        "actor": world.xa_a,
        "commune": world.commune_a,
        "programme": poor_policy,
        "name": "Quỹ dê",
        "kind": "in_kind",
        "share_to_rotate": D("0.5"),
        "cycle_months": 12,
        "started_on": TODAY,
    }
    for change, message in [
        ({"actor": world.xa_b}, "công chức của xã"),
        ({"share_to_rotate": D("1.01")}, "Tỷ lệ"),
        ({"share_to_rotate": D(0)}, "Tỷ lệ"),
        ({"cycle_months": 0}, "Chu kỳ"),
        ({"commune": world.village_a1}, "thuộc một xã"),
    ]:
        with pytest.raises(CreditError, match=message):
            services.fund_create(**{**base, **change})
    assert not RevolvingFund.objects.exists()


def test_the_command_refreshes_statuses_for_a_day(world: World, poor_policy: Programme) -> None:
    loan = make_loan(world.household_a1, poor_policy)
    out = io.StringIO()
    call_command("credit", "refresh-status", "--on", "16/03/2025", stdout=out)
    assert "1 khoản vay" in out.getvalue()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.OVERDUE
    with pytest.raises(CommandError):
        call_command("credit", "refresh-status", "--on", "2025-03-16")


def test_the_database_keeps_totals_on_any_write_and_refuses_bad_checks_and_turns(
    world: World, fund: RevolvingFund, poor_policy: Programme
) -> None:
    loan = make_loan(world.household_a1, poor_policy, amount=5_000_000)
    payment = services.repayment_record(
        actor=None, loan=loan, paid_on=TODAY, principal=D(1_000_000), interest=D(50_000)
    )
    Repayment.objects.filter(pk=payment.pk).update(principal=D(2_000_000))
    loan.refresh_from_db()
    assert (loan.principal_repaid, loan.interest_paid) == (D(2_000_000), D(50_000))
    Repayment.objects.filter(pk=payment.pk).delete()
    loan.refresh_from_db()
    assert (loan.principal_repaid, loan.interest_paid) == (D(0), D(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        UseCheck.objects.create(loan=loan, checked_on=TODAY, checker="X", finding="partly")
    first = services.fund_turn_record(
        actor=None,
        fund=fund,
        receiver=world.household_a1,
        value=D(2_000_000),
        description="Bò",
        passed_on=TODAY,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FundTurn.objects.create(
            province=world.province,
            commune=world.commune_a,
            village=world.village_a1,
            fund=fund,
            sequence=2,
            giver=world.household_a1,
            receiver=world.household_a1,
            kind="in_kind",
            description="Bê",
            value=D(1_000_000),
            passed_on=TODAY,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FundTurn.objects.filter(pk=first.pk).update(giver=world.household_a2)
