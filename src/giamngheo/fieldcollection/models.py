"""One imported ODK/Kobo submission: the proof of the visit (GPS, photo), the survey it became,
or the conflict it is held as until an officer resolves it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import VillageScoped
from giamngheo.registry.models import Household
from giamngheo.surveys.models import Survey


class SubmissionStatus(models.TextChoices):
    RECORDED = "recorded", _("đã ghi thành phiếu khảo sát")
    CONFLICT = "conflict", _("chờ xử lý (hộ đã thay đổi)")
    ACCEPTED = "accepted", _("đã chấp nhận sau khi xử lý")
    REJECTED = "rejected", _("đã loại bỏ")


class FieldSubmission(VillageScoped):
    # meta/instanceID (ODK) or meta/instanceID / _uuid (Kobo): the import's idempotency key.
    instance_id = models.CharField(_("mã bản nộp"), max_length=100, unique=True)
    form_code = models.CharField(_("phiếu"), max_length=30)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    # The household's version when the form was made (carried by the form) and on import.
    form_version = models.PositiveIntegerField(_("phiên bản hộ khi lập biểu mẫu"))
    server_version = models.PositiveIntegerField(_("phiên bản hộ khi nhập"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=SubmissionStatus.choices)
    survey = models.OneToOneField(
        Survey, on_delete=models.PROTECT, null=True, blank=True, related_name="field_submission"
    )
    # The normalised submission: review_year, surveyed_on, surveyor_name, answers, source.
    payload = models.JSONField(_("nội dung"))
    latitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    longitude = models.DecimalField(max_digits=10, decimal_places=7, null=True, blank=True)
    gps_accuracy_m = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    photo = models.FileField(_("ảnh"), upload_to="fieldcollection/%Y/%m/", blank=True)
    source_file = models.CharField(_("tệp nhập"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["province", "commune", "village", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SubmissionStatus]),
                name="fieldsubmission_status_known",
            ),
            # A survey exactly when recorded or accepted; a rejection always says why.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["recorded", "accepted"], survey__isnull=False)
                    | Q(status__in=["conflict", "rejected"], survey__isnull=True)
                ),
                name="fieldsubmission_survey_iff_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="fieldsubmission_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="fieldsubmission_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="fieldsubmission_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instance_id} ({self.get_status_display()})"
