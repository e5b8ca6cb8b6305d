"""``/api/v1/training-classes/``: the training classes the user sees (``training.selectors``:
province and commune columns, no village, so a collaborator's grant reaches none), with their
number of sessions and registrations; the detail adds the sessions and the class's attendance
figures (``selectors.class_registrations``: participations and completions, as on the class
page). No person is named: participants are counted, not listed."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from giamngheo.api.base import AreaCodeField, IdField, ScopedViewSet
from giamngheo.areas.models import Level
from giamngheo.training import selectors
from giamngheo.training.models import ClassLevel, ClassSession, TrainingClass


class ClassSerializer(serializers.ModelSerializer[TrainingClass]):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    commune = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Xã tổ chức (null: lớp cấp tỉnh).",
    )
    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    topics = serializers.ListField(child=serializers.CharField(), read_only=True)
    session_count = serializers.IntegerField(read_only=True, help_text="Số buổi học.")
    registered = serializers.IntegerField(read_only=True, help_text="Số học viên đã đăng ký.")

    class Meta:
        model = TrainingClass
        fields = [
            "id",
            "code",
            "title",
            "level",
            "province",
            "commune",
            "plan",
            "topics",
            "standard_code",
            "place",
            "start_date",
            "end_date",
            "capacity",
            "min_attendance_percent",
            "session_count",
            "registered",
            "updated_at",
        ]


class SessionSerializer(serializers.ModelSerializer[ClassSession]):
    class Meta:
        model = ClassSession
        fields = ["id", "number", "date", "part", "topic", "title", "trainer"]


class AttendanceSerializer(serializers.Serializer[Any]):
    registered = serializers.IntegerField(help_text="Số học viên đã đăng ký.")
    participations = serializers.IntegerField(help_text="Số học viên có dự ít nhất một buổi.")
    completed = serializers.IntegerField(
        help_text="Số học viên hoàn thành (dự đủ tỷ lệ buổi tối thiểu của lớp)."
    )


class ClassDetailSerializer(ClassSerializer):
    sessions = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()

    class Meta(ClassSerializer.Meta):
        fields = [*ClassSerializer.Meta.fields, "trainers", "sessions", "attendance"]

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, training_class: TrainingClass) -> list[Any]:
        return list(SessionSerializer(selectors.class_sessions(training_class), many=True).data)

    @extend_schema_field(AttendanceSerializer)
    def get_attendance(self, training_class: TrainingClass) -> dict[str, int]:
        found = selectors.class_registrations(training_class)
        return {
            "registered": len(found.rows),
            "participations": found.participations,
            "completed": found.completed,
        }


class ClassFilter(serializers.Serializer[Any]):
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Năm bắt đầu lớp."
    )
    area = AreaCodeField(required=False, help_text="Mã tỉnh hoặc xã tổ chức lớp.")
    level = serializers.ChoiceField(choices=ClassLevel.choices, required=False)
    plan = IdField(required=False, help_text="Mã số (id) của kế hoạch đào tạo.")


@extend_schema_view(
    list=extend_schema(parameters=[ClassFilter], summary="Các lớp tập huấn"),
    retrieve=extend_schema(summary="Một lớp tập huấn với các buổi học và số học viên"),
)
class TrainingClassViewSet(ScopedViewSet):
    filter_class = ClassFilter
    queryset = TrainingClass.objects.none()

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return ClassDetailSerializer if self.action == "retrieve" else ClassSerializer

    def visible(self) -> QuerySet[TrainingClass]:
        return (
            selectors.classes_visible_to(self.request.user)
            .select_related("province", "commune")
            .annotate(
                session_count=Count("sessions", distinct=True),
                registered=Count("registrations", distinct=True),
            )
        )

    def apply_filters(
        self, queryset: QuerySet[TrainingClass], filters: dict[str, Any]
    ) -> QuerySet[TrainingClass]:
        if filters.get("year") is not None:
            queryset = queryset.filter(start_date__year=filters["year"])
        if filters.get("area"):
            area = self.area_of(filters["area"])
            if area.level == Level.VILLAGE:  # classes are run by a province or a commune
                queryset = queryset.filter(commune_id=area.parent_id)
            else:
                column = "province" if area.level == Level.PROVINCE else "commune"
                queryset = queryset.filter(**{column: area})
        if "level" in filters:
            queryset = queryset.filter(level=filters["level"])
        if filters.get("plan") is not None:
            queryset = queryset.filter(plan_id=filters["plan"])
        return queryset
