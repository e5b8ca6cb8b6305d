"""The dashboard pages: /reports/dashboard/ (an area and a year; the user's home area by
default) and the download of each panel's numbers (CSV or xlsx, small counts hidden)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.accounts import selectors as account_selectors
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.jobs.models import Job
from giamngheo.lib import charts, clock
from giamngheo.lib.replica import reading_from_replica
from giamngheo.reports import dashboard, dashboard_whatif, selectors, whatif_jobs
from giamngheo.reports.dashboard_suppression import rule, suppress
from giamngheo.reports.dashboard_tables import Hidden, NumbersTable, to_csv, to_xlsx
from giamngheo.reports.services import ReportError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _area(request: HttpRequest) -> AdministrativeUnit | None:
    code = request.GET.get("area", "").strip()
    if code:
        return account_selectors.unit_for(request.user, code[:20])
    return access.home_unit(request.user)


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise Http404
    return int(text)


def _build(
    request: HttpRequest, area: AdministrativeUnit, *, suppressed: bool
) -> dashboard.Dashboard:
    return dashboard.build(
        request.user,
        area,
        _year(request),
        today=clock.today(),
        suppressed=suppressed,
        english=translation.get_language() == "en",
    )


@reading_from_replica()  # read-only: a replica a second behind is fine (docs/operations.md)
def dashboard_page(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if area is None:
        return render(
            request,
            "reports/dashboard_pick.html",
            {"units": account_selectors.children_for(request.user, None)[:100]},
        )
    # Exact counts on the page for officers of the area; everyone else (collaborators,
    # inspectors) sees the small counts hidden, like a download.
    board = _build(request, area, suppressed=not access.can_see_personal_data(request.user, area))
    board.what_if_url = (
        reverse("reports:dashboard_what_if")
        + "?"
        + urlencode({"area": area.code, "year": board.year})
    )
    return render(
        request,
        "reports/dashboard.html",
        {"board": board, "rule": rule()},
    )


@reading_from_replica()  # read-only: a replica a second behind is fine (docs/operations.md)
def dashboard_numbers(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    area = _area(request)
    if area is None:
        raise Http404
    if slug == "what-if":
        table, year = _what_if_table(request, area, suppressed=True)
    else:
        board = _build(request, area, suppressed=True)
        panel = board.panel(slug)
        if panel is None:
            raise Http404
        table, year = panel.table, board.year
    found = rule()
    caption = [
        table.title,
        f"{area.name} ({area.code}) · {_('Năm')} {year}",
        _('Số hộ từ 1 đến %(n)s được ẩn (<%(t)s); ô "*" được ẩn để không suy ra được ô đã ẩn.')
        % {"n": found.threshold - 1, "t": found.threshold},
    ]
    name = f"{slug}-{area.code}-{year}"
    if fmt == "csv":
        response = HttpResponse(
            to_csv(table, caption=caption), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(to_xlsx(table, caption=caption), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _what_if_year(request: HttpRequest, area: AdministrativeUnit) -> int:
    return _year(request) or next(iter(selectors.years(request.user, area)), clock.today().year)


def _what_if_table(
    request: HttpRequest, area: AdministrativeUnit, *, suppressed: bool
) -> tuple[NumbersTable, int]:
    year = _what_if_year(request, area)
    found = dashboard_whatif.what_if(request.user, area, year=year, today=clock.today())
    if found is None or found.result is None:
        raise Http404
    table = dashboard_whatif.matrix_table(found)
    return (suppress(table) if suppressed else table), year


@reading_from_replica()  # read-only: a replica a second behind is fine (docs/operations.md)
def what_if_page(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if area is None:
        raise Http404
    year = _what_if_year(request, area)
    found = dashboard_whatif.what_if(request.user, area, year=year, today=clock.today())
    context: dict[str, object] = {
        "area": area,
        "year": year,
        "found": found,
        "rule": rule(),
        "board": {"area": area, "year": year},
    }
    if found is not None and found.result is not None:
        suppressed = not access.can_see_personal_data(request.user, area)
        table = dashboard_whatif.matrix_table(found)
        if suppressed:
            table = suppress(table)
        panel = dashboard.Panel(table, _what_if_chart(table, found))
        context.update({"panel": panel, "suppressed": suppressed})
    elif found is not None and found.too_many and selectors.can_see(request.user, area):
        # Too many households for the page: the job computes it (started by "Tính toán").
        job = whatif_jobs.active_job(area, year)
        last = job or whatif_jobs.last_job(area, year)
        context.update(
            {
                "job": job,
                "failed": last if last is not None and last.status == "failed" else None,
                "start_url": _what_if_url("reports:dashboard_what_if_start", area, year),
                "progress_url": _what_if_url(
                    "reports:dashboard_what_if_progress", area, year, job=job
                ),
            }
        )
    return render(request, "reports/dashboard_whatif.html", context)


def _what_if_url(name: str, area: AdministrativeUnit, year: int, *, job: Job | None = None) -> str:
    args = [job.pk] if job is not None else []
    if name.endswith("_progress") and job is None:
        return ""
    return reverse(name, args=args) + "?" + urlencode({"area": area.code, "year": year})


@require_POST
def what_if_start(request: HttpRequest) -> HttpResponse:
    """ "Tính toán": start the area's what-if job, or join the one already running."""
    area = _area(request)
    if area is None:
        raise Http404
    year = _what_if_year(request, area)
    if not selectors.can_see(request.user, area):
        raise Http404
    try:
        whatif_jobs.what_if_start(actor=request.user, area=area, year=year)
    except ReportError as error:
        messages.error(request, str(error))
    return redirect(_what_if_url("reports:dashboard_what_if", area, year))


def what_if_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The jobs app's progress bar for the area's what-if job, for everyone who may see the
    area (the job was perhaps started by someone else); the page reloads when it ends."""
    area = _area(request)
    if area is None or not selectors.can_see(request.user, area):
        raise Http404
    job = Job.objects.filter(
        pk=pk, kind=whatif_jobs.WHAT_IF_JOB, parameters__area_code=area.code
    ).first()
    if job is None:
        raise Http404
    year = int(job.parameters.get("year", 0))
    response = render(
        request,
        "jobs/_progress.html",
        {
            "job": job,
            "reload": True,
            "progress_url": _what_if_url("reports:dashboard_what_if_progress", area, year, job=job),
        },
    )
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _what_if_chart(table: NumbersTable, found: dashboard_whatif.WhatIf) -> SafeString:
    """Households by status under each standard, side by side."""
    total = table.total or {}

    def number(value: object) -> float | None:
        return None if isinstance(value, (Hidden, str)) or value is None else float(value)  # type: ignore[arg-type]

    svg = charts.bar_chart(
        chart_id="chart-what-if",
        title=_("Số hộ theo từng chuẩn"),
        desc=_("Cùng các hộ, phân loại theo hai chuẩn."),
        # "Hộ nghèo" → "Nghèo": the axis has room for short names (the table has the full ones).
        categories=[str(row["status"]).removeprefix("Hộ ").capitalize() for row in table.rows],
        series=[
            charts.Series(
                _("Chuẩn %(code)s") % {"code": found.source.code},
                [number(row["total"]) for row in table.rows],
            ),
            charts.Series(
                _("Chuẩn %(code)s") % {"code": found.target.code},
                [number(total.get(key)) for key in [c.key for c in table.columns[1:-1]]],
            ),
        ],
    )
    return mark_safe(svg)  # noqa: S308 (lib.charts escapes every text it draws)
