"""``/api/v1/applications/``: in-year review applications (QĐ 24/2021 Art. 5: Mẫu 01 to join
the list, Mẫu 04 to leave it), read through ``review.selectors`` and filed through
``review.services.application_file`` (the page's checks, the round it joins, audit)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from giamngheo.api.base import (
    AreaCodeField,
    IdField,
    ScopedViewSet,
    ServiceCreateMixin,
    StrictInput,
)
from giamngheo.lib.validators import validate_event_date
from giamngheo.registry import selectors as registry_selectors
from giamngheo.review import selectors, services
from giamngheo.review.models import Application, ApplicationForm, ApplicationReason
from giamngheo.review.states import ApplicationState


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    round = serializers.SerializerMethodField(help_text="Đợt rà soát đơn được xét (id).")

    class Meta:
        model = Application
        fields = [
            "id",
            "household",
            "village",
            "form",
            "reason",
            "reason_note",
            "applicant_name",
            "received_on",
            "review_starts_on",
            "due_on",
            "state",
            "on_behalf",
            "round",
            "refusal_number",
        ]

    def get_round(self, application: Application) -> int | None:
        entry = application.entry
        return None if entry is None else entry.round_id


class ApplicationInput(StrictInput):
    household = IdField(help_text="Mã số (id) của hộ.")
    form = serializers.ChoiceField(choices=ApplicationForm.choices)
    reason = serializers.ChoiceField(choices=ApplicationReason.choices)
    reason_note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    applicant_name = serializers.CharField(max_length=200)
    received_on = serializers.DateField(validators=[validate_event_date])


class ApplicationFilter(serializers.Serializer[Any]):
    household = IdField(required=False)
    area = AreaCodeField(required=False, help_text="Mã tỉnh, xã hoặc thôn.")
    state = serializers.ChoiceField(choices=ApplicationState.choices, required=False)
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Năm nhận đơn."
    )


@extend_schema_view(
    list=extend_schema(parameters=[ApplicationFilter], summary="Đơn đề nghị rà soát trong năm"),
    retrieve=extend_schema(summary="Một đơn đề nghị"),
    create=extend_schema(
        request=ApplicationInput,
        responses={201: ApplicationSerializer},
        summary="Tiếp nhận đơn đề nghị (Mẫu 01, Mẫu 04)",
    ),
)
class ApplicationViewSet(ServiceCreateMixin, ScopedViewSet):
    serializer_class = ApplicationSerializer
    filter_class = ApplicationFilter
    input_serializer_class = ApplicationInput
    queryset = Application.objects.none()

    def visible(self) -> QuerySet[Application]:
        return selectors.applications(self.request.user)

    def apply_filters(
        self, queryset: QuerySet[Application], filters: dict[str, Any]
    ) -> QuerySet[Application]:
        return self.filter_household_area_state_year(
            queryset, filters, year_lookup="received_on__year"
        )

    def create_through_service(self, data: dict[str, Any]) -> Application:
        household = registry_selectors.household_for(self.request.user, data["household"])
        return services.application_file(
            actor=self.request.user,
            household=household,
            form=data["form"],
            reason=data["reason"],
            reason_note=data.get("reason_note", ""),
            received_on=data["received_on"],
            applicant_name=data["applicant_name"],
        )
