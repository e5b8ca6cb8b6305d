"""Policy credit for households: loans with their schedule and repayments, checks of use for
purpose, and revolving funds ("quay vòng") passing support from one household to the next.

Every loan disbursed and every fund turn received is also a ``programmes.SupportRecord`` (made
by the services through ``programmes.services.support_record_create``), so the household page
and the programme totals see it with every other support.

Invariants the database keeps: amounts positive, rate between 0 and 100 %, principal repaid
never above the amount (a trigger adds each repayment to ``Loan.principal_repaid``, the check
refuses the excess), a repaid loan is repaid in full, a written-off loan has its date, one
turn per position in a fund's chain, nobody passes support to themselves.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import CommuneScoped, VillageScoped
from giamngheo.lib.idempotency import Idempotent
from giamngheo.programmes.models import Programme
from giamngheo.registry.models import Household, Person


class Lender(models.TextChoices):
    VBSP = "vbsp", _("Ngân hàng Chính sách xã hội")
    OTHER = "other", _("Tổ chức khác")


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("Đang vay")
    OVERDUE = "overdue", _("Quá hạn")
    REPAID = "repaid", _("Đã trả hết")
    WRITTEN_OFF = "written_off", _("Đã xóa nợ")


OPEN_STATUSES = (LoanStatus.ACTIVE, LoanStatus.OVERDUE)


class Loan(VillageScoped, Idempotent):
    """A loan to a household (its borrower a member, where known) under a programme or policy."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("hộ vay")
    )
    borrower = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đứng tên vay"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("chương trình vay")
    )
    lender = models.CharField(_("bên cho vay"), max_length=10, choices=Lender.choices)
    lender_name = models.CharField(_("tên bên cho vay"), max_length=200, blank=True)
    contract_number = models.CharField(_("số khế ước"), max_length=60, blank=True)
    amount = models.DecimalField(_("số tiền vay"), max_digits=15, decimal_places=0)
    # Percent a year, exact (6.6 = 6,6 %/năm): never a float.
    annual_rate = models.DecimalField(_("lãi suất (%/năm)"), max_digits=7, decimal_places=4)
    term_months = models.PositiveSmallIntegerField(_("thời hạn (tháng)"))
    instalment_months = models.PositiveSmallIntegerField(_("kỳ trả gốc (tháng)"), default=12)
    purpose = models.CharField(_("mục đích sử dụng vốn"), max_length=300)
    disbursed_on = models.DateField(_("ngày giải ngân"))
    principal_repaid = models.DecimalField(
        _("gốc đã trả"), default=Decimal(0), editable=False, max_digits=15, decimal_places=0
    )
    interest_paid = models.DecimalField(
        _("lãi đã trả"), default=Decimal(0), editable=False, max_digits=15, decimal_places=0
    )
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.ACTIVE
    )
    written_off_on = models.DateField(_("ngày xóa nợ"), null=True, blank=True)
    written_off_reason = models.CharField(_("lý do xóa nợ"), max_length=300, blank=True)
    support_record_id = models.BigIntegerField(_("bản ghi hỗ trợ"), null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoản vay")
        verbose_name_plural = _("khoản vay")
        ordering = ["-disbursed_on", "-id"]
        indexes = [
            models.Index(fields=["province", "commune", "status"], name="credit_loan_area_status"),
            models.Index(fields=["household"], name="credit_loan_household"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_loan_amount_positive"),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0) & Q(annual_rate__lte=100),
                name="credit_loan_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(term_months__gt=0), name="credit_loan_term_positive"
            ),
            models.CheckConstraint(
                condition=Q(instalment_months__gt=0) & Q(instalment_months__lte=F("term_months")),
                name="credit_loan_instalment_within_term",
            ),
            models.CheckConstraint(
                condition=Q(principal_repaid__gte=0) & Q(principal_repaid__lte=F("amount")),
                name="credit_loan_repaid_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(interest_paid__gte=0), name="credit_loan_interest_paid_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LoanStatus.values), name="credit_loan_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=LoanStatus.REPAID) | Q(principal_repaid=F("amount")),
                name="credit_loan_repaid_in_full",
            ),
            models.CheckConstraint(
                condition=Q(status=LoanStatus.WRITTEN_OFF, written_off_on__isnull=False)
                | (~Q(status=LoanStatus.WRITTEN_OFF) & Q(written_off_on__isnull=True)),
                name="credit_loan_write_off_dated",
            ),
            models.CheckConstraint(
                condition=Q(written_off_on__isnull=True) | Q(written_off_on__gte=F("disbursed_on")),
                name="credit_loan_write_off_after_disbursement",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.household_id} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return (
            Decimal(0)
            if self.status == LoanStatus.WRITTEN_OFF
            else self.amount - (self.principal_repaid)
        )

    @property
    def lender_label(self) -> str:
        return self.lender_name or str(self.get_lender_display())

    @property
    def annual_rate_text(self) -> str:
        """The rate as written: 8.2500 → "8,25", 6.6000 → "6,6", 10.0000 → "10"."""
        whole, _dot, fraction = f"{self.annual_rate:f}".partition(".")
        fraction = fraction.rstrip("0")
        return f"{whole},{fraction}" if fraction else whole


class Instalment(models.Model):
    """One due date of a loan's schedule: principal and interest due that day."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("kỳ"))
    due_on = models.DateField(_("ngày đến hạn"))
    principal = models.DecimalField(_("gốc"), max_digits=15, decimal_places=0)
    interest = models.DecimalField(_("lãi"), max_digits=15, decimal_places=0)

    class Meta:
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="credit_instalment_unique"),
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0),
                name="credit_instalment_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}/{self.number} {self.due_on}"


class Repayment(models.Model):
    """A payment on a loan: the principal and the interest it covers, on a date."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("ngày trả"))
    principal = models.DecimalField(_("gốc"), max_digits=15, decimal_places=0)
    interest = models.DecimalField(_("lãi"), max_digits=15, decimal_places=0)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0),
                name="credit_repayment_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(principal__gt=0) | Q(interest__gt=0),
                name="credit_repayment_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.paid_on} {self.principal}+{self.interest}"


class Finding(models.TextChoices):
    FOR_PURPOSE = "for_purpose", _("Sử dụng đúng mục đích")
    PARTLY = "partly", _("Sử dụng đúng mục đích một phần")
    NOT_FOR_PURPOSE = "not_for_purpose", _("Không đúng mục đích")


class UseCheck(models.Model):
    """A check that a loan is used for its purpose (kiểm tra sử dụng vốn vay)."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="checks")
    checked_on = models.DateField(_("ngày kiểm tra"))
    checker = models.CharField(_("người kiểm tra"), max_length=200)
    finding = models.CharField(_("kết luận"), max_length=20, choices=Finding.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    follow_up = models.TextField(_("biện pháp tiếp theo"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "-checked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__in=Finding.values), name="credit_use_check_finding_valid"
            ),
            # A finding short of "for purpose" says what follows.
            models.CheckConstraint(
                condition=Q(finding=Finding.FOR_PURPOSE) | ~Q(follow_up=""),
                name="credit_use_check_follow_up_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.checked_on} {self.finding}"


class TurnKind(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    IN_KIND = "in_kind", _("Hiện vật")


class RevolvingFund(CommuneScoped):
    """A commune's revolving fund: support that each household passes on, in part, to the next
    household the commune chooses. Its rules (what share is passed on, after how many months)
    are the province's (e.g. Thái Nguyên QĐ 25/2022), recorded here as data with their basis."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("chương trình")
    )
    name = models.CharField(_("tên quỹ, mô hình"), max_length=200)
    kind = models.CharField(_("hình thức"), max_length=10, choices=TurnKind.choices)
    # The share of what a household received that it passes on (0 < share ≤ 1).
    share_to_rotate = models.DecimalField(_("tỷ lệ quay vòng"), max_digits=5, decimal_places=4)
    cycle_months = models.PositiveSmallIntegerField(_("chu kỳ quay vòng (tháng)"))
    rules_basis = models.CharField(_("căn cứ quy định quay vòng"), max_length=300, blank=True)
    started_on = models.DateField(_("ngày bắt đầu"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quỹ quay vòng")
        verbose_name_plural = _("quỹ quay vòng")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_to_rotate__gt=0) & Q(share_to_rotate__lte=1),
                name="credit_fund_share_range",
            ),
            models.CheckConstraint(
                condition=Q(cycle_months__gt=0), name="credit_fund_cycle_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TurnKind.values), name="credit_fund_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundTurn(VillageScoped):
    """One pass of a revolving fund: the giver (none for the first turn: the fund itself), the
    receiver the commune chose, what passed and its value, on a date. The receiver's village
    scopes the row."""

    fund = models.ForeignKey(RevolvingFund, on_delete=models.PROTECT, related_name="turns")
    sequence = models.PositiveSmallIntegerField(_("lượt"))
    giver = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hộ chuyển"),
    )
    receiver = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("hộ nhận")
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=TurnKind.choices)
    description = models.CharField(_("nội dung"), max_length=300)
    value = models.DecimalField(_("giá trị"), max_digits=15, decimal_places=0)
    passed_on = models.DateField(_("ngày chuyển"))
    decision_number = models.CharField(_("số quyết định của xã"), max_length=60, blank=True)
    support_record_id = models.BigIntegerField(_("bản ghi hỗ trợ"), null=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "sequence"], name="credit_turn_unique"),
            models.CheckConstraint(condition=Q(value__gt=0), name="credit_turn_value_positive"),
            models.CheckConstraint(
                condition=Q(sequence__gt=0), name="credit_turn_sequence_positive"
            ),
            # The first turn comes from the fund; every later one from a household, never to
            # itself.
            models.CheckConstraint(
                condition=(Q(sequence=1) & Q(giver__isnull=True))
                | (Q(sequence__gt=1) & Q(giver__isnull=False) & ~Q(giver=F("receiver"))),
                name="credit_turn_giver_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund_id}#{self.sequence} → {self.receiver_id}"
