"""The one writer of ``AreaFigures``: the refresh of an area's figures for a review year.

Idempotent: the rows of the area and year are replaced (deleted, then written), so a refresh
run twice, or by two jobs, leaves the same rows. A commune refresh recomputes its villages and
itself, then its province as the sum of the province's commune rows; a province refresh
recomputes every village, commune and the province. One audit summary event per refresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib.errors import DomainError
from giamngheo.reports import measures
from giamngheo.reports.models import AreaFigures

FIRST_YEAR, LAST_YEAR = 2016, 2100


class ReportError(DomainError):
    """A refused report operation; the message is for the user (Vietnamese)."""


@dataclass(frozen=True)
class RefreshResult:
    area: str
    year: int
    standard: str
    villages: int
    communes: int
    households: int

    def as_dict(self) -> dict[str, object]:
        return {
            "area": self.area,
            "year": self.year,
            "standard": self.standard,
            "villages": self.villages,
            "communes": self.communes,
            "households": self.households,
        }


def _check(actor: Actor, area: AdministrativeUnit, year: int) -> None:
    if area.level not in (Level.PROVINCE, Level.COMMUNE):
        raise ReportError(_("Cập nhật số liệu báo cáo theo tỉnh hoặc xã."))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ReportError(_("Năm rà soát không hợp lệ: %(year)s.") % {"year": year})
    if actor is None:  # the system: a job of the decision, a command, the demo
        return
    if not access.can_change_area(actor, area):
        raise ReportError(_("Bạn không có quyền cập nhật số liệu của địa bàn này."))


@transaction.atomic
def figures_refresh(*, actor: Actor, area: AdministrativeUnit, year: int) -> RefreshResult:
    """Recompute the figures of ``area`` (a province or a commune) for review ``year``."""
    _check(actor, area, year)
    try:
        measures.standard_for(year)
    except LookupError as error:
        raise ReportError(
            _("Không có chuẩn nghèo nào áp dụng cho năm %(year)s.") % {"year": year}
        ) from error
    province = area if area.level == Level.PROVINCE else area.province
    if province is None:
        raise ReportError(_("Xã không thuộc tỉnh nào."))
    commune_id = area.pk if area.level == Level.COMMUNE else None
    standard, villages = measures.village_figures(
        province_id=province.pk, year=year, commune_id=commune_id
    )
    now = timezone.now()
    by_commune: dict[int, list[dict[str, int]]] = {}
    rows = []
    for village_id, (commune_of, values) in sorted(villages.items()):
        by_commune.setdefault(commune_of, []).append(values)
        rows.append(
            AreaFigures(
                unit_id=village_id,
                province_id=province.pk,
                commune_id=commune_of,
                village_id=village_id,
                level=Level.VILLAGE,
                year=year,
                standard=standard,
                values=values,
                refreshed_at=now,
            )
        )
    for commune_of, parts in sorted(by_commune.items()):
        rows.append(
            AreaFigures(
                unit_id=commune_of,
                province_id=province.pk,
                commune_id=commune_of,
                level=Level.COMMUNE,
                year=year,
                standard=standard,
                values=measures.add_up(parts),
                refreshed_at=now,
            )
        )
    stale = AreaFigures.objects.filter(province=province, year=year)
    if commune_id is not None:
        stale = stale.filter(commune_id=commune_id)
    stale.delete()
    AreaFigures.objects.filter(province=province, year=year, level=Level.PROVINCE).delete()
    AreaFigures.objects.bulk_create(rows, batch_size=1000)
    communes = list(
        AreaFigures.objects.filter(province=province, year=year, level=Level.COMMUNE).values_list(
            "values", flat=True
        )
    )
    if communes:
        AreaFigures.objects.create(
            unit=province,
            province=province,
            level=Level.PROVINCE,
            year=year,
            standard=standard,
            values=measures.add_up(communes),
            refreshed_at=now,
        )
    result = RefreshResult(
        area=area.code,
        year=year,
        standard=standard,
        villages=len(villages),
        communes=len(by_commune),
        households=sum(values.get("households", 0) for _c, values in villages.values()),
    )
    audit.record_bulk(
        actor=actor,
        action="reports.figures_refreshed",
        object_type="reports.areafigures",
        object_id=f"{area.code}:{year}",
        summary=result.as_dict(),
        province_id=province.pk,
    )
    return result
