"""The dashboard pages: /reports/dashboard/ (an area and a year; the user's home area by
default) and the download of each panel's numbers (CSV or xlsx, small counts hidden)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts import selectors as account_selectors
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib import charts, clock
from giamngheo.lib.replica import reading_from_replica
from giamngheo.reports import dashboard, dashboard_whatif, selectors
from giamngheo.reports.dashboard_suppression import rule, suppress
from giamngheo.reports.dashboard_tables import Hidden, NumbersTable, to_csv, to_xlsx

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
    return render(request, "reports/dashboard_whatif.html", context)


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
