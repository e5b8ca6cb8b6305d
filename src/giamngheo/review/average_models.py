"""Average-living-standard households (hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp, diêm nghiệp có
mức sống trung bình; QĐ 24/2021/QĐ-TTg Art. 2.2, 3, 6; Decree 07/2021 Art. 3(2)(c)).

The household applies; the commune determines its income over the 12 months before the review
(state social assistance excluded) and classifies it against the rule pack's band
(``standards.average_living``); the commune chairman recognises the list by a decision, whose
lines are frozen here; a household that does not qualify gets a written answer with reasons.
No posting step is known for MSTB (``data/average_living.toml``: ``posting``, unverified).

Re-exported by ``review.models`` (Django registers them from there).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AreaKind, CommuneScoped, VillageScoped
from giamngheo.lib.idempotency import Idempotent
from giamngheo.registry.models import Household

USER = settings.AUTH_USER_MODEL


class Occupation(models.TextChoices):
    """Decree 07/2021 Art. 3(2)(c): the households the MSTB band applies to."""

    AGRICULTURE = "agriculture", _("Nông nghiệp")
    FORESTRY = "forestry", _("Lâm nghiệp")
    FISHERY = "fishery", _("Ngư nghiệp")
    SALT = "salt", _("Diêm nghiệp")


class IncomeItem(models.TextChoices):
    """Lines of the 12-month income form (net income; the official form was not seen)."""

    CROPS = "crops", _("Trồng trọt")
    LIVESTOCK = "livestock", _("Chăn nuôi")
    FORESTRY = "forestry", _("Lâm nghiệp")
    FISHERY = "fishery", _("Thủy sản (nuôi trồng, khai thác)")
    SALT = "salt", _("Làm muối")
    WAGES = "wages", _("Tiền lương, tiền công")
    BUSINESS = "business", _("Kinh doanh, dịch vụ")
    OTHER = "other", _("Thu nhập khác")


class AverageState(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, chờ xác định thu nhập")
    ASSESSED = "assessed", _("Đã xác định thu nhập")
    RECOGNISED = "recognised", _("Đã công nhận")
    REFUSED = "refused", _("Không đủ điều kiện (có văn bản trả lời)")


class BandPosition(models.TextChoices):
    """``standards.average_living.POSITIONS``."""

    BELOW = "below", _("Thu nhập từ chuẩn nghèo trở xuống")
    WITHIN = "within", _("Thuộc mức sống trung bình")
    ABOVE = "above", _("Thu nhập cao hơn mức sống trung bình")
    NO_BAND = "no_band", _("Chuẩn này không quy định mức sống trung bình")


OPEN_STATES = (AverageState.RECEIVED, AverageState.ASSESSED)


class AverageDecision(CommuneScoped):
    """The commune chairman's decision recognising MSTB households (QĐ 24/2021 Art. 6)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.CharField(_("số quyết định"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    signer_name = models.CharField(_("người ký"), max_length=200)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200)
    standard = models.CharField(_("chuẩn nghèo"), max_length=30)
    commune_name = models.CharField(max_length=200)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định công nhận hộ có mức sống trung bình")
        verbose_name_plural = _("quyết định công nhận hộ có mức sống trung bình")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year", "number"], name="review_average_decision_number"
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "year"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"


class AverageApplication(VillageScoped, Idempotent):
    """A household's request to be identified as MSTB, its income determination and outcome."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="average_applications"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    applicant_name = models.CharField(_("người làm đơn"), max_length=200)
    occupation = models.CharField(_("ngành nghề của hộ"), max_length=12, choices=Occupation.choices)
    received_on = models.DateField(_("ngày tiếp nhận"))
    review_starts_on = models.DateField(_("ngày bắt đầu xác định"))
    state = models.CharField(
        _("bước"), max_length=10, choices=AverageState.choices, default=AverageState.RECEIVED
    )
    # The income determination (QĐ 24/2021 Art. 2.2): 12 months before the review.
    assessed_on = models.DateField(_("ngày xác định thu nhập"), null=True, blank=True)
    period_start = models.DateField(_("thu nhập từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("thu nhập đến ngày"), null=True, blank=True)
    member_count = models.PositiveSmallIntegerField(_("số nhân khẩu"), null=True, blank=True)
    income_items = models.JSONField(_("các khoản thu nhập"), default=dict, blank=True)
    social_assistance = models.PositiveBigIntegerField(
        _("trợ cấp, trợ giúp xã hội từ ngân sách (không tính)"), default=0
    )
    income_total = models.PositiveBigIntegerField(_("tổng thu nhập 12 tháng"), null=True)
    monthly_income = models.PositiveBigIntegerField(
        _("thu nhập bình quân đầu người/tháng"), null=True
    )
    area_kind = models.CharField(_("khu vực"), max_length=5, choices=AreaKind.choices, blank=True)
    standard = models.CharField(_("chuẩn nghèo"), max_length=30, blank=True)
    position = models.CharField(
        _("kết quả"), max_length=8, choices=BandPosition.choices, blank=True
    )
    band_lower = models.PositiveBigIntegerField(null=True, blank=True)
    band_upper = models.PositiveBigIntegerField(null=True, blank=True)
    band_verified = models.BooleanField(default=False)
    decision = models.ForeignKey(
        AverageDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    refusal_number = models.CharField(_("số văn bản trả lời"), max_length=60, blank=True)
    refusal_reasons = models.TextField(_("lý do"), blank=True)
    refusal_signer = models.CharField(_("người ký văn bản"), max_length=200, blank=True)
    decided_on = models.DateField(_("ngày giải quyết"), null=True, blank=True)
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đơn đề nghị xác định hộ có mức sống trung bình")
        verbose_name_plural = _("đơn đề nghị xác định hộ có mức sống trung bình")
        constraints = [
            # One open request per household at a time.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(state__in=["received", "assessed"]),
                name="review_average_one_open_per_household",
            ),
            models.CheckConstraint(
                condition=Q(review_starts_on__gte=F("received_on")),
                name="review_average_dates",
            ),
            models.CheckConstraint(
                condition=Q(state="received")
                | Q(state="refused", income_total__isnull=True)
                | (
                    Q(income_total__isnull=False)
                    & Q(member_count__gte=1)
                    & Q(monthly_income__isnull=False)
                    & ~Q(position="")
                ),
                name="review_average_assessed_has_income",
            ),
            models.CheckConstraint(
                condition=~Q(state="recognised")
                | (Q(decision__isnull=False) & Q(position="within")),
                name="review_average_recognised_within_band",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reasons=""),
                name="review_average_refusal_has_reasons",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "state", "year"])]

    def __str__(self) -> str:
        return f"MSTB · {self.household_id} · {self.received_on:%d/%m/%Y}"

    def income_lines(self) -> list[tuple[str, int]]:
        """(label, amount) of the form's lines, in the form's order."""
        return [
            (str(label), int(self.income_items.get(code, 0)))
            for code, label in IncomeItem.choices
            if code in self.income_items
        ]


class AverageDecisionEntry(VillageScoped):
    """A line of the decided MSTB list, frozen as decided (not the registry's current values)."""

    decision = models.ForeignKey(AverageDecision, on_delete=models.PROTECT, related_name="lines")
    application = models.OneToOneField(
        AverageApplication, on_delete=models.PROTECT, related_name="decided"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    household_code = models.CharField(max_length=30)
    head_name = models.CharField(max_length=200)
    village_name = models.CharField(max_length=200)
    area_kind = models.CharField(max_length=5)
    occupation = models.CharField(max_length=12, choices=Occupation.choices)
    member_count = models.PositiveSmallIntegerField()
    monthly_income = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("hộ có mức sống trung bình trong quyết định")
        verbose_name_plural = _("danh sách hộ có mức sống trung bình")
        indexes = [models.Index(fields=["province", "commune", "decision"])]

    def __str__(self) -> str:
        return f"{self.household_code} · {self.head_name}"
