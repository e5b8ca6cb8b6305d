"""The base classes every resource of the API builds on (see the app's README).

- Reads: :class:`ScopedViewSet` — a subclass defines ``visible()`` with the app's selector or
  ``access.scoped`` (never a scope of its own), optionally ``filter_class`` (a serializer of
  the query parameters, validated: bad values are a 400) and ``apply_filters``; ``retrieve``
  404s outside the user's reach because it looks only inside ``visible()``.
- Personal numbers: serializers inheriting :class:`MaskingSerializer` call ``self.personal``
  with the record's area ids; the view puts ``access.personal_data_reach`` in the context once
  per request.
- Writes: :class:`ServiceCreateMixin` validates an input serializer, calls ``create_through_
  service`` (an app's service: audit, access checks, idempotency) and answers with the output
  serializer: 201, or 200 when the idempotency key replayed an earlier create.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from giamngheo.accounts import access
from giamngheo.accounts.selectors import unit_for
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import idempotency

# 32-bit keys: a larger id cannot exist, and PostgreSQL would refuse to compare it.
MAX_ID = 2**31 - 1


class MaskingSerializer(serializers.Serializer[Any]):
    """A serializer that shows personal ID and phone numbers in full only where
    ``access.personal_data_reach`` allows (else ``lib.masking``)."""

    def personal(
        self,
        value: str | None,
        mask: Callable[[str | None], str],
        *,
        province_id: int | None,
        commune_id: int | None = None,
        village_id: int | None = None,
    ) -> str:
        reach = self.context.get("personal_reach")
        full = reach is not None and access.sees_personal_data_at(
            reach, province_id=province_id, commune_id=commune_id, village_id=village_id
        )
        return (value or "") if full else mask(value)


class StrictInput(serializers.Serializer[Any]):
    """A request body: a field the resource does not know is an error (a typo in a field name
    would otherwise be silently ignored, and the value not recorded)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Trường không được hỗ trợ.")] for name in sorted(unknown)}
            )
        return attrs


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class AreaCodeField(serializers.CharField):
    """An administrative unit's code; resolved against the user's visible units by
    :func:`area_of` (an invisible unit is "not found", as on the pages)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=30, **kwargs)


def area_column(area: AdministrativeUnit, prefix: str = "") -> dict[str, AdministrativeUnit]:
    """The filter of an area-scoped model on ``area`` (its province, commune or village
    column)."""
    column = {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}[
        Level(area.level)
    ]
    return {f"{prefix}{column}": area}


class ScopedViewSet(viewsets.GenericViewSet[Any]):
    """Lists and details limited to what the user may see; see the module docstring."""

    filter_class: ClassVar[type[serializers.Serializer[Any]] | None] = None
    cursor_ordering: ClassVar[tuple[str, ...]] = ("id",)
    lookup_value_regex = "[0-9]+"

    def visible(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        return self.visible()

    def apply_filters(self, queryset: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
        return queryset

    def filter_household_area_state_year(
        self, queryset: QuerySet[Any], filters: dict[str, Any], *, year_lookup: str
    ) -> QuerySet[Any]:
        """The filters most resources share: ``household`` (id), ``area`` (a unit the user
        sees), ``state`` and ``year`` (through ``year_lookup``, e.g. ``received_on__year``)."""
        if filters.get("household") is not None:
            queryset = queryset.filter(household_id=filters["household"])
        if filters.get("area"):
            queryset = queryset.filter(**area_column(self.area_of(filters["area"])))
        if "state" in filters:
            queryset = queryset.filter(state=filters["state"])
        if filters.get("year") is not None:
            queryset = queryset.filter(**{year_lookup: filters["year"]})
        return queryset

    def filters(self) -> dict[str, Any]:
        if self.filter_class is None:
            return {}
        form = self.filter_class(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)

    def area_of(self, code: str, field: str = "area") -> AdministrativeUnit:
        try:
            return unit_for(self.request.user, code)
        except Http404:
            raise serializers.ValidationError(
                {field: [_("Không tìm thấy địa bàn %(code)s.") % {"code": code}]}
            ) from None

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()
        context["personal_reach"] = access.personal_data_reach(self.request.user)
        return context

    def get_object(self) -> Any:
        raw = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if not str(raw).isdigit() or int(raw) > MAX_ID:
            raise Http404
        found = self.get_queryset().filter(pk=int(raw)).first()
        if found is None:
            raise Http404
        return found

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.apply_filters(self.get_queryset(), self.filters())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


class ServiceCreateMixin:
    """``create``: input serializer → the app's service → output serializer."""

    input_serializer_class: ClassVar[type[serializers.Serializer[Any]]]
    request: Request

    def create_through_service(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.input_serializer_class(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        created = self.create_through_service(dict(form.validated_data))
        replayed = idempotency.replayed(created)
        output = self.get_serializer(created)  # type: ignore[attr-defined]
        return Response(
            output.data,
            status=status.HTTP_200_OK if replayed else status.HTTP_201_CREATED,
        )
