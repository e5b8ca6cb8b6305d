"""``/api/v1/support-requests/``: households' requests for support (workforce), read through
``workforce.selectors`` and recorded through ``workforce.services.request_create`` (the
page's checks, owner choice, deadlines, audit and idempotency key)."""

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
from giamngheo.workforce import reference, selectors, services
from giamngheo.workforce.models import SupportRequest
from giamngheo.workforce.states import RequestState


class SupportRequestSerializer(serializers.ModelSerializer[SupportRequest]):
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)
    replayed = serializers.SerializerMethodField()

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "household",
            "village",
            "need_type",
            "description",
            "state",
            "owner",
            "owner_name",
            "received_on",
            "forward_due_on",
            "due_on",
            "closed_at",
            "outcome",
            "household_informed_on",
            "submission_key",
            "created_at",
            "replayed",
        ]

    def get_replayed(self, request: SupportRequest) -> bool:
        return bool(getattr(request, "_giamngheo_replayed", False))


class SupportRequestInput(StrictInput):
    household = IdField(help_text="Mã số (id) của hộ.")
    need_type = serializers.ChoiceField(choices=[], help_text="Loại nhu cầu (danh mục).")
    description = serializers.CharField(max_length=5000)
    received_on = serializers.DateField(
        required=False, validators=[validate_event_date], help_text="Mặc định hôm nay."
    )
    submission_key = serializers.UUIDField(required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need_type"].choices = sorted(reference.need_types().items())


class SupportRequestFilter(serializers.Serializer[Any]):
    household = IdField(required=False)
    area = AreaCodeField(required=False, help_text="Mã tỉnh, xã hoặc thôn.")
    state = serializers.ChoiceField(choices=RequestState.choices, required=False)
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Năm tiếp nhận."
    )


@extend_schema_view(
    list=extend_schema(parameters=[SupportRequestFilter], summary="Các yêu cầu hỗ trợ của hộ"),
    retrieve=extend_schema(summary="Một yêu cầu hỗ trợ"),
    create=extend_schema(
        request=SupportRequestInput,
        responses={201: SupportRequestSerializer, 200: SupportRequestSerializer},
        summary="Ghi nhận yêu cầu hỗ trợ của một hộ",
    ),
)
class SupportRequestViewSet(ServiceCreateMixin, ScopedViewSet):
    serializer_class = SupportRequestSerializer
    filter_class = SupportRequestFilter
    input_serializer_class = SupportRequestInput
    queryset = SupportRequest.objects.none()

    def visible(self) -> QuerySet[SupportRequest]:
        return selectors.requests_visible_to(self.request.user).select_related("village", "owner")

    def apply_filters(
        self, queryset: QuerySet[SupportRequest], filters: dict[str, Any]
    ) -> QuerySet[SupportRequest]:
        return self.filter_household_area_state_year(
            queryset, filters, year_lookup="received_on__year"
        )

    def create_through_service(self, data: dict[str, Any]) -> SupportRequest:
        household = registry_selectors.household_for(self.request.user, data["household"])
        return services.request_create(
            actor=self.request.user,
            household=household,
            need_type=data["need_type"],
            description=data["description"],
            received_on=data.get("received_on"),
            submission_key=data.get("submission_key"),
        )
