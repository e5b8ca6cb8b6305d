"""``/api/v1/report-forms/`` and ``/api/v1/report-figures/{area}/``: the catalogue of report
forms (``reports.catalogue``, the same for every user) and the figures kept per area and year
(``reports.selectors.area_figures`` / ``sub_area_figures``) as JSON.

Visibility is the report pages' (``selectors.can_see``: a unit outside the user's reach, or a
commune seen only through a village grant, is a 404). Small household counts are hidden by the
dashboards' rule (``reports.dashboard_suppression``, threshold as data) unless the user is an
officer of the area (``access.can_see_personal_data``), as on the dashboard page: an API answer
is an export, and a collaborator's or inspector's export must not identify a household."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from giamngheo.accounts import access
from giamngheo.accounts.selectors import unit_for
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock
from giamngheo.reports import catalogue, selectors
from giamngheo.reports.dashboard_suppression import rule, suppress
from giamngheo.reports.dashboard_tables import Column, Hidden, NumbersTable
from giamngheo.reports.services import FIRST_YEAR, LAST_YEAR

LEVELS = [(Level.PROVINCE.value, Level.PROVINCE.label), (Level.COMMUNE.value, Level.COMMUNE.label)]


class FormSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    marker = serializers.CharField()
    levels = serializers.ListField(child=serializers.CharField())
    verified = serializers.BooleanField(help_text="Mẫu biểu đã đối chiếu văn bản gốc.")
    legal_basis = serializers.CharField()
    monthly = serializers.BooleanField(help_text="Biểu lập theo tháng.")
    data = serializers.BooleanField(help_text="Biểu định nghĩa bằng dữ liệu (không phải mã).")


class FormFilter(serializers.Serializer[Any]):
    level = serializers.ChoiceField(
        choices=LEVELS, required=False, help_text="Chỉ các biểu lập ở cấp này."
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[FormFilter],
        summary="Danh mục biểu báo cáo",
        responses=FormSerializer(many=True),
    ),
    retrieve=extend_schema(summary="Một biểu báo cáo", responses=FormSerializer),
)
class ReportFormViewSet(viewsets.GenericViewSet[Any]):
    """The forms are data and code, not rows: the whole (short) list, unpaginated."""

    serializer_class = FormSerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z_.-]{1,60}"

    def list(self, request: Request) -> Response:
        form = FormFilter(data=request.query_params)
        form.is_valid(raise_exception=True)
        entries = catalogue.all_forms()
        level = form.validated_data.get("level")
        if level:
            entries = [e for e in entries if level in e.levels]
        return Response(FormSerializer(entries, many=True).data)

    def retrieve(self, request: Request, code: str) -> Response:
        entry = catalogue.entry(code)
        if entry is None:
            raise Http404
        return Response(FormSerializer(entry).data)


class SubAreaSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    figures = serializers.DictField(
        child=serializers.JSONField(),
        help_text='Chỉ tiêu → số; số hộ nhỏ bị ẩn thành "<5" hoặc "*".',
    )


class FiguresSerializer(serializers.Serializer[Any]):
    area = serializers.CharField()
    area_name = serializers.CharField()
    level = serializers.CharField()
    year = serializers.IntegerField()
    standard = serializers.CharField(help_text="Chuẩn nghèo áp dụng cho năm.")
    suppressed = serializers.BooleanField(
        help_text="Đúng khi số hộ nhỏ đã bị ẩn (người dùng không phải cán bộ của địa bàn)."
    )
    threshold = serializers.IntegerField(help_text="Ngưỡng ẩn: số hộ từ 1 đến ngưỡng − 1.")
    figures = serializers.DictField(
        child=serializers.JSONField(),
        help_text='Chỉ tiêu → số (ý nghĩa: reports.measures); số hộ nhỏ ẩn thành "<5" hoặc "*".',
    )
    sub_areas = SubAreaSerializer(many=True)


class FiguresFilter(serializers.Serializer[Any]):
    year = serializers.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text="Năm rà soát; mặc định: năm gần nhất có số liệu.",
    )


def _column(key: str) -> Column:
    """Every key counts households unless it ends in ``.people`` (``reports.measures``): a
    number of people is hidden with its households' count; ``af.score_sum`` and
    ``af.denominator`` are sums of scores, hidden with the surveyed households."""
    if key.endswith(".people"):
        return Column(key, key, "number", of=key.removesuffix(".people"))
    if key in ("af.score_sum", "af.denominator"):
        return Column(key, key, "number", of="af.units")
    return Column(key, key, "count")


def _shown(value: Any) -> Any:
    return value.text if isinstance(value, Hidden) else value


def suppressed_figures(
    figures: Mapping[str, int], subs: Sequence[tuple[AdministrativeUnit, Mapping[str, int]]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The area's figures and its sub-areas' with small household counts hidden (the sub-areas
    partition the area: a hidden cell cannot be found by subtraction)."""
    keys = sorted(set(figures).union(*(values for _unit, values in subs)))
    known = set(keys)
    columns = [_column(key) for key in keys]
    # A people count whose households' count is not among the keys stands alone.
    columns = [
        c if c.of in known or c.of is None else Column(c.key, c.key, "number") for c in columns
    ]
    table = NumbersTable(
        slug="figures",
        title="",
        columns=tuple(columns),
        rows=[{key: values.get(key, 0) for key in keys} for _unit, values in subs],
        total={key: figures.get(key, 0) for key in keys},
        partition=True,
    )
    hidden = suppress(table)
    total = hidden.total or {}
    return (
        {key: _shown(total[key]) for key in keys},
        [{key: _shown(row[key]) for key in keys} for row in hidden.rows],
    )


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            FiguresFilter,
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="Mã tỉnh, xã, thôn."),
        ],
        summary="Số liệu rà soát của một địa bàn và một năm (và các địa bàn trực thuộc)",
        responses=FiguresSerializer,
    ),
)
class ReportFigureViewSet(viewsets.GenericViewSet[Any]):
    serializer_class = FiguresSerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z_.-]{1,30}"

    def _unit(self, code: str) -> AdministrativeUnit:
        unit = unit_for(self.request.user, code)  # 404 outside the reach
        if not selectors.can_see(self.request.user, unit):
            raise Http404  # e.g. a village grant asking for its commune's total
        return unit

    def retrieve(self, request: Request, code: str) -> Response:
        unit = self._unit(code)
        form = FiguresFilter(data=request.query_params)
        form.is_valid(raise_exception=True)
        year = form.validated_data.get("year")
        if year is None:
            year = next(iter(selectors.years(request.user, unit)), clock.today().year)
        figures = selectors.area_figures(request.user, unit, year)
        subs = selectors.sub_area_figures(request.user, unit, year)
        if figures is None or subs is None:
            raise Http404
        suppressed = not access.can_see_personal_data(request.user, unit)
        if suppressed:
            shown, sub_figures = suppressed_figures(figures, subs)
        else:
            shown, sub_figures = dict(figures), [dict(values) for _unit, values in subs]
        body = {
            "area": unit.code,
            "area_name": unit.name,
            "level": str(unit.level),
            "year": year,
            "standard": selectors.standard_of(unit, year),
            "suppressed": suppressed,
            "threshold": rule().threshold,
            "figures": shown,
            "sub_areas": [
                {"code": sub.code, "name": sub.name, "figures": values}
                for (sub, _values), values in zip(subs, sub_figures, strict=True)
            ],
        }
        return Response(FiguresSerializer(body).data)
