"""Every write of the credit app: loans (disbursement, repayments, write-off, status), checks of
use for purpose, revolving funds and their turns. Keyword-only, atomic, access-checked,
audited in the same transaction. A disbursed loan and a fund turn received are also recorded as
the household's support through ``programmes.services.support_record_create``."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.credit import limits, schedule
from giamngheo.credit.errors import CreditError
from giamngheo.credit.models import (
    OPEN_STATUSES,
    Finding,
    FundTurn,
    Instalment,
    Lender,
    Loan,
    LoanStatus,
    Repayment,
    RevolvingFund,
    TurnKind,
    UseCheck,
)
from giamngheo.lib import clock, idempotency, validators
from giamngheo.lib.formatting import format_number
from giamngheo.programmes import services as programmes
from giamngheo.programmes.models import FundingSource, Programme, SupportKind
from giamngheo.registry.models import Household, Membership, Person

LOAN_FIELDS = (
    "household_id",
    "borrower_id",
    "programme_id",
    "lender",
    "lender_name",
    "contract_number",
    "amount",
    "annual_rate",
    "term_months",
    "instalment_months",
    "purpose",
    "disbursed_on",
    "principal_repaid",
    "interest_paid",
    "status",
    "written_off_on",
    "written_off_reason",
)
REPAYMENT_FIELDS = ("loan_id", "paid_on", "principal", "interest", "note")
CHECK_FIELDS = ("loan_id", "checked_on", "checker", "finding", "note", "follow_up")
FUND_FIELDS = (
    "programme_id",
    "commune_id",
    "name",
    "kind",
    "share_to_rotate",
    "cycle_months",
    "rules_basis",
    "started_on",
    "note",
)
TURN_FIELDS = (
    "fund_id",
    "sequence",
    "giver_id",
    "receiver_id",
    "kind",
    "description",
    "value",
    "passed_on",
    "decision_number",
)


def _require_change(actor: Actor, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_change_area(actor, unit):
        raise CreditError(_("Bạn không có quyền ghi dữ liệu tín dụng của địa bàn này."))


def _require_decide(actor: Actor, unit: AdministrativeUnit) -> None:
    if actor is not None and not access.can_decide_in(actor, unit):
        raise CreditError(_("Chỉ công chức của xã mới được thực hiện thao tác này."))


def _date(value: dt.date, label: str) -> dt.date:
    with validators.reraise_as(CreditError):
        validators.check_event_date(value, label=label)
    if value > clock.today():
        raise CreditError(_("%(label)s không thể ở tương lai.") % {"label": label})
    return value


def _text(value: str, label: str, *, max_length: int, required: bool = False) -> str:
    with validators.reraise_as(CreditError):
        cleaned = validators.clean_text(value or "", label=label, max_length=max_length).strip()
    if required and not cleaned:
        raise CreditError(_("Cần ghi %(label)s.") % {"label": label.lower()})
    return cleaned


def _money(value: Decimal, label: str, *, positive: bool = True) -> Decimal:
    if value != value.to_integral_value():
        raise CreditError(_("%(label)s phải là số đồng chẵn.") % {"label": label})
    if value < 0 or (positive and value == 0):
        raise CreditError(_("%(label)s phải lớn hơn 0.") % {"label": label})
    return value


# -- loans ----------------------------------------------------------------------------------


def _check_borrower(borrower: Person | None, household: Household) -> None:
    if borrower is None:
        return
    if not Membership.objects.filter(person=borrower, household=household).exists():
        raise CreditError(
            _("%(name)s không phải thành viên của hộ %(code)s.")
            % {"name": borrower.full_name, "code": household.code}
        )


def _check_terms(
    programme: Programme, amount: Decimal, annual_rate: Decimal, term_months: int, every: int
) -> None:
    if not Decimal(0) <= annual_rate <= Decimal(100):
        raise CreditError(_("Lãi suất phải từ 0 đến 100%/năm."))
    if term_months <= 0:
        raise CreditError(_("Thời hạn vay phải lớn hơn 0 tháng."))
    if not 0 < every <= term_months:
        raise CreditError(_("Kỳ trả gốc phải từ 1 tháng đến hết thời hạn vay."))
    policy = limits.for_programme(programme)
    if policy.max_amount is not None and amount > policy.max_amount:
        raise CreditError(
            _("Số tiền vay vượt mức tối đa %(max)s đồng của chính sách (%(basis)s).")
            % {"max": format_number(policy.max_amount), "basis": policy.legal_basis}
        )
    if policy.max_term_months is not None and term_months > policy.max_term_months:
        raise CreditError(
            _("Thời hạn vay vượt mức tối đa %(max)d tháng của chính sách (%(basis)s).")
            % {"max": policy.max_term_months, "basis": policy.legal_basis}
        )


@transaction.atomic
def loan_create(
    *,
    actor: Actor,
    household: Household,
    programme: Programme,
    lender: str,
    amount: Decimal,
    annual_rate: Decimal,
    term_months: int,
    purpose: str,
    disbursed_on: dt.date,
    instalment_months: int = 12,
    borrower: Person | None = None,
    lender_name: str = "",
    contract_number: str = "",
    submission_key: uuid.UUID | None = None,
) -> Loan:
    """Record a disbursed loan with its schedule, and the household's support (kind loan)."""
    _require_change(actor, household.village)
    same = Loan.objects.filter(household=household)
    earlier = idempotency.earlier(same, submission_key)
    if earlier is not None:
        return earlier
    if lender not in Lender.values:
        raise CreditError(_("Bên cho vay không hợp lệ."))
    lender_name = _text(lender_name, _("Tên bên cho vay"), max_length=200)
    if lender == Lender.OTHER and not lender_name:
        raise CreditError(_("Cần ghi tên bên cho vay."))
    if programme.is_deleted:
        raise CreditError(_("Chương trình %(code)s đã bị xóa.") % {"code": programme.code})
    amount = _money(amount, _("Số tiền vay"))
    _check_terms(programme, amount, annual_rate, term_months, instalment_months)
    disbursed_on = _date(disbursed_on, _("Ngày giải ngân"))
    if disbursed_on < programme.valid_from or (
        programme.valid_to is not None and disbursed_on > programme.valid_to
    ):
        raise CreditError(_("Ngày giải ngân ngoài thời gian hiệu lực của chương trình."))
    purpose = _text(purpose, _("Mục đích sử dụng vốn"), max_length=300, required=True)
    contract_number = _text(contract_number, _("Số khế ước"), max_length=60)
    _check_borrower(borrower, household)

    def create(key: uuid.UUID | None) -> Loan:
        return Loan.objects.create(
            submission_key=key,
            province_id=household.province_id,
            commune_id=household.commune_id,
            village_id=household.village_id,
            household=household,
            borrower=borrower,
            programme=programme,
            lender=lender,
            lender_name=lender_name,
            contract_number=contract_number,
            amount=amount,
            annual_rate=annual_rate,
            term_months=term_months,
            instalment_months=instalment_months,
            purpose=purpose,
            disbursed_on=disbursed_on,
            created_by=acting_user(actor),
        )

    loan = idempotency.create_once(same, submission_key, create)
    if idempotency.replayed(loan):
        return loan
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan, number=d.number, due_on=d.due_on, principal=d.principal, interest=d.interest
        )
        for d in schedule.build_schedule(
            amount=amount,
            annual_rate=annual_rate,
            term_months=term_months,
            instalment_months=instalment_months,
            disbursed_on=disbursed_on,
        )
    )
    record = programmes.support_record_create(
        actor=actor,
        household=household,
        person=borrower,
        programme=programme,
        support_kind=SupportKind.LOAN,
        delivered_on=disbursed_on,
        funding_source=FundingSource.CREDIT,
        amount=amount,
        description=purpose,
        delivered_by=loan.lender_label,
        decision_number=contract_number,
        source_app="credit",
        source_ref=f"credit.loan:{loan.pk}",
    )
    loan.support_record_id = record.pk
    loan.save(update_fields=["support_record_id"])
    audit.record(
        actor=actor,
        action="credit.loan_disbursed",
        obj=loan,
        after=audit.snapshot(loan, LOAN_FIELDS),
    )
    return loan


def _rows(loan: Loan) -> tuple[list[schedule.Due], list[schedule.Paid]]:
    dues = [
        schedule.Due(i.number, i.due_on, i.principal, i.interest) for i in loan.instalments.all()
    ]
    paid = [schedule.Paid(r.paid_on, r.principal, r.interest) for r in loan.repayments.all()]
    return dues, paid


def loan_overdue(loan: Loan, on: dt.date) -> schedule.Overdue:
    """What of ``loan`` is overdue on ``on`` (its rows read from the database)."""
    dues, paid = _rows(loan)
    return schedule.overdue_on(on, dues, paid)


def loan_next_unpaid(loan: Loan) -> schedule.Due | None:
    """What is left of the loan's oldest instalment not yet paid (the payment form's default)."""
    dues, paid = _rows(loan)
    return schedule.next_unpaid(dues, paid)


def _status_on(loan: Loan, on: dt.date) -> str:
    if loan.status in (LoanStatus.WRITTEN_OFF, LoanStatus.REPAID):
        return loan.status
    if loan.principal_repaid == loan.amount:
        return LoanStatus.REPAID
    return LoanStatus.OVERDUE if loan_overdue(loan, on).is_overdue else LoanStatus.ACTIVE


def _locked(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("village", "commune").get(pk=loan.pk)


@transaction.atomic
def repayment_record(
    *,
    actor: Actor,
    loan: Loan,
    paid_on: dt.date,
    principal: Decimal,
    interest: Decimal,
    note: str = "",
) -> Repayment:
    """Record a payment. Refuses a closed loan, a date before the disbursement or in the future,
    an empty payment and principal above what is outstanding (the database refuses it too)."""
    loan = _locked(loan)
    _require_change(actor, loan.village)
    if loan.status not in OPEN_STATUSES:
        raise CreditError(_("Khoản vay đã tất toán hoặc đã xóa nợ: không ghi thêm khoản trả."))
    paid_on = _date(paid_on, _("Ngày trả"))
    if paid_on < loan.disbursed_on:
        raise CreditError(_("Ngày trả không thể trước ngày giải ngân."))
    principal = _money(principal, _("Tiền gốc"), positive=False)
    interest = _money(interest, _("Tiền lãi"), positive=False)
    if principal + interest == 0:
        raise CreditError(_("Khoản trả phải có tiền gốc hoặc tiền lãi."))
    if principal > loan.amount - loan.principal_repaid:
        raise CreditError(
            _("Tiền gốc trả vượt dư nợ còn lại (%(left)s đồng).")
            % {"left": format_number(loan.amount - loan.principal_repaid)}
        )
    note = _text(note, _("Ghi chú"), max_length=300)
    before = audit.snapshot(loan, ("principal_repaid", "interest_paid", "status"))
    repayment = Repayment.objects.create(
        loan=loan,
        paid_on=paid_on,
        principal=principal,
        interest=interest,
        note=note,
        recorded_by=acting_user(actor),
    )
    loan.refresh_from_db()  # the trigger added the payment to the loan's totals
    status = _status_on(loan, clock.today())
    if status != loan.status:
        loan.status = status
        loan.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="credit.repayment_recorded",
        obj=loan,
        before=before,
        after={
            **audit.snapshot(repayment, REPAYMENT_FIELDS),
            **audit.snapshot(loan, ("principal_repaid", "interest_paid", "status")),
        },
    )
    return repayment


@transaction.atomic
def loan_write_off(*, actor: Actor, loan: Loan, written_off_on: dt.date, reason: str) -> Loan:
    """Write a loan off (a commune officer's act, with its reason, e.g. a risk decision)."""
    loan = _locked(loan)
    _require_decide(actor, loan.commune)
    if loan.status not in OPEN_STATUSES:
        raise CreditError(_("Chỉ xóa nợ khoản vay còn dư nợ."))
    written_off_on = _date(written_off_on, _("Ngày xóa nợ"))
    if written_off_on < loan.disbursed_on:
        raise CreditError(_("Ngày xóa nợ không thể trước ngày giải ngân."))
    reason = _text(reason, _("Lý do xóa nợ"), max_length=300, required=True)
    before = audit.snapshot(loan, LOAN_FIELDS)
    loan.status = LoanStatus.WRITTEN_OFF
    loan.written_off_on = written_off_on
    loan.written_off_reason = reason
    loan.save(update_fields=["status", "written_off_on", "written_off_reason"])
    audit.record(
        actor=actor,
        action="credit.loan_written_off",
        obj=loan,
        before=before,
        after=audit.snapshot(loan, LOAN_FIELDS),
    )
    return loan


@transaction.atomic
def loans_refresh_status(*, actor: Actor, on: dt.date | None = None) -> int:
    """Set each open loan in the actor's reach to overdue or active as of ``on`` (default
    today); one audit event per loan whose status changed. Returns how many changed."""
    on = on or clock.today()
    loans = Loan.objects.filter(status__in=OPEN_STATUSES).prefetch_related(
        "instalments", "repayments"
    )
    if actor is not None:
        loans = access.scoped(loans, actor)
    changes: list[audit.Change] = []
    for loan in loans.select_for_update(of=("self",)):
        status = _status_on(loan, on)
        if status != loan.status:
            before = {"status": loan.status}
            loan.status = status
            loan.save(update_fields=["status"])
            changes.append(audit.Change(obj=loan, before=before, after={"status": status}))
    if changes:
        audit.record_many(actor=actor, action="credit.loan_status_changed", changes=changes)
    return len(changes)


# -- checks of use for purpose ------------------------------------------------------------


@transaction.atomic
def use_check_record(
    *,
    actor: Actor,
    loan: Loan,
    checked_on: dt.date,
    checker: str,
    finding: str,
    note: str = "",
    follow_up: str = "",
) -> UseCheck:
    """Record a check that the loan is used for its purpose; a finding short of "for purpose"
    needs its follow-up."""
    loan = Loan.objects.select_related("village").get(pk=loan.pk)
    _require_change(actor, loan.village)
    if finding not in Finding.values:
        raise CreditError(_("Kết luận kiểm tra không hợp lệ."))
    checked_on = _date(checked_on, _("Ngày kiểm tra"))
    if checked_on < loan.disbursed_on:
        raise CreditError(_("Ngày kiểm tra không thể trước ngày giải ngân."))
    checker = _text(checker, _("Người kiểm tra"), max_length=200, required=True)
    note = _text(note, _("Ghi chú"), max_length=2000)
    follow_up = _text(follow_up, _("Biện pháp tiếp theo"), max_length=2000)
    if finding != Finding.FOR_PURPOSE and not follow_up:
        raise CreditError(_("Vốn không được sử dụng đúng mục đích: cần ghi biện pháp tiếp theo."))
    check = UseCheck.objects.create(
        loan=loan,
        checked_on=checked_on,
        checker=checker,
        finding=finding,
        note=note,
        follow_up=follow_up,
        recorded_by=acting_user(actor),
    )
    audit.record(
        actor=actor,
        action="credit.use_check_recorded",
        obj=check,
        after=audit.snapshot(check, CHECK_FIELDS),
        area_of=loan,
    )
    return check


# -- revolving funds ------------------------------------------------------------------------


@transaction.atomic
def fund_create(
    *,
    actor: Actor,
    commune: AdministrativeUnit,
    programme: Programme,
    name: str,
    kind: str,
    share_to_rotate: Decimal,
    cycle_months: int,
    started_on: dt.date,
    rules_basis: str = "",
    note: str = "",
) -> RevolvingFund:
    """Open a commune's revolving fund with its rules (share passed on, cycle)."""
    if commune.level != Level.COMMUNE or commune.province_id is None:
        raise CreditError(_("Quỹ quay vòng phải thuộc một xã."))
    _require_decide(actor, commune)
    if kind not in TurnKind.values:
        raise CreditError(_("Hình thức quay vòng không hợp lệ."))
    if not Decimal(0) < share_to_rotate <= Decimal(1):
        raise CreditError(_("Tỷ lệ quay vòng phải lớn hơn 0 và không quá 100%."))
    if cycle_months <= 0:
        raise CreditError(_("Chu kỳ quay vòng phải lớn hơn 0 tháng."))
    fund = RevolvingFund.objects.create(
        province_id=commune.province_id,
        commune=commune,
        programme=programme,
        name=_text(name, _("Tên quỹ"), max_length=200, required=True),
        kind=kind,
        share_to_rotate=share_to_rotate,
        cycle_months=cycle_months,
        rules_basis=_text(rules_basis, _("Căn cứ"), max_length=300),
        started_on=_date(started_on, _("Ngày bắt đầu")),
        note=_text(note, _("Ghi chú"), max_length=2000),
        created_by=acting_user(actor),
    )
    audit.record(
        actor=actor,
        action="credit.fund_created",
        obj=fund,
        after=audit.snapshot(fund, FUND_FIELDS),
    )
    return fund


def minimum_next_value(fund: RevolvingFund, last: FundTurn) -> Decimal:
    """The least a receiver passes on: the fund's share of what it received (whole đồng, up)."""
    return (last.value * fund.share_to_rotate).quantize(Decimal(1), rounding="ROUND_CEILING")


@transaction.atomic
def fund_turn_record(
    *,
    actor: Actor,
    fund: RevolvingFund,
    receiver: Household,
    value: Decimal,
    description: str,
    passed_on: dt.date,
    decision_number: str = "",
) -> FundTurn:
    """Record the next pass of the fund to ``receiver`` (chosen by the commune: a commune
    officer's act). The giver is the last receiver (none for the first turn); a household
    receives once; what passes is at least the fund's share of what the giver received."""
    fund = RevolvingFund.objects.select_for_update().select_related("commune").get(pk=fund.pk)
    _require_decide(actor, fund.commune)
    if receiver.commune_id != fund.commune_id:
        raise CreditError(_("Hộ nhận phải thuộc xã của quỹ."))
    last = fund.turns.order_by("-sequence").first()
    if fund.turns.filter(receiver=receiver).exists():
        raise CreditError(
            _("Hộ %(code)s đã nhận từ quỹ này; chọn hộ khác.") % {"code": receiver.code}
        )
    value = _money(value, _("Giá trị"))
    passed_on = _date(passed_on, _("Ngày chuyển"))
    if passed_on < fund.started_on:
        raise CreditError(_("Ngày chuyển không thể trước ngày bắt đầu quỹ."))
    if last is not None:
        if passed_on < last.passed_on:
            raise CreditError(_("Ngày chuyển không thể trước lượt trước."))
        least = minimum_next_value(fund, last)
        if value < least:
            raise CreditError(
                _("Giá trị quay vòng phải ít nhất %(least)s đồng (tỷ lệ của quỹ).")
                % {"least": format_number(least)}
            )
    description = _text(description, _("Nội dung"), max_length=300, required=True)
    decision_number = _text(decision_number, _("Số quyết định"), max_length=60)
    turn = FundTurn.objects.create(
        province_id=receiver.province_id,
        commune_id=receiver.commune_id,
        village_id=receiver.village_id,
        fund=fund,
        sequence=(last.sequence + 1) if last is not None else 1,
        giver_id=last.receiver_id if last is not None else None,
        receiver=receiver,
        kind=fund.kind,
        description=description,
        value=value,
        passed_on=passed_on,
        decision_number=decision_number,
        recorded_by=acting_user(actor),
    )
    record = programmes.support_record_create(
        actor=actor,
        household=receiver,
        programme=fund.programme,
        support_kind=SupportKind.CASH if fund.kind == TurnKind.CASH else SupportKind.IN_KIND,
        delivered_on=passed_on,
        funding_source=FundingSource.OTHER,
        amount=value,
        description=description,
        delivered_by=fund.name,
        decision_number=decision_number,
        source_app="credit",
        source_ref=f"credit.fundturn:{turn.pk}",
    )
    turn.support_record_id = record.pk
    turn.save(update_fields=["support_record_id"])
    audit.record(
        actor=actor,
        action="credit.fund_turn_recorded",
        obj=turn,
        after=audit.snapshot(turn, TURN_FIELDS),
    )
    return turn


def next_turn_due(fund: RevolvingFund, last: FundTurn) -> dt.date:
    """When the last receiver is due to pass the support on (the fund's cycle after receiving)."""
    return schedule.add_months(last.passed_on, fund.cycle_months)
