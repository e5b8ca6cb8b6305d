"""The programmes of the demo province: the shipped programme data, an approved beneficiary
list (health insurance for the poor households of ``xa1``'s commune, or of the next area
that has some) and a draft list of the
2026-2035 programme for ``xa2``'s commune, with its priorities.

Idempotent: the province's lists (frozen ones too, under ``giamngheo.programmes_purge``) and
the support records of the old demo households are deleted first (``purge_programmes_demo``,
run before the households go). The lists are made by the services, as an officer would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from giamngheo.lib import clock
from giamngheo.programmes import loader, selectors, services
from giamngheo.programmes.models import BeneficiaryEntry, BeneficiaryList, Programme, SupportRecord


def purge_programmes_demo(context: Any) -> int:
    province = context.province
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL giamngheo.programmes_purge = 'on'")
        try:
            deleted = SupportRecord.objects.filter(household__in=context.households).delete()[0]
            for queryset in (
                BeneficiaryEntry.objects.filter(beneficiary_list__province=province),
                BeneficiaryList.objects.filter(province=province),
            ):
                deleted += queryset.delete()[0]
        finally:
            cursor.execute("SET LOCAL giamngheo.programmes_purge = 'off'")
    return deleted


def seed_programmes_demo(context: Any) -> dict[str, Any]:
    loaded = loader.load(actor=None)
    today = clock.today()
    first, second = context.demo_communes()
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    report: dict[str, Any] = {"programmes": loaded}
    bhyt = Programme.objects.filter(code="bhyt-hn", is_deleted=False).first()
    if bhyt is not None:
        # xa1's commune when it has poor households (a small demo may have none), else xa2's,
        # else the province.
        area = next(
            (
                unit
                for unit in (first, second)
                if selectors.eligibility_preview(
                    viewer=None, programme=bhyt, area=unit, on=today
                ).households
            ),
            context.province,
        )
        approved = services.list_generate(
            actor=None,
            programme=bhyt,
            area=area,
            period_start=year_start,
            period_end=year_end,
            reference_date=today,
        )
        if approved.entries.exists():
            services.list_approve(
                actor=None,
                beneficiary_list=approved,
                approved_on=today,
                decision_number=f"{today.month:02d}/QĐ-UBND",
            )
        report["approved_list"] = approved.entries.count()
    successor = Programme.objects.filter(code="ctmtqg-2026", is_deleted=False).first()
    if successor is not None:
        draft = services.list_generate(
            actor=None,
            programme=successor,
            area=second,
            period_start=year_start,
            period_end=year_end,
            reference_date=today,
        )
        report["draft_list"] = draft.entries.count()
    return report
