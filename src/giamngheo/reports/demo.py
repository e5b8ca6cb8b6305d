"""The reports in the demo province (a part of ``demo.extensions``): after every other part,
the figures of each year with surveys or decisions are computed, so that the report pages and
dashboards show them at once."""

from __future__ import annotations

import time
from typing import Any

from giamngheo.lib import clock
from giamngheo.reports import services
from giamngheo.reports.models import AreaFigures
from giamngheo.review.models import Decision
from giamngheo.surveys.models import Survey


def purge_reports_demo(context: Any) -> int:
    deleted, _rows = AreaFigures.objects.filter(province=context.province).delete()
    return deleted


def seed_reports_demo(context: Any) -> dict[str, Any]:
    province = context.province
    years = set(
        Survey.objects.filter(province=province).values_list("review_year", flat=True).distinct()
    )
    years |= set(
        Decision.objects.filter(province=province).values_list("year", flat=True).distinct()
    )
    years.add(clock.today().year)
    done: dict[str, Any] = {}
    for year in sorted(years):
        start = time.perf_counter()
        try:
            result = services.figures_refresh(actor=None, area=province, year=year)
        except services.ReportError:
            continue
        done[str(year)] = {"villages": result.villages, "seconds": time.perf_counter() - start}
        context.progress(
            f"Báo cáo {year}: số liệu của {result.villages} thôn, {result.communes} xã "
            f"— {time.perf_counter() - start:.1f} giây"
        )
    return done
