"""The reports' job kinds (found by ``giamngheo.jobs.kinds.discover``): ``reports.refresh``,
the refresh of an area's figures for a review year (parameters ``area_code``, ``year``), and
``reports.what_if``, the what-if of an area too large for a page (``whatif_jobs``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.jobs.kinds import job_kind
from giamngheo.reports.services import ReportError, figures_refresh
from giamngheo.reports.whatif_jobs import WHAT_IF_JOB, compute

REFRESH_JOB = "reports.refresh"


@job_kind(REFRESH_JOB, label=gettext_lazy("Cập nhật số liệu báo cáo"))
def refresh_job(context: Any) -> dict[str, Any]:
    parameters = context.parameters
    area = AdministrativeUnit.objects.filter(code=str(parameters.get("area_code", ""))).first()
    if area is None:
        raise ReportError(_("Không tìm thấy địa bàn."))
    context.progress(0, 1, _("Đang tính số liệu…"))
    result = figures_refresh(actor=context.actor, area=area, year=int(parameters["year"]))
    context.progress(1, 1, _("Đã cập nhật số liệu."))
    return result.as_dict()


@job_kind(WHAT_IF_JOB, label=gettext_lazy("Mô phỏng chuẩn nghèo mới"))
def what_if_job(context: Any) -> dict[str, Any]:
    return compute(context)
