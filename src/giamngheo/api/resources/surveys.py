"""``/api/v1/surveys/``: filled forms with the engine's result (status, deprivations, scores),
read through ``surveys.selectors``' scope, and recorded through ``surveys.services.survey_record``
(the survey page's validation, engine run, audit and idempotency key)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from giamngheo.accounts import access
from giamngheo.api.base import (
    AreaCodeField,
    IdField,
    MaskingSerializer,
    ScopedViewSet,
    ServiceCreateMixin,
    StrictInput,
    area_column,
)
from giamngheo.lib.masking import mask_snapshot
from giamngheo.lib.validators import validate_event_date
from giamngheo.registry import selectors as registry_selectors
from giamngheo.registry.models import Status
from giamngheo.surveys import definitions, services
from giamngheo.surveys.models import Survey


class SurveySerializer(MaskingSerializer, serializers.ModelSerializer[Survey]):
    form = serializers.CharField(source="form.code", read_only=True)
    form_version = serializers.CharField(source="form.version", read_only=True)
    form_kind = serializers.CharField(source="form.kind", read_only=True)
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    replayed = serializers.SerializerMethodField(
        help_text="Đúng khi khóa gửi (submission_key) trùng một lần gửi trước: không tạo mới."
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "household",
            "village",
            "form",
            "form_version",
            "form_kind",
            "review_year",
            "surveyed_on",
            "surveyor_name",
            "standard_code",
            "standard_version",
            "method",
            "status",
            "screening",
            "income",
            "score_a",
            "score_b",
            "deprivation_flags",
            "deprivation_count",
            "submission_key",
            "created_at",
            "replayed",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_replayed(self, survey: Survey) -> bool:
        return bool(getattr(survey, "_giamngheo_replayed", False))


class SurveyDetailSerializer(SurveySerializer):
    answers = serializers.SerializerMethodField(help_text="Câu trả lời đã kiểm tra của phiếu.")

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "answers"]

    @extend_schema_field(serializers.JSONField())
    def get_answers(self, survey: Survey) -> Any:
        reach = self.context.get("personal_reach")
        full = reach is not None and access.sees_personal_data_at(
            reach,
            province_id=survey.province_id,
            commune_id=survey.commune_id,
            village_id=survey.village_id,
        )
        return survey.answers if full else mask_snapshot(survey.answers)


def _form_codes() -> list[str]:
    return sorted(definitions.form_files())


class SurveyInput(StrictInput):
    """A filled form, as the survey page posts it."""

    household = IdField(help_text="Mã số (id) của hộ.")
    form = serializers.ChoiceField(choices=[], help_text="Mã phiếu, ví dụ b2-2022.")
    review_year = serializers.IntegerField(min_value=2016, max_value=2100)
    surveyed_on = serializers.DateField(validators=[validate_event_date])
    surveyor_name = serializers.CharField(max_length=200)
    answers = serializers.DictField(
        help_text='Câu trả lời: {"household": {…}, "members": [{"person_id": …, …}]}.'
    )
    submission_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Khóa một lần (UUID) của lần gửi: gửi lại cùng khóa không tạo phiếu thứ hai.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = _form_codes()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs["surveyed_on"].year not in (attrs["review_year"], attrs["review_year"] + 1):
            raise serializers.ValidationError(
                {"surveyed_on": [_("Ngày khảo sát phải thuộc năm rà soát (hoặc đầu năm sau).")]}
            )
        return attrs


class SurveyFilter(serializers.Serializer[Any]):
    household = IdField(required=False)
    area = AreaCodeField(required=False, help_text="Mã tỉnh, xã hoặc thôn.")
    year = serializers.IntegerField(required=False, min_value=2016, max_value=2100)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


@extend_schema_view(
    list=extend_schema(parameters=[SurveyFilter], summary="Các phiếu khảo sát và kết quả"),
    retrieve=extend_schema(summary="Một phiếu với câu trả lời và kết quả"),
    create=extend_schema(
        request=SurveyInput,
        responses={201: SurveyDetailSerializer, 200: SurveyDetailSerializer},
        summary="Nhập một phiếu khảo sát (chạy chuẩn nghèo)",
    ),
)
class SurveyViewSet(ServiceCreateMixin, ScopedViewSet):
    filter_class = SurveyFilter
    input_serializer_class = SurveyInput
    queryset = Survey.objects.none()

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return SurveySerializer if self.action == "list" else SurveyDetailSerializer

    def visible(self) -> QuerySet[Survey]:
        return access.scoped(Survey.objects.all(), self.request.user).select_related(
            "form", "village"
        )

    def apply_filters(
        self, queryset: QuerySet[Survey], filters: dict[str, Any]
    ) -> QuerySet[Survey]:
        if filters.get("household") is not None:
            queryset = queryset.filter(household_id=filters["household"])
        if filters.get("area"):
            queryset = queryset.filter(**area_column(self.area_of(filters["area"])))
        if filters.get("year") is not None:
            queryset = queryset.filter(review_year=filters["year"])
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        return queryset

    def create_through_service(self, data: dict[str, Any]) -> Survey:
        household = registry_selectors.household_for(self.request.user, data["household"])
        survey = services.survey_record(
            actor=self.request.user,
            household=household,
            form=data["form"],
            review_year=data["review_year"],
            surveyed_on=data["surveyed_on"],
            surveyor=self.request.user,
            surveyor_name=data["surveyor_name"],
            answers=data["answers"],
            submission_key=data.get("submission_key"),
        )
        return survey
