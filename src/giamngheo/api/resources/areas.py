"""``/api/v1/areas/``: the administrative units the user may see (``access.visible_units``:
their granted units, everything below, and the ancestors to navigate down)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from giamngheo.accounts import access
from giamngheo.accounts.selectors import unit_for
from giamngheo.api.base import AreaCodeField, ScopedViewSet
from giamngheo.areas.models import AdministrativeUnit, Level


class AreaSerializer(serializers.ModelSerializer[AdministrativeUnit]):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = AdministrativeUnit
        fields = [
            "code",
            "name",
            "level",
            "unit_type",
            "parent",
            "province",
            "area_kind",
            "valid_from",
            "valid_to",
        ]


class AreaFilter(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    parent = AreaCodeField(required=False, help_text="Mã đơn vị cha: các đơn vị trực thuộc.")
    in_force = serializers.BooleanField(
        required=False, default=None, allow_null=True, help_text="Chỉ các đơn vị còn hiệu lực."
    )


@extend_schema_view(
    list=extend_schema(parameters=[AreaFilter], summary="Các địa bàn người dùng được xem"),
    retrieve=extend_schema(summary="Một địa bàn theo mã"),
)
class AreaViewSet(ScopedViewSet):
    serializer_class = AreaSerializer
    filter_class = AreaFilter
    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z_.-]{1,30}"
    queryset = AdministrativeUnit.objects.none()  # the schema's model; reads use visible()

    def visible(self) -> QuerySet[AdministrativeUnit]:
        return access.visible_units(self.request.user).select_related("parent", "province")

    def apply_filters(
        self, queryset: QuerySet[AdministrativeUnit], filters: dict[str, Any]
    ) -> QuerySet[AdministrativeUnit]:
        if filters.get("level"):
            queryset = queryset.filter(level=filters["level"])
        if filters.get("parent"):
            queryset = queryset.filter(parent=self.area_of(filters["parent"], "parent"))
        if filters.get("in_force") is not None:
            queryset = queryset.filter(valid_to__isnull=filters["in_force"])
        return queryset

    def get_object(self) -> AdministrativeUnit:
        code = str(self.kwargs.get("code", ""))
        unit = unit_for(self.request.user, code)
        if unit is None:  # pragma: no cover - unit_for raises Http404
            raise Http404
        return unit
