"""Credit in the demo province: a VBSP loan portfolio in the first demo commune (loans to poor
and near-poor households over the last three years, repayments, some overdue, one repaid, one
written off, checks of use) and a revolving fund (in kind) that has passed along four
households.

A demo part (``demo.extensions``): ``purge_credit_demo`` before the old demo households are
deleted, ``seed_credit_demo`` after the new ones. Everything goes through ``credit.services``
(actor: the system), so the rows, the support records and the audit events are those a commune
would produce. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from giamngheo.credit import limits, services
from giamngheo.credit.models import FundTurn, Loan, Repayment, RevolvingFund, UseCheck
from giamngheo.credit.schedule import add_months
from giamngheo.lib import clock
from giamngheo.programmes import loader as programme_loader
from giamngheo.programmes.models import Programme, SupportRecord
from giamngheo.registry.models import Household, Status

LOANS = 40
D = Decimal

# The VBSP policies the demo lends under, by the borrower's status: the programme catalogue's
# codes (``programmes/data/policies.toml``, loaded by the programmes part, which runs first);
# the rate is the one the policy states (``limits``).
POLICIES: dict[str, str] = {Status.POOR: "vay-hn", Status.NEAR_POOR: "vay-hcn"}
ESCAPED = "vay-hmtn"
PURPOSES = (
    "Mua bò sinh sản",
    "Nuôi lợn nái",
    "Trồng cà phê",
    "Mua máy cày nhỏ",
    "Mở tiệm tạp hóa",
    "Nuôi gà thả vườn",
)


@dataclass
class CreditDemoReport:
    loans: int = 0
    repayments: int = 0
    overdue: int = 0
    fund_turns: int = 0


def _policy(status: str) -> Programme:
    code = POLICIES.get(status, ESCAPED)
    if not Programme.objects.filter(code=code).exists():
        programme_loader.load(actor=None)
    return Programme.objects.get(code=code)


def purge_credit_demo(context: Any) -> int:
    """Delete the credit rows of the demo province and the support records they made."""
    province = context.province
    deleted = 0
    with transaction.atomic():
        # A repaid or written-off loan loses its repayments below: reopen it first (the checks
        # keep a repaid loan repaid in full).
        Loan.objects.filter(province=province).update(
            status="active", written_off_on=None, written_off_reason=""
        )
        for queryset in (
            FundTurn.objects.filter(province=province),
            RevolvingFund.objects.filter(province=province),
            UseCheck.objects.filter(loan__province=province),
            Repayment.objects.filter(loan__province=province),
            Loan.objects.filter(province=province),
            SupportRecord.objects.filter(province=province, source_app="credit"),
        ):
            count, _by_model = queryset.delete()
            deleted += count
    return deleted


def _pay_instalments(
    loan: Loan, rng: random.Random, today: dt.date, *, late: bool, report: CreditDemoReport
) -> None:
    """Pay each instalment due by today on its date, except (``late``) the last due one."""
    due = [i for i in loan.instalments.order_by("number") if i.due_on <= today]
    if late and due:
        due = due[:-1]
    for instalment in due:
        paid_on = instalment.due_on - dt.timedelta(days=rng.randint(0, 10))
        services.repayment_record(
            actor=None,
            loan=loan,
            paid_on=paid_on,
            principal=instalment.principal,
            interest=instalment.interest,
        )
        report.repayments += 1


def seed_credit_demo(context: Any, *, loans: int = LOANS) -> CreditDemoReport:
    """The demo portfolio and fund (``context``: ``demo.extensions.DemoContext``): ``loans``
    loans, then four more households along the fund's chain."""
    report = CreditDemoReport()
    today = clock.today()
    rng = random.Random(context.seed * 7919 + 13)  # noqa: S311 - synthetic demo data
    commune, _second = context.demo_communes()
    # Poor and near-poor households first; a small demo commune tops up with others, as
    # households newly out of poverty (their own VBSP policy).
    in_commune = Household.objects.filter(commune=commune).order_by("code")
    priority = list(in_commune.filter(status__in=list(POLICIES))[: loans + 4])
    others = in_commune.exclude(status__in=list(POLICIES))[: loans + 4 - len(priority)]
    borrowers = priority + list(others)
    if len(borrowers) < 5:
        return report
    say = getattr(context, "progress", None) or (lambda _message: None)
    say("Tín dụng chính sách: khoản vay và quỹ quay vòng")
    for index, household in enumerate(borrowers[:loans]):
        months_ago = rng.randint(2, 40)
        disbursed_on = add_months(today, -months_ago) - dt.timedelta(days=rng.randint(0, 20))
        programme = _policy(household.status)
        loan = services.loan_create(
            actor=None,
            household=household,
            programme=programme,
            lender="vbsp",
            amount=D(rng.choice((20, 30, 40, 50, 60, 80, 100)) * 1_000_000),
            annual_rate=limits.for_programme(programme).annual_rate or D("6.6"),
            term_months=rng.choice((36, 48, 60)),
            instalment_months=12,
            purpose=rng.choice(PURPOSES),
            disbursed_on=disbursed_on,
            contract_number=f"KU-{commune.code}-{index + 1:04d}",
        )
        report.loans += 1
        # About one loan in six misses its last due instalment; the rest pay on time.
        _pay_instalments(loan, rng, today, late=index % 6 == 5, report=report)
        if index % 5 == 0 and disbursed_on < today - dt.timedelta(days=45):
            finding = "for_purpose" if index % 10 else "partly"
            services.use_check_record(
                actor=None,
                loan=loan,
                checked_on=disbursed_on + dt.timedelta(days=30),
                checker="Tổ Tiết kiệm và vay vốn thôn",
                finding=finding,
                follow_up="" if finding == "for_purpose" else "Nhắc hộ mua đủ con giống",
            )
    # One loan repaid in full early, one written off after a flood.
    first, second = (
        Loan.objects.filter(commune=commune, status__in=("active", "overdue"))
        .order_by("disbursed_on")
        .all()[:2]
    )
    services.repayment_record(
        actor=None,
        loan=first,
        paid_on=today,
        principal=first.amount - first.principal_repaid,
        interest=D(0),
        note="Tất toán trước hạn",
    )
    report.repayments += 1
    services.loan_write_off(
        actor=None,
        loan=second,
        written_off_on=today,
        reason="Rủi ro do thiên tai (lũ quét), hồ sơ xử lý nợ bị rủi ro",
    )
    services.loans_refresh_status(actor=None, on=today)
    report.overdue = Loan.objects.filter(commune=commune, status="overdue").count()
    fund = services.fund_create(
        actor=None,
        commune=commune,
        programme=_policy(Status.POOR),
        name="Bò sinh sản quay vòng",
        kind="in_kind",
        share_to_rotate=D("0.5"),
        cycle_months=12,
        started_on=add_months(today, -40),
        rules_basis="Quy định quay vòng của tỉnh (ví dụ QĐ 25/2022/QĐ-UBND Thái Nguyên)",
    )
    value = D(24_000_000)
    for turn, household in enumerate(borrowers[loans:]):
        services.fund_turn_record(
            actor=None,
            fund=fund,
            receiver=household,
            value=value,
            description="2 con bò cái giống" if turn == 0 else "1 con bê cái",
            passed_on=add_months(fund.started_on, 12 * turn),
            decision_number=f"{turn + 10}/QĐ-UBND",
        )
        value = value / 2
        report.fund_turns += 1
    return report
