"""Reports upward: the commune's submission and the province's consolidation (QĐ 24/2021 Art. 7)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib.crashpoints import crash_point
from giamngheo.review.calculations import NEAR_POOR, POOR, add_figures
from giamngheo.review.models import (
    CommuneReport,
    ProvinceReport,
    Round,
    RoundKind,
)
from giamngheo.review.selectors import report_figures
from giamngheo.review.services.base import (
    ReviewError,
    lock_round,
    move_round,
    params,
    require_officer,
)
from giamngheo.review.states import (
    REPORT,
    ROUND,
)


@transaction.atomic
def report_submit(*, actor: Actor, round_: Round) -> CommuneReport:
    """The commune submits the round's figures upward (to the province since 1 July 2025 —
    recipient from the parameters, UNVERIFIED); submission freezes them (trigger)."""
    round_ = lock_round(round_)
    require_officer(actor, round_.commune)
    if round_.kind != RoundKind.ANNUAL:
        raise ReviewError(_("Chỉ đợt rà soát định kỳ hằng năm mới có báo cáo tổng hợp."))
    ROUND.check("report", round_.state)
    figures = report_figures(round_)
    report = CommuneReport.objects.create(
        round=round_,
        province_id=round_.province_id,
        commune_id=round_.commune_id,
        year=round_.year,
        figures=figures,
        recipient=params(round_).report_recipient,
        submitted_by=acting_user(actor),
        submitted_at=timezone.now(),
    )
    move_round(actor, round_, "report")
    audit.record(actor=actor, action="review.report_submitted", obj=report, after=figures)
    return report


@transaction.atomic
def province_consolidate(
    *, actor: Actor, province: AdministrativeUnit, year: int, partial_reason: str = ""
) -> ProvinceReport:
    """The province consolidates every commune report submitted for ``year`` (Art. 7.2–7.3).
    While communes are missing it waits for them, or saves a *partial* consolidation when the
    officer gives a reason (the missing communes are listed in the figures and every page that
    shows them says it is partial). A later consolidation includes the communes that submitted
    since; each is frozen."""
    if province.level != Level.PROVINCE:
        raise ReviewError(_("Tổng hợp báo cáo ở cấp tỉnh."))
    require_officer(actor, province)
    reports = list(
        CommuneReport.objects.select_for_update(of=("self",))
        .filter(province=province, year=year)
        .select_related("commune")
        .order_by("commune__code")
    )
    if not reports:
        raise ReviewError(_("Chưa xã nào gửi báo cáo năm %(year)s.") % {"year": year})
    blank = {"start": 0, "escaped": 0, "reentered": 0, "newly": 0, "end": 0, "people": 0}
    total: dict[str, Any] = {
        "households": 0,
        "people": 0,
        POOR: dict(blank),
        NEAR_POOR: dict(blank),
    }
    communes = []
    for report in reports:
        add_figures(total, report.figures)
        communes.append(
            {"code": report.commune.code, "name": report.commune.name, **report.figures}
        )
    for status in (POOR, NEAR_POOR):
        total[status]["rate"] = (
            round(total[status]["end"] / total["households"], 6) if total["households"] else None
        )
    reported = {report.commune_id for report in reports}
    missing = [
        {"code": code, "name": name}
        for pk, code, name in AdministrativeUnit.objects.filter(
            parent=province, level=Level.COMMUNE, valid_to__isnull=True
        )
        .order_by("code")
        .values_list("pk", "code", "name")
        if pk not in reported
    ]
    all_communes = len(reported) + len(missing)
    partial_reason = partial_reason.strip()
    if missing and not partial_reason:
        raise ReviewError(
            _(
                "Còn %(n)s/%(total)s xã chưa gửi báo cáo năm %(year)s (%(names)s): chờ đủ các xã, "
                "hoặc ghi lý do để lưu bản tổng hợp chưa đầy đủ."
            )
            % {
                "n": len(missing),
                "total": all_communes,
                "year": year,
                "names": ", ".join(m["name"] for m in missing[:5])
                + (", …" if len(missing) > 5 else ""),
            }
        )
    figures = {
        "year": year,
        "total": total,
        "communes": communes,
        "communes_reported": len(reports),
        "communes_total": all_communes,
        "missing": missing,
    }
    consolidation = ProvinceReport.objects.create(
        province=province,
        year=year,
        partial=bool(missing),
        partial_reason=partial_reason if missing else "",
        figures=figures,
        consolidated_by=acting_user(actor),
        consolidated_at=timezone.now(),
    )

    crash_point("consolidate.write")  # a test hook (lib.crashpoints); inert otherwise
    for report in reports:
        if REPORT.allowed("consolidate", report.state):
            report.state = REPORT.check("consolidate", report.state)
        report.consolidation = consolidation
        report.save(update_fields=["state", "consolidation"])
        crash_point("consolidate.write")
    audit.record(
        actor=actor,
        action="review.province_consolidated",
        obj=consolidation,
        area_of=province,
        after={
            "year": year,
            "communes": len(reports),
            "missing": len(missing),
            "partial": bool(missing),
            "total": total,
        },
        note=consolidation.partial_reason,
    )
    return consolidation
