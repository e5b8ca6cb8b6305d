"""The deliveries' own table: health-insurance cards, each tied to the support record of the
card (``support_kind`` insurance) and to the person who holds it.

Card numbers are personal data: pages, exports, PDFs and the audit log show them masked like
ID numbers (``lib.masking``: ``card_number`` is one of its personal fields) to users without
an officer grant on the household's area (``access.can_see_personal_data``)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import VillageScoped

# The card number: the 15-character form printed until 2021 (two letters for the beneficiary
# group, one digit for the benefit level, two for the province, ten for the social-insurance
# number; QĐ 1351/QĐ-BHXH 2015, Art. 2) or the 10-digit social-insurance number alone printed
# on cards since 2021 (QĐ 1666/QĐ-BHXH 2020).
CARD_NUMBER_PATTERN = r"^([A-Z]{2}[1-5][0-9]{12}|[0-9]{10})$"


class HealthInsuranceCard(VillageScoped):
    support_record = models.OneToOneField(
        "programmes.SupportRecord",
        on_delete=models.PROTECT,
        related_name="health_insurance_card",
        verbose_name=_("lần hỗ trợ"),
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("hộ")
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="health_insurance_cards",
        verbose_name=_("người được cấp thẻ"),
    )
    card_number = models.CharField(_("mã số thẻ bảo hiểm y tế"), max_length=15)
    valid_from = models.DateField(_("giá trị sử dụng từ ngày"))
    valid_to = models.DateField(_("đến ngày"))
    issued_by = models.CharField(_("nơi cấp"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thẻ bảo hiểm y tế")
        verbose_name_plural = _("thẻ bảo hiểm y tế")
        ordering = ("-valid_from", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lte=F("valid_to")),
                name="hi_card_validity_order",
                violation_error_message=_("Ngày hết hạn thẻ phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(card_number__regex=CARD_NUMBER_PATTERN),
                name="hi_card_number_format",
                violation_error_message=_("Mã số thẻ bảo hiểm y tế không đúng định dạng."),
            ),
            # One card of a number per validity start: the same card entered twice is refused.
            models.UniqueConstraint(
                fields=["card_number", "valid_from"], name="hi_card_number_from_unique"
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "village"], name="hi_card_area")]

    def __str__(self) -> str:
        # No number here: __str__ lands in the audit log's object_repr, read by everyone.
        return f"Thẻ BHYT #{self.pk}"
