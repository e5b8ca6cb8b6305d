"""Surveys: one filled form (Phiếu A, B1, B2, or the 2016-2020 Phiếu B) for one household, with
its immutable result.

A ``Survey`` row is written once by ``services.survey_record`` (or ``bulk.surveys_for_demo``) and
never changed: PostgreSQL triggers refuse every UPDATE, and every DELETE except the demo loader's
purge (migration 0002). The result columns keep everything needed to reproduce and explain it
later: the answers as entered, the exact engine inputs, the rule pack's code, version and
content (``RulePackSnapshot``), and the form's version (``FormDefinition``, also immutable).

The survey proposes a status; it never changes ``Household.status``, which only the commune's
recognition decision sets (Quyết định 24/2021/QĐ-TTg Art. 4 step 5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit, VillageScoped
from giamngheo.lib.idempotency import Idempotent
from giamngheo.registry.models import Household, Status
from giamngheo.standards import schema


class FormKind(models.TextChoices):
    SCREENING = "screening", _("Phiếu A (nhận dạng nhanh)")
    INCOME = "income", _("Phiếu B1 (thu nhập)")
    DEPRIVATION = "deprivation", _("Phiếu B2 (thiếu hụt dịch vụ xã hội cơ bản)")
    FLAGS = "flags", _("Kết quả rà soát nhập từ bảng tổng hợp (thu nhập và chỉ số thiếu hụt)")


class Screening(models.TextChoices):
    NONE = "", _("—")
    NEEDS_FULL_SURVEY = "needs_full_survey", _("Cần khảo sát đầy đủ (Phiếu B1, B2)")
    EXCLUDED = "excluded", _("Không thuộc diện khảo sát đầy đủ")


class Method(models.TextChoices):
    NONE = "", _("—")
    INCOME = "income", _("Theo thu nhập bình quân đầu người")
    SCORE = "score", _("Theo điểm A và điểm B")
    FLAGS = "flags", _("Theo thu nhập và các chỉ số thiếu hụt đã xác định")


class FormDefinition(models.Model):
    """One published version of a form, as read from ``surveys/forms/<code>.toml``. Rows are
    created on first use and never changed (trigger), so old surveys keep their questions."""

    code = models.CharField(_("mã phiếu"), max_length=30)
    version = models.CharField(_("phiên bản"), max_length=20)
    kind = models.CharField(_("loại phiếu"), max_length=20, choices=FormKind.choices)
    standard = models.CharField(_("chuẩn nghèo"), max_length=30)
    title_vi = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    definition = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mẫu phiếu")
        verbose_name_plural = _("mẫu phiếu")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="form_definition_version"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class RulePackSnapshot(models.Model):
    """The text of a rule pack's files as used by stored results, keyed by content hash, so a
    result can be re-run with the exact thresholds even after the pack file changes."""

    sha256 = models.CharField(primary_key=True, max_length=64)
    code = models.CharField(max_length=30)
    version = models.CharField(max_length=30)
    files = models.JSONField()  # [{"name": "2022-2025.toml", "text": "..."}], parents first
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bản lưu bộ quy tắc chuẩn nghèo")
        verbose_name_plural = _("bản lưu bộ quy tắc chuẩn nghèo")

    def __str__(self) -> str:
        return f"{self.code} {self.version} ({self.sha256[:12]})"


class Survey(VillageScoped, Idempotent):
    # ``submission_key`` (Idempotent): a double-submitted entry form records one survey.
    # Province-first composite indexes below cover the province column, so it has no index of
    # its own (the one difference from ``VillageScoped``).
    province = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tỉnh"),
        db_index=False,
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("hộ")
    )
    form = models.ForeignKey(
        FormDefinition,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mẫu phiếu"),
        db_index=False,
    )
    review_year = models.PositiveSmallIntegerField(_("năm rà soát"))
    surveyed_on = models.DateField(_("ngày khảo sát"))
    surveyor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rà soát viên (tài khoản)"),
        db_index=False,
    )
    surveyor_name = models.CharField(_("rà soát viên"), max_length=200, blank=True)
    answers = models.JSONField(_("câu trả lời"))
    # -- the result (immutable, reproducible) --
    standard_code = models.CharField(_("chuẩn nghèo"), max_length=30)
    standard_version = models.CharField(_("phiên bản chuẩn"), max_length=30)
    standard_snapshot = models.ForeignKey(
        RulePackSnapshot,
        on_delete=models.PROTECT,
        related_name="+",
        db_column="standard_sha256",
        db_index=False,
    )
    method = models.CharField(
        _("phương pháp"), max_length=10, choices=Method.choices, blank=True, default=""
    )
    inputs = models.JSONField(_("dữ liệu đầu vào đã dùng"))
    income = models.BigIntegerField(_("thu nhập bình quân (đồng/người/tháng)"), null=True)
    score_a = models.IntegerField(_("điểm A"), null=True)
    score_b = models.SmallIntegerField(_("điểm B"), null=True)
    deprivation_flags = models.JSONField(_("chỉ số thiếu hụt"), null=True)
    deprivation_count = models.SmallIntegerField(_("số chỉ số thiếu hụt"), null=True)
    status = models.CharField(
        _("tình trạng đề xuất"), max_length=30, choices=Status.choices, blank=True, default=""
    )
    screening = models.CharField(
        _("kết quả nhận dạng nhanh"),
        max_length=20,
        choices=Screening.choices,
        blank=True,
        default="",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
        db_index=False,
    )
    created_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu khảo sát")
        verbose_name_plural = _("phiếu khảo sát")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["", *schema.STATUSES]), name="survey_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(screening__in=Screening.values), name="survey_screening_valid"
            ),
            models.CheckConstraint(condition=Q(method__in=Method.values), name="survey_method"),
            models.CheckConstraint(
                condition=Q(review_year__gte=2016, review_year__lte=2100),
                name="survey_review_year_range",
            ),
            models.CheckConstraint(
                condition=Q(income__isnull=True) | Q(income__gte=0), name="survey_income_positive"
            ),
            models.CheckConstraint(
                condition=Q(deprivation_count__isnull=True) | Q(deprivation_count__gte=0),
                name="survey_count_positive",
            ),
            models.CheckConstraint(
                condition=~Q(surveyor_name="") | Q(surveyor__isnull=False),
                name="survey_has_surveyor",
            ),
        ]
        indexes = [
            # Province first: the sharding key (docs/architecture.md).
            models.Index(fields=["province", "household", "review_year"]),
            models.Index(fields=["province", "commune", "review_year", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} · {self.household_id} · {self.review_year}"
