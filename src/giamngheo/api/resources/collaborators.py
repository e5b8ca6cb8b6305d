"""``/api/v1/collaborators/`` and ``/api/v1/collaborator-reports/``: the workforce roster
(officers, collaborators, village heads…) and the state of their monthly reports, read through
``workforce.selectors`` (officers and inspectors: the workforce of their areas; a collaborator:
their own entry and reports only). A worker's phone is masked exactly as on the roster page
(``workforce.selectors.shown_phone``: full for officers of the worker's commune or province, and
for the worker reading their own entry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from giamngheo.api.base import AreaCodeField, IdField, ScopedViewSet
from giamngheo.areas.models import Level
from giamngheo.workforce import reference, selectors
from giamngheo.workforce.models import MonthlyReport, Worker, WorkerStatus
from giamngheo.workforce.states import ReportState


class WorkerSerializer(serializers.ModelSerializer[Worker]):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Xã quản lý (null: cán bộ cấp tỉnh).",
    )
    phone = serializers.SerializerMethodField(
        help_text="Điện thoại; che bớt (091****678) nếu không có quyền xem đầy đủ."
    )
    is_self = serializers.SerializerMethodField(help_text="Đúng khi đây là hồ sơ của chính bạn.")

    class Meta:
        model = Worker
        fields = [
            "id",
            "code",
            "full_name",
            "sex",
            "birth_year",
            "ethnicity",
            "education",
            "role",
            "mass_organisation",
            "province",
            "commune",
            "phone",
            "status",
            "is_self",
            "updated_at",
        ]

    @extend_schema_field(serializers.CharField())
    def get_phone(self, worker: Worker) -> str:
        return selectors.shown_phone(self.context["request"].user, worker)

    @extend_schema_field(serializers.BooleanField())
    def get_is_self(self, worker: Worker) -> bool:
        return bool(
            worker.user_id is not None and worker.user_id == self.context["request"].user.pk
        )


class ReportSerializer(serializers.ModelSerializer[MonthlyReport]):
    worker = serializers.PrimaryKeyRelatedField(read_only=True)
    worker_name = serializers.CharField(source="worker.full_name", read_only=True)
    month = serializers.SerializerMethodField(help_text="Tháng báo cáo, YYYY-MM.")
    state = serializers.ChoiceField(choices=ReportState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    late = serializers.SerializerMethodField(
        help_text="Đúng khi nộp lần đầu sau hạn, hoặc chưa nộp mà đã quá hạn."
    )

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "worker",
            "worker_name",
            "month",
            "due_on",
            "state",
            "state_label",
            "submitted_at",
            "returned_at",
            "approved_at",
            "households_visited",
            "meetings_attended",
            "late",
        ]

    @extend_schema_field(serializers.CharField())
    def get_month(self, report: MonthlyReport) -> str:
        return f"{report.month:%Y-%m}"

    @extend_schema_field(serializers.BooleanField())
    def get_late(self, report: MonthlyReport) -> bool:
        today: dt.date = self.context["today"]
        if report.submitted_at is None:
            return report.due_on < today
        return report.submitted_at.date() > report.due_on


class WorkerDetailSerializer(WorkerSerializer):
    reports = serializers.SerializerMethodField(help_text="Báo cáo tháng gần nhất (24 tháng).")

    class Meta(WorkerSerializer.Meta):
        fields = [*WorkerSerializer.Meta.fields, "reports"]

    @extend_schema_field(ReportSerializer(many=True))
    def get_reports(self, worker: Worker) -> list[Any]:
        reports = (
            selectors.reports_visible_to(self.context["request"].user)
            .filter(worker=worker)
            .select_related("worker")
            .order_by("-month")[:24]
        )
        return list(ReportSerializer(reports, many=True, context=self.context).data)


class WorkerFilter(serializers.Serializer[Any]):
    area = AreaCodeField(
        required=False, help_text="Mã tỉnh, xã (người do xã quản lý) hoặc thôn (người phụ trách)."
    )
    role = serializers.ChoiceField(choices=[], required=False)
    status = serializers.ChoiceField(choices=WorkerStatus.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list(reference.roles())


def _today() -> dt.date:
    return timezone.localdate()


@extend_schema_view(
    list=extend_schema(parameters=[WorkerFilter], summary="Đội ngũ cán bộ, cộng tác viên"),
    retrieve=extend_schema(summary="Một người trong đội ngũ với các báo cáo tháng"),
)
class CollaboratorViewSet(ScopedViewSet):
    filter_class = WorkerFilter
    queryset = Worker.objects.none()

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return WorkerDetailSerializer if self.action == "retrieve" else WorkerSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": _today()}

    def visible(self) -> QuerySet[Worker]:
        return selectors.workers_visible_to(self.request.user).select_related("province", "commune")

    def apply_filters(
        self, queryset: QuerySet[Worker], filters: dict[str, Any]
    ) -> QuerySet[Worker]:
        # The roster page's filters (``selectors.roster``: area, role, status), every status
        # unless one is asked for.
        area = self.area_of(filters["area"]) if filters.get("area") else None
        roster = selectors.roster(
            self.request.user, area=area, role=filters.get("role"), status=filters.get("status")
        )
        return queryset.filter(pk__in=roster.order_by().values("pk"))


class ReportFilter(serializers.Serializer[Any]):
    worker = IdField(required=False, help_text="Mã số (id) của người trong đội ngũ.")
    area = AreaCodeField(required=False, help_text="Mã tỉnh hoặc xã quản lý.")
    month = serializers.RegexField(
        r"^(19|20)\d\d-(0[1-9]|1[0-2])$",
        required=False,
        help_text="Tháng, YYYY-MM.",
        error_messages={"invalid": _("Tháng phải có dạng YYYY-MM, ví dụ 2026-03.")},
    )
    state = serializers.ChoiceField(choices=ReportState.choices, required=False)


# The report's state is read from its times (``MonthlyReport.state``), so as a filter.
_STATE_FILTERS = {
    ReportState.APPROVED: Q(approved_at__isnull=False),
    ReportState.RETURNED: Q(approved_at__isnull=True, returned_at__isnull=False),
    ReportState.SUBMITTED: Q(
        approved_at__isnull=True, returned_at__isnull=True, submitted_at__isnull=False
    ),
    ReportState.DRAFT: Q(submitted_at__isnull=True),
}


@extend_schema_view(
    list=extend_schema(parameters=[ReportFilter], summary="Tình trạng báo cáo tháng"),
    retrieve=extend_schema(summary="Tình trạng một báo cáo tháng"),
)
class CollaboratorReportViewSet(ScopedViewSet):
    serializer_class = ReportSerializer
    filter_class = ReportFilter
    cursor_ordering = ("-id",)
    queryset = MonthlyReport.objects.none()

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": _today()}

    def visible(self) -> QuerySet[MonthlyReport]:
        return selectors.reports_visible_to(self.request.user).select_related("worker")

    def apply_filters(
        self, queryset: QuerySet[MonthlyReport], filters: dict[str, Any]
    ) -> QuerySet[MonthlyReport]:
        if filters.get("worker") is not None:
            queryset = queryset.filter(worker_id=filters["worker"])
        if filters.get("area"):
            area = self.area_of(filters["area"])
            if area.level == Level.VILLAGE:  # reports belong to the managing commune
                raise serializers.ValidationError(
                    {"area": [_("Báo cáo tháng lọc theo tỉnh hoặc xã, không theo thôn.")]}
                )
            queryset = queryset.filter(selectors.in_area(area))
        if filters.get("month"):
            year, month = (int(part) for part in filters["month"].split("-"))
            queryset = queryset.filter(month=dt.date(year, month, 1))
        if "state" in filters:
            queryset = queryset.filter(_STATE_FILTERS[filters["state"]])
        return queryset
