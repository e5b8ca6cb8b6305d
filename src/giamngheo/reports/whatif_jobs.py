"""The what-if of an area above the inline limit (up to a province of a million households) as a
background job: ``reports.what_if`` (parameters ``area_code``, ``year``, ``day``: the day the
households are read as of, the day it was asked for).

- ``what_if_start`` (the page's "Tính toán"): one queued or running job per area and year; a
  second request, by anyone who may see the area, joins it (an advisory lock on the area and
  year makes two simultaneous requests agree).
- ``compute`` (the job body): the area's communes one at a time (bounded memory: one commune's
  households and members in memory, ``dashboard_whatif.classify``), the transition matrices
  added up, progress after each commune; the data's fingerprint is taken before the first
  commune, so an edit during the run makes the stored result stale, not wrong-and-fresh.
- ``store``: the one writer of ``WhatIfResult`` (replaces the area's row for the year and the
  standard pair; one audit summary event).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.jobs import services as job_services
from giamngheo.jobs.context import JobContext, JobFailure
from giamngheo.jobs.models import Job, JobStatus
from giamngheo.lib import clock
from giamngheo.registry.models import Household
from giamngheo.reports import dashboard_whatif, selectors
from giamngheo.reports.models import WhatIfResult
from giamngheo.reports.services import ReportError
from giamngheo.standards.pack_model import Pack

WHAT_IF_JOB: Final = "reports.what_if"
# The first key of the advisory lock that serialises the starts of one area's job (the second
# is the area and year); the two-key form does not share keys with the jobs' one-key locks.
_LOCK_CLASS: Final = 1414


def _filing(area: AdministrativeUnit) -> tuple[AdministrativeUnit, AdministrativeUnit | None]:
    """The province and commune of ``area`` (for the job's and the result's scoping)."""
    if area.level == Level.PROVINCE:
        return area, None
    province = area.province
    if province is None:
        raise ReportError(_("Địa bàn không thuộc tỉnh nào."))
    return province, area if area.level == Level.COMMUNE else area.parent


def active_job(area: AdministrativeUnit, year: int) -> Job | None:
    """The queued or running what-if job of ``area`` and ``year``, if any."""
    return (
        Job.objects.filter(
            kind=WHAT_IF_JOB,
            status__in=(JobStatus.QUEUED, JobStatus.RUNNING),
            parameters__area_code=area.code,
            parameters__year=year,
        )
        .order_by("id")
        .first()
    )


def last_job(area: AdministrativeUnit, year: int) -> Job | None:
    return (
        Job.objects.filter(kind=WHAT_IF_JOB, parameters__area_code=area.code, parameters__year=year)
        .order_by("-id")
        .first()
    )


@transaction.atomic
def what_if_start(*, actor: Actor, area: AdministrativeUnit, year: int) -> Job:
    """The what-if job of ``area`` and ``year``: the one already queued or running, else a new
    one. Refused to anyone who may not see the area's figures."""
    if actor is not None and not selectors.can_see(actor, area):
        raise ReportError(_("Bạn không có quyền xem số liệu của địa bàn này."))
    if dashboard_whatif.standards_of(year) is None:
        raise ReportError(_("Chưa có chuẩn nghèo nào sau chuẩn đang áp dụng."))
    with connection.cursor() as cursor:
        # Held to the end of the transaction: a second start waits, then sees the first's job.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_LOCK_CLASS, f"{area.pk}:{year}"]
        )
    running = active_job(area, year)
    if running is not None:
        return running
    province, commune = _filing(area)
    return job_services.job_enqueue(
        actor=actor,
        kind=WHAT_IF_JOB,
        # The day asked for: the job computes as of that day (ages, departures), whenever and
        # in whatever process it runs, so its result matches the page's fingerprint that day.
        parameters={"area_code": area.code, "year": year, "day": clock.today().isoformat()},
        province=province,
        commune=commune,
    )


def compute(context: JobContext) -> dict[str, Any]:
    """The job body: the what-if of the area, commune by commune, stored."""
    parameters = context.parameters
    area = (
        AdministrativeUnit.objects.select_related("province", "parent")
        .filter(code=str(parameters.get("area_code", "")))
        .first()
    )
    if area is None:
        raise JobFailure(_("Không tìm thấy địa bàn."))
    year = int(parameters.get("year", 0))
    pair = dashboard_whatif.standards_of(year)
    if pair is None:
        raise JobFailure(_("Chưa có chuẩn nghèo nào sau chuẩn đang áp dụng."))
    try:
        today = dt.date.fromisoformat(str(parameters["day"]))
    except (KeyError, ValueError):
        today = clock.today()
    fingerprint = dashboard_whatif.freshness(area, pair=pair, today=today)
    households = Household.objects.filter(dashboard_whatif.scope(area))
    communes = list(
        households.order_by("commune_id").values_list("commune_id", flat=True).distinct()
    )
    names = dict(AdministrativeUnit.objects.filter(pk__in=communes).values_list("pk", "name"))
    matrix = dashboard_whatif.empty_matrix()
    count = skipped = 0
    total = len(communes)
    for done, commune_id in enumerate(communes):
        context.progress(
            done,
            total,
            _("Đang tính %(name)s (%(done)s/%(total)s xã)")
            % {"name": names.get(commune_id, ""), "done": done + 1, "total": total},
        )
        n, k, found = dashboard_whatif.classify(
            households.filter(commune_id=commune_id), pair, today=today
        )
        count += n
        skipped += k
        if found is not None:
            for source, row in found.matrix.items():
                for target, value in row.items():
                    matrix[source][target] += value
    context.progress(total, total, _("Đã tính xong."))
    result = store(
        actor=context.actor,
        area=area,
        year=year,
        pair=pair,
        fingerprint=fingerprint,
        households=count,
        skipped=skipped,
        matrix=matrix,
    )
    return {
        "area": area.code,
        "year": year,
        "source": result.source,
        "target": result.target,
        "households": result.households,
        "skipped": result.skipped,
        "communes": total,
    }


@transaction.atomic
def store(
    *,
    actor: Actor,
    area: AdministrativeUnit,
    year: int,
    pair: tuple[Pack, Pack],
    fingerprint: str,
    households: int,
    skipped: int,
    matrix: dict[str, dict[str, int]],
    now: dt.datetime | None = None,
) -> WhatIfResult:
    province, commune = _filing(area)
    result, _created = WhatIfResult.objects.update_or_create(
        unit=area,
        year=year,
        source=pair[0].code,
        target=pair[1].code,
        defaults={
            "province": province,
            "commune": commune,
            "freshness": fingerprint,
            "households": households,
            "skipped": skipped,
            "matrix": matrix,
            "computed_at": now or timezone.now(),
        },
    )
    audit.record_bulk(
        actor=actor,
        action="reports.what_if_computed",
        object_type="reports.whatifresult",
        object_id=f"{area.code}:{year}:{pair[0].code}:{pair[1].code}",
        summary={"households": households, "skipped": skipped},
        province_id=province.pk,
    )
    return result
