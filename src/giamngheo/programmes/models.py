"""The programme tree and what households received: the contract other apps build on.

``Programme`` is one node of the tree (programme → project → sub-project → content) or a
standing policy, loaded from ``data/*.toml`` (``loader.py``) and correctable by a province
(``services.programme_update``). ``SupportRecord`` is what a household or one of its members
received, whichever app delivered it (deliveries, credit, livelihoods): written only through
``services.support_record_create`` / ``support_records_create_many``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit, ProvinceOrCommuneScoped, VillageScoped
from giamngheo.registry.models import Household, Person


class ProgrammeKind(models.TextChoices):
    PROGRAMME = "programme", _("Chương trình")
    PROJECT = "project", _("Dự án")
    SUBPROJECT = "subproject", _("Tiểu dự án")
    CONTENT = "content", _("Nội dung")
    POLICY = "policy", _("Chính sách")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương")
    LOCAL = "local", _("Ngân sách địa phương")
    COUNTERPART = "counterpart", _("Vốn đối ứng của người dân")
    CREDIT = "credit", _("Vốn tín dụng chính sách")
    OTHER = "other", _("Nguồn khác")


class SupportKind(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    IN_KIND = "in_kind", _("Hiện vật")
    SERVICE = "service", _("Dịch vụ")
    LOAN = "loan", _("Vốn vay")
    INSURANCE = "insurance", _("Bảo hiểm")
    TRAINING = "training", _("Đào tạo, tập huấn")


class Programme(models.Model):
    """A programme, project, sub-project, content or standing policy (data, not code)."""

    code = models.CharField(_("mã"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("thuộc"),
    )
    kind = models.CharField(_("loại"), max_length=12, choices=ProgrammeKind.choices)
    name = models.CharField(_("tên"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)
    funding_sources = ArrayField(
        models.CharField(max_length=20, choices=FundingSource.choices),
        default=list,
        blank=True,
        verbose_name=_("nguồn vốn"),
    )
    # The benefit as the instrument states it: {"amount": VND, "rate": percent, "quantity": n,
    # "unit": "...", "note": "..."}; any of them may be absent.
    benefit = models.JSONField(_("mức hỗ trợ"), default=dict, blank=True)
    # The eligibility rules (``eligibility.py`` validates and compiles them); their version is
    # bumped on every change and copied into each beneficiary list made from them.
    eligibility = models.JSONField(_("điều kiện thụ hưởng"), default=dict, blank=True)
    eligibility_version = models.PositiveIntegerField(_("phiên bản điều kiện"), default=1)
    # A list of this programme is posted publicly before approval (like the review lists).
    requires_posting = models.BooleanField(_("phải niêm yết danh sách"), default=False)
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    source_note = models.TextField(_("nguồn, ghi chú"), blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    # Corrected by a province: the loader no longer overwrites it. Deleted: the loader does not
    # bring it back (``loader.py``).
    locally_changed = models.BooleanField(_("địa phương đã sửa"), default=False)
    is_deleted = models.BooleanField(_("đã xóa"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chương trình, chính sách")
        verbose_name_plural = _("chương trình, chính sách")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="programme_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProgrammeKind.values), name="programme_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="programme_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class SupportRecord(VillageScoped):
    """What a household (or one of its members) received from a programme or policy."""

    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="support_records",
        verbose_name=_("hộ"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_records",
        verbose_name=_("người nhận"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="support_records",
        verbose_name=_("chương trình, chính sách"),
    )
    support_kind = models.CharField(_("hình thức"), max_length=12, choices=SupportKind.choices)
    description = models.CharField(_("nội dung"), max_length=500, blank=True)
    quantity = models.DecimalField(
        _("số lượng"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    amount = models.DecimalField(
        _("thành tiền (đồng)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    delivered_on = models.DateField(_("ngày hỗ trợ"))
    funding_source = models.CharField(_("nguồn vốn"), max_length=20, choices=FundingSource.choices)
    delivered_by = models.CharField(_("đơn vị, người cấp"), max_length=200, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=100, blank=True)
    # Which app and row created it ("credit.loan:17"): one record per source row.
    source_app = models.CharField(_("ứng dụng nguồn"), max_length=40, blank=True)
    source_ref = models.CharField(_("bản ghi nguồn"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khoản hỗ trợ")
        verbose_name_plural = _("khoản hỗ trợ")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="support_record_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="support_record_quantity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(support_kind__in=SupportKind.values),
                name="support_record_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(funding_source__in=FundingSource.values),
                name="support_record_funding_valid",
            ),
            models.UniqueConstraint(
                fields=["source_app", "source_ref"],
                condition=~Q(source_ref=""),
                name="support_record_one_per_source_row",
            ),
        ]
        indexes = [
            # Province first: the sharding key (see docs/architecture.md).
            models.Index(fields=["province", "commune", "village", "id"]),
            models.Index(fields=["household", "delivered_on"]),
            models.Index(fields=["programme", "delivered_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.programme.code} · {self.delivered_on:%d/%m/%Y}"


class ListState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    POSTED = "posted", _("Đang niêm yết")
    APPROVED = "approved", _("Đã phê duyệt")


class BeneficiaryList(ProvinceOrCommuneScoped):
    """The households of an area a programme serves in a period: generated from the rules,
    reviewed (manual additions and exclusions with reasons), maybe posted, then approved and
    frozen. It carries the rules and their version as they were when generated; a trigger
    refuses any change to an approved list and its entries (migration ``0002``)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="lists", verbose_name=_("chương trình")
    )
    area = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("địa bàn"),
    )
    title = models.CharField(_("tên danh sách"), max_length=300)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    # The day the rules were evaluated on (statuses, the newly-escaped window, ages).
    reference_date = models.DateField(_("ngày xét"))
    rules = models.JSONField(_("điều kiện áp dụng"), default=dict)
    rule_version = models.PositiveIntegerField(_("phiên bản điều kiện"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=ListState.choices, default=ListState.DRAFT
    )
    posted_on = models.DateField(_("ngày niêm yết"), null=True, blank=True)
    posted_until = models.DateField(_("niêm yết đến ngày"), null=True, blank=True)
    approved_on = models.DateField(_("ngày phê duyệt"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định phê duyệt"), max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người phê duyệt"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("danh sách thụ hưởng")
        verbose_name_plural = _("danh sách thụ hưởng")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="list_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ListState.values), name="list_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="approved")
                | (Q(approved_on__isnull=False) & ~Q(decision_number="")),
                name="list_approved_has_decision",
            ),
            models.CheckConstraint(
                condition=Q(posted_until__isnull=True)
                | (Q(posted_on__isnull=False) & Q(posted_until__gte=F("posted_on"))),
                name="list_posting_ordered",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "id"])]

    def __str__(self) -> str:
        return self.title


class EntrySource(models.TextChoices):
    RULE = "rule", _("Theo điều kiện")
    MANUAL = "manual", _("Bổ sung")


class BeneficiaryEntry(VillageScoped):
    """One household of a list, with what the registry said of it when the list was made."""

    beneficiary_list = models.ForeignKey(
        BeneficiaryList,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("danh sách"),
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("hộ")
    )
    category = models.CharField(_("diện"), max_length=30)
    priority = models.CharField(_("nhóm ưu tiên"), max_length=40, blank=True)
    source = models.CharField(
        _("nguồn"), max_length=10, choices=EntrySource.choices, default=EntrySource.RULE
    )
    included = models.BooleanField(_("trong danh sách"), default=True)
    reason = models.CharField(_("lý do bổ sung"), max_length=500, blank=True)
    exclusion_reason = models.CharField(_("lý do loại"), max_length=500, blank=True)
    # The snapshot: unchanged by later registry edits.
    household_code = models.CharField(_("mã hộ"), max_length=30)
    head_name = models.CharField(_("chủ hộ"), max_length=200, blank=True)
    village_name = models.CharField(_("thôn/tổ dân phố"), max_length=200)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    status = models.CharField(_("tình trạng khi lập"), max_length=30, blank=True)
    member_count = models.PositiveSmallIntegerField(_("số nhân khẩu"), default=0)
    is_ethnic_minority = models.BooleanField(_("hộ dân tộc thiểu số"), default=False)

    class Meta:
        verbose_name = _("hộ trong danh sách thụ hưởng")
        verbose_name_plural = _("hộ trong danh sách thụ hưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary_list", "household"], name="list_entry_one_per_household"
            ),
            models.CheckConstraint(
                condition=Q(source="rule") | ~Q(reason=""), name="list_entry_manual_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(included=True) | ~Q(exclusion_reason=""),
                name="list_entry_exclusion_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["beneficiary_list", "village", "household_code"])]

    def __str__(self) -> str:
        return f"{self.household_code} · {self.head_name}"
