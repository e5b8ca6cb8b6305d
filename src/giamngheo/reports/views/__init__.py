"""The report pages: the index (an area, a year, the forms at its level), a form's table with
its downloads, and the officers' "refresh figures" action (a job with progress)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.accounts import selectors as visible
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import clock
from giamngheo.lib.replica import reading_from_replica
from giamngheo.reports import catalogue, hooks, outputs, selectors, summary
from giamngheo.reports.services import FIRST_YEAR, LAST_YEAR, ReportError

REPORT_LEVELS = (Level.PROVINCE, Level.COMMUNE)


def _area(request: HttpRequest) -> AdministrativeUnit | None:
    """The area asked for (404 outside the user's reach), else the user's home unit (a village
    grant: its commune is not in reach, the village is)."""
    code = request.GET.get("area") or request.POST.get("area") or ""
    unit = visible.unit_for(request.user, code) if code else access.home_unit(request.user)
    if unit is None:
        return None
    if not selectors.can_see(request.user, unit):
        raise Http404
    return unit


def _year(request: HttpRequest, unit: AdministrativeUnit | None) -> int:
    text = request.GET.get("year") or request.POST.get("year") or ""
    if text:
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
            raise Http404
        return int(text)
    years = selectors.years(request.user, unit) if unit is not None else []
    return years[0] if years else clock.today().year


@reading_from_replica()  # read-only: a replica a second behind is fine (docs/operations.md)
def index(request: HttpRequest) -> HttpResponse:
    unit = _area(request)
    year = _year(request, unit)
    context: dict[str, object] = {"unit": unit, "year": year}
    if unit is not None:
        years = selectors.years(request.user, unit)
        context |= {
            "years": sorted(set(years) | {year}, reverse=True),
            "summary": summary.review_summary(request.user, unit, year),
            "forms": catalogue.forms_at(unit) if unit.level in REPORT_LEVELS else [],
            "can_refresh": unit.level in REPORT_LEVELS and access.can_decide_in(request.user, unit),
            "parent": unit.parent
            if unit.parent and selectors.can_see(request.user, unit.parent)
            else None,
        }
    return render(request, "reports/index.html", context)


@reading_from_replica()  # read-only: a replica a second behind is fine (docs/operations.md)
def form_page(request: HttpRequest, code: str) -> HttpResponse:
    unit = _area(request)
    if unit is None:
        raise Http404
    year = _year(request, unit)
    entry = catalogue.entry(code)
    if entry is None:
        raise Http404
    try:
        table = catalogue.build(code, viewer=request.user, unit=unit, year=year)
    except catalogue.FormUnavailable as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('reports:index')}?area={unit.code}&year={year}")
    return render(
        request,
        "reports/form.html",
        {
            "table": table,
            "entry": entry,
            "unit": unit,
            "year": year,
        },
    )


@reading_from_replica()  # read-only: a replica a second behind is fine (docs/operations.md)
def form_download(request: HttpRequest, code: str, file_format: str) -> HttpResponse:
    unit = _area(request)
    if unit is None or file_format not in outputs.CONTENT_TYPES:
        raise Http404
    year = _year(request, unit)
    if catalogue.entry(code) is None:
        raise Http404
    try:
        table = catalogue.build(code, viewer=request.user, unit=unit, year=year)
        content = outputs.render([table], file_format)
    except (catalogue.FormUnavailable, ReportError) as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('reports:index')}?area={unit.code}&year={year}")
    response = HttpResponse(content, content_type=outputs.CONTENT_TYPES[file_format])
    name = f"bieu-{code}-{unit.code}-{year}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    unit = _area(request)
    if unit is None or unit.level not in REPORT_LEVELS:
        raise Http404
    year = _year(request, unit)
    if not access.can_decide_in(request.user, unit):
        raise Http404
    job = hooks.enqueue_refresh(
        actor=request.user,
        area_code=unit.code,
        year=year,
        province=unit if unit.level == Level.PROVINCE else unit.province,
        commune=unit if unit.level == Level.COMMUNE else None,
    )
    messages.info(request, _("Đã đưa việc cập nhật số liệu vào hàng đợi."))
    return redirect("jobs:detail", pk=job.pk)
