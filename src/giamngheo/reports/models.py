"""The figures of each area and review year, kept current for the reports and dashboards.

One ``AreaFigures`` row per (unit, year) for every village, commune and province that has
households. ``values`` maps a measure key (``reports.measures``) to an integer; a missing key is
0. A commune row is the sum of its villages, a province row the sum of its communes (except the
non-additive keys of ``measures.NON_ADDITIVE``). Written only by ``reports.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from giamngheo.areas.models import AdministrativeUnit, Level, ProvinceOrCommuneScoped


class AreaFigures(ProvinceOrCommuneScoped):
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("địa bàn")
    )
    # The unit's province, commune and village, for ``access.scoped`` (commune NULL on a
    # province row, village NULL above the village level).
    village = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thôn/tổ dân phố"),
    )
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    standard = models.CharField(_("chuẩn nghèo"), max_length=30)
    values = models.JSONField(_("số liệu"))
    refreshed_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        verbose_name = _("số liệu địa bàn")
        verbose_name_plural = _("số liệu địa bàn")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="reports_figures_unit_year"),
            models.CheckConstraint(
                condition=(Q(level="province") & Q(commune__isnull=True) & Q(village__isnull=True))
                | (Q(level="commune") & Q(commune__isnull=False) & Q(village__isnull=True))
                | (Q(level="village") & Q(commune__isnull=False) & Q(village__isnull=False)),
                name="reports_figures_level_columns",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "year", "level"], name="reports_fig_province"),
            models.Index(fields=["commune", "year", "level"], name="reports_fig_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}"


class WhatIfResult(ProvinceOrCommuneScoped):
    """The what-if of an area too large for a page (``dashboard_whatif``), computed by the job
    ``reports.what_if`` over all its households. One row per (unit, year, standard pair);
    ``freshness`` is the fingerprint of the households' data and the day it was computed for
    (``dashboard_whatif.freshness``): a row whose fingerprint no longer matches is stale and is
    not shown (the next job replaces it). Written only by ``whatif_jobs.store``."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("địa bàn")
    )
    year = models.PositiveSmallIntegerField(_("năm rà soát"))
    source = models.CharField(_("chuẩn đang áp dụng"), max_length=30)
    target = models.CharField(_("chuẩn mới"), max_length=30)
    freshness = models.CharField(_("dấu dữ liệu"), max_length=64)
    households = models.PositiveIntegerField(_("số hộ"))
    skipped = models.PositiveIntegerField(_("số hộ thiếu thông tin"))
    # status under ``source`` → status under ``target`` → households (``Transitions.matrix``).
    matrix = models.JSONField(_("ma trận chuyển đổi"))
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("kết quả mô phỏng chuẩn mới")
        verbose_name_plural = _("kết quả mô phỏng chuẩn mới")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "source", "target"], name="reports_whatif_unit_year_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year} · {self.source}→{self.target}"
