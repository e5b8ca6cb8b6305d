"""``/api/v1/programmes/`` and ``/api/v1/support-records/``: the catalogue of programmes and
policies (``programmes.selectors.programmes``: every live node, the same for every user; read
only) and what households received (``programmes.deliveries.selectors.support_rows``: scoped like
the households, village by village). A health insurance card's number is masked like a personal
ID number unless the user is an officer of the record's area (as on the household's page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from giamngheo.api.base import AreaCodeField, IdField, MaskingSerializer, ScopedViewSet
from giamngheo.lib.masking import mask_citizen_id
from giamngheo.programmes import selectors
from giamngheo.programmes.deliveries import selectors as deliveries
from giamngheo.programmes.errors import ProgrammeError
from giamngheo.programmes.models import (
    FundingSource,
    Programme,
    ProgrammeKind,
    SupportKind,
    SupportRecord,
)


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    funding_sources = serializers.ListField(child=serializers.CharField(), read_only=True)
    benefit = serializers.JSONField(read_only=True, help_text="Mức hỗ trợ (số tiền, tỷ lệ…).")

    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "parent",
            "kind",
            "name",
            "legal_basis",
            "valid_from",
            "valid_to",
            "funding_sources",
            "benefit",
            "requires_posting",
            "verified",
            "locally_changed",
            "eligibility_version",
        ]


class ProgrammeDetailSerializer(ProgrammeSerializer):
    eligibility = serializers.JSONField(read_only=True, help_text="Điều kiện thụ hưởng (quy tắc).")

    class Meta(ProgrammeSerializer.Meta):
        fields = [*ProgrammeSerializer.Meta.fields, "description", "source_note", "eligibility"]


class ProgrammeFilter(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices, required=False)
    parent = serializers.CharField(
        required=False, max_length=80, help_text="Mã chương trình cha: các mục trực thuộc."
    )
    on = serializers.DateField(required=False, help_text="Còn hiệu lực vào ngày này.")


@extend_schema_view(
    list=extend_schema(parameters=[ProgrammeFilter], summary="Danh mục chương trình, chính sách"),
    retrieve=extend_schema(summary="Một chương trình, chính sách với điều kiện thụ hưởng"),
)
class ProgrammeViewSet(ScopedViewSet):
    filter_class = ProgrammeFilter
    queryset = Programme.objects.none()

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return ProgrammeDetailSerializer if self.action == "retrieve" else ProgrammeSerializer

    def visible(self) -> QuerySet[Programme]:
        # The catalogue is the same for everyone (no area); deleted entries are hidden.
        return selectors.programmes().select_related("parent")

    def apply_filters(
        self, queryset: QuerySet[Programme], filters: dict[str, Any]
    ) -> QuerySet[Programme]:
        if "kind" in filters:
            queryset = queryset.filter(kind=filters["kind"])
        if filters.get("parent"):
            queryset = queryset.filter(parent__code=filters["parent"])
        if filters.get("on") is not None:
            day = filters["on"]
            queryset = queryset.filter(valid_from__lte=day).exclude(valid_to__lt=day)
        return queryset


class SupportRecordSerializer(MaskingSerializer, serializers.ModelSerializer[SupportRecord]):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    village = serializers.SlugRelatedField(slug_field="code", read_only=True)
    person_name = serializers.CharField(
        source="person.full_name", read_only=True, default=None, allow_null=True
    )
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )
    amount = serializers.DecimalField(
        max_digits=16,
        decimal_places=0,
        coerce_to_string=False,
        allow_null=True,
        read_only=True,
        help_text="Thành tiền (đồng).",
    )
    health_insurance_card = serializers.SerializerMethodField(
        help_text='Mã thẻ BHYT cấp kèm ("" nếu không có); che bớt nếu không có quyền xem.'
    )

    class Meta:
        model = SupportRecord
        fields = [
            "id",
            "household",
            "person",
            "person_name",
            "village",
            "programme",
            "programme_name",
            "support_kind",
            "description",
            "quantity",
            "unit",
            "amount",
            "delivered_on",
            "funding_source",
            "delivered_by",
            "decision_number",
            "source_app",
            "health_insurance_card",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField())
    def get_health_insurance_card(self, record: SupportRecord) -> str:
        card = deliveries.card_for_record(record)
        if card is None:
            return ""
        return self.personal(
            card.card_number,
            mask_citizen_id,
            province_id=record.province_id,
            commune_id=record.commune_id,
            village_id=record.village_id,
        )


class SupportRecordFilter(serializers.Serializer[Any]):
    household = IdField(required=False, help_text="Mã số (id) của hộ.")
    area = AreaCodeField(required=False, help_text="Mã tỉnh, xã hoặc thôn.")
    programme = serializers.CharField(
        required=False, max_length=80, help_text="Mã chương trình: cả các mục trực thuộc."
    )
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Năm hỗ trợ."
    )
    support_kind = serializers.ChoiceField(choices=SupportKind.choices, required=False)
    funding_source = serializers.ChoiceField(choices=FundingSource.choices, required=False)


@extend_schema_view(
    list=extend_schema(parameters=[SupportRecordFilter], summary="Các khoản hỗ trợ hộ đã nhận"),
    retrieve=extend_schema(summary="Một khoản hỗ trợ"),
)
class SupportRecordViewSet(ScopedViewSet):
    serializer_class = SupportRecordSerializer
    filter_class = SupportRecordFilter
    cursor_ordering = ("-id",)
    queryset = SupportRecord.objects.none()

    def _rows(self, filters: dict[str, Any]) -> QuerySet[SupportRecord]:
        programme = None
        if filters.get("programme"):
            try:
                programme = selectors.programme_by_code(filters["programme"])
            except ProgrammeError as error:
                raise serializers.ValidationError({"programme": [str(error)]}) from None
        area = self.area_of(filters["area"]) if filters.get("area") else None
        return deliveries.support_rows(
            self.request.user, programme=programme, area=area, year=filters.get("year")
        ).select_related("programme", "village", "person", "health_insurance_card")

    def visible(self) -> QuerySet[SupportRecord]:
        return self._rows({})

    def apply_filters(
        self, queryset: QuerySet[SupportRecord], filters: dict[str, Any]
    ) -> QuerySet[SupportRecord]:
        queryset = self._rows(filters)
        if filters.get("household") is not None:
            queryset = queryset.filter(household_id=filters["household"])
        if "support_kind" in filters:
            queryset = queryset.filter(support_kind=filters["support_kind"])
        if "funding_source" in filters:
            queryset = queryset.filter(funding_source=filters["funding_source"])
        return queryset
