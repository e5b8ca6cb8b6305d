"""Livelihood models and production-support projects (DA2/DA3 of the 2021-2025 programme) and
the self-managed household groups that carry them out.

Legal frame (``/work/shared/domain/programmes.md`` §3): ND 27/2022/NĐ-CP Chapter V (amended by
ND 38/2023) supports production in three modes: along a value chain (Art. 21), on a community's
proposal (Art. 22) and by task assignment (Art. 23). A community proposer is a commune-certified
household group, a cooperative group, or a group represented by a mass organisation, the village
board or a prestigious person (Art. 22.1).

Every table carries ``province`` and ``commune`` (and ``village`` where a household is involved)
so that ``accounts.access.scoped`` is one filter. Inputs delivered to a household are written
once, as ``programmes.SupportRecord`` rows (``InputDelivery`` only links one to the
participation), so that the household page, totals and graduation see every support in one table.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit, CommuneScoped, VillageScoped
from giamngheo.registry.models import Status


class ModelType(models.TextChoices):
    CROPS = "crops", _("Trồng trọt")
    LIVESTOCK = "livestock", _("Chăn nuôi")
    CRAFTS = "crafts", _("Ngành nghề thủ công")
    SERVICES = "services", _("Dịch vụ")


class SupportMode(models.TextChoices):
    # ND 27/2022/NĐ-CP Arts. 21, 22, 23.
    VALUE_CHAIN = "value_chain", _("Liên kết chuỗi giá trị (Điều 21)")
    COMMUNITY = "community", _("Do cộng đồng đề xuất (Điều 22)")
    TASK_BASED = "task_based", _("Giao nhiệm vụ, đặt hàng (Điều 23)")


class RepresentativeKind(models.TextChoices):
    # ND 27/2022/NĐ-CP Art. 22.1: who may represent a community that proposes a project.
    HOUSEHOLD_GROUP = "household_group", _("Tổ nhóm hộ được xã xác nhận")
    COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
    MASS_ORGANISATION = "mass_organisation", _("Tổ chức chính trị - xã hội")
    VILLAGE_BOARD = "village_board", _("Ban quản lý thôn")
    PRESTIGIOUS_PERSON = "prestigious_person", _("Người có uy tín")


class SelfManagedGroup(CommuneScoped):
    """A self-managed household group (tổ nhóm hộ tự quản, cộng đồng) of a commune: its members,
    the organisation representing it, its rules and their approval by the commune."""

    code = models.CharField(_("mã tổ nhóm"), max_length=30)
    name = models.CharField(_("tên tổ nhóm"), max_length=200)
    villages = models.ManyToManyField(
        AdministrativeUnit, related_name="+", blank=True, verbose_name=_("thôn/tổ dân phố")
    )
    representative_kind = models.CharField(
        _("hình thức đại diện"), max_length=20, choices=RepresentativeKind.choices
    )
    representative_name = models.CharField(_("tổ chức, người đại diện"), max_length=200)
    leader_name = models.CharField(_("tổ trưởng"), max_length=200, blank=True)
    rules = models.TextField(_("quy chế hoạt động"))
    rules_adopted_on = models.DateField(_("ngày tổ thông qua quy chế"))
    approved_on = models.DateField(_("ngày xã công nhận"), null=True, blank=True)
    approval_decision = models.CharField(_("số quyết định công nhận"), max_length=100, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận công nhận"),
    )
    collaborator = models.ForeignKey(
        "workforce.Worker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="livelihood_groups",
        verbose_name=_("cộng tác viên hỗ trợ thành lập"),
    )
    founded_on = models.DateField(_("ngày thành lập"))
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tổ nhóm hộ tự quản")
        verbose_name_plural = _("tổ nhóm hộ tự quản")
        ordering = ["commune", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="livelihood_group_code"),
            # Approved means both: the date and the commune's decision number.
            models.CheckConstraint(
                condition=(Q(approved_on__isnull=True) & Q(approval_decision=""))
                | (Q(approved_on__isnull=False) & ~Q(approval_decision="")),
                name="livelihood_group_approval_complete",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_on__gte=F("rules_adopted_on")),
                name="livelihood_group_approved_after_rules",
            ),
            models.CheckConstraint(
                condition=Q(rules_adopted_on__gte=F("founded_on")),
                name="livelihood_group_rules_after_founding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None


class GroupMember(VillageScoped):
    """A household in a group (area copied from the household)."""

    group = models.ForeignKey(
        SelfManagedGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("tổ")
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("hộ")
    )
    joined_on = models.DateField(_("ngày tham gia"))
    is_leader = models.BooleanField(_("tổ trưởng"), default=False)

    class Meta:
        verbose_name = _("thành viên tổ nhóm")
        verbose_name_plural = _("thành viên tổ nhóm")
        ordering = ["group", "-is_leader", "household__code"]
        constraints = [
            models.UniqueConstraint(fields=["group", "household"], name="livelihood_member_once"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(is_leader=True), name="livelihood_one_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.household_id}"


class GroupMeeting(CommuneScoped):
    """A meeting of a group: date, how many member households attended, the minutes."""

    group = models.ForeignKey(
        SelfManagedGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("tổ")
    )
    held_on = models.DateField(_("ngày họp"))
    attendance = models.PositiveIntegerField(_("số hộ dự họp"))
    minutes = models.TextField(_("nội dung biên bản"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc họp tổ nhóm")
        verbose_name_plural = _("cuộc họp tổ nhóm")
        ordering = ["group", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.group_id} {self.held_on:%d/%m/%Y}"


class LivelihoodModel(CommuneScoped):
    """A livelihood model or production-support project of a commune, under a programme node."""

    code = models.CharField(_("mã mô hình"), max_length=30)
    name = models.CharField(_("tên mô hình, dự án"), max_length=300)
    model_type = models.CharField(_("loại mô hình"), max_length=10, choices=ModelType.choices)
    mode = models.CharField(_("phương thức hỗ trợ"), max_length=12, choices=SupportMode.choices)
    villages = models.ManyToManyField(
        AdministrativeUnit, related_name="+", blank=True, verbose_name=_("thôn/tổ dân phố")
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="livelihood_models",
        verbose_name=_("chương trình, dự án"),
    )
    budget_central = models.DecimalField(
        _("ngân sách trung ương (đồng)"), default=0, max_digits=15, decimal_places=0
    )
    budget_local = models.DecimalField(
        _("ngân sách địa phương (đồng)"), default=0, max_digits=15, decimal_places=0
    )
    budget_counterpart = models.DecimalField(
        _("vốn đối ứng của dân (đồng)"), default=0, max_digits=15, decimal_places=0
    )
    budget_credit = models.DecimalField(
        _("vốn tín dụng (đồng)"), default=0, max_digits=15, decimal_places=0
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    group = models.ForeignKey(
        SelfManagedGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("tổ nhóm thực hiện"),
    )
    replicated_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replicas",
        verbose_name=_("nhân rộng từ mô hình"),
    )
    description = models.TextField(_("mô tả"), blank=True)
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mô hình sinh kế")
        verbose_name_plural = _("mô hình sinh kế")
        ordering = ["-start_date", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="livelihood_model_code"),
            models.CheckConstraint(
                condition=Q(budget_central__gte=0)
                & Q(budget_local__gte=0)
                & Q(budget_counterpart__gte=0)
                & Q(budget_credit__gte=0),
                name="livelihood_model_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="livelihood_model_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(replicated_from=F("id")), name="livelihood_model_not_own_replica"
            ),
            models.CheckConstraint(
                condition=Q(model_type__in=ModelType.values), name="livelihood_model_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=SupportMode.values), name="livelihood_model_mode_valid"
            ),
        ]
        indexes = [models.Index(fields=["province", "commune", "start_date"])]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def budget_total(self) -> Decimal:
        return (
            self.budget_central + self.budget_local + self.budget_counterpart + self.budget_credit
        )


class Participation(VillageScoped):
    """A household taking part in a model: its income before, and after, the outcome."""

    model = models.ForeignKey(
        LivelihoodModel,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("mô hình"),
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        related_name="livelihood_participations",
        verbose_name=_("hộ"),
    )
    joined_on = models.DateField(_("ngày tham gia"))
    # The household's status when it joined (copied: the registry's value changes later).
    status_before = models.CharField(
        _("tình trạng khi tham gia"), max_length=30, choices=Status.choices, blank=True
    )
    income_before = models.DecimalField(
        _("thu nhập bình quân đầu người/tháng trước (đồng)"), max_digits=15, decimal_places=0
    )
    income_after = models.DecimalField(
        _("thu nhập bình quân đầu người/tháng sau (đồng)"),
        null=True,
        blank=True,
        max_digits=15,
        decimal_places=0,
    )
    status_after = models.CharField(
        _("tình trạng sau"), max_length=30, choices=Status.choices, blank=True
    )
    outcome_on = models.DateField(_("ngày đánh giá kết quả"), null=True, blank=True)
    outcome_note = models.TextField(_("ghi chú kết quả"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hộ tham gia mô hình")
        verbose_name_plural = _("hộ tham gia mô hình")
        ordering = ["model", "village", "household__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "household"], name="livelihood_participation_once"
            ),
            models.CheckConstraint(
                condition=Q(income_before__gte=0)
                & (Q(income_after__isnull=True) | Q(income_after__gte=0)),
                name="livelihood_income_not_negative",
            ),
            # An outcome is all three (date, income after, status after) or none.
            models.CheckConstraint(
                condition=(
                    Q(outcome_on__isnull=True) & Q(income_after__isnull=True) & Q(status_after="")
                )
                | (
                    Q(outcome_on__isnull=False)
                    & Q(income_after__isnull=False)
                    & ~Q(status_after="")
                    & Q(outcome_on__gte=F("joined_on"))
                ),
                name="livelihood_outcome_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_id}: {self.household_id}"


class InputDelivery(VillageScoped):
    """Inputs delivered to a participating household: the support itself is the linked
    ``programmes.SupportRecord`` (one table for every support); this row ties it to the model."""

    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="inputs", verbose_name=_("hộ")
    )
    support_record = models.OneToOneField(
        "programmes.SupportRecord",
        on_delete=models.PROTECT,
        related_name="livelihood_input",
        verbose_name=_("bản ghi hỗ trợ"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vật tư, giống đã cấp")
        verbose_name_plural = _("vật tư, giống đã cấp")
        ordering = ["participation", "id"]

    def __str__(self) -> str:
        return f"{self.participation_id}: {self.support_record_id}"
