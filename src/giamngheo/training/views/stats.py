"""The statistics page and its Excel export (``?year=&area=&standard=``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.standards import available_standards, pack_for_review_year
from giamngheo.training import exports, selectors
from giamngheo.training.views._common import recent_years, year_param


def _statistics(request: HttpRequest) -> selectors.TrainingStatistics:
    area_code = request.GET.get("area") or None
    area = selectors.statistics_area(request.user, area_code) if area_code else None
    standard = request.GET.get("standard") or None
    if standard is not None and standard not in available_standards():
        raise Http404
    return selectors.training_statistics(
        request.user, year=year_param(request), area=area, standard_code=standard
    )


def statistics(request: HttpRequest) -> HttpResponse:
    stats = _statistics(request)
    return render(
        request,
        "training/statistics.html",
        {
            "s": stats,
            "years": recent_years(),
            "standards": available_standards(),
            "standard_in_force": pack_for_review_year(stats.year).code,
            "query": request.GET.urlencode(),
        },
    )


def statistics_export(request: HttpRequest) -> HttpResponse:
    stats = _statistics(request)
    response = HttpResponse(
        exports.statistics_workbook(stats),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tap-huan-{stats.year}.xlsx"'
    return response
