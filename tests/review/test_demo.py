"""The review part of the demo province: last year finished, this year in progress.

The demo province is loaded once per run on 22/11/2026 (``demo_province``,
tests/conftest.py); its review part is the one ``seed_review_demo`` wrote during that load."""

from __future__ import annotations

import pytest
from django.db import transaction

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.demo import extensions, loader
from giamngheo.review import demo
from giamngheo.review.models import Certificate, CommuneReport, ProvinceReport, Round

pytestmark = [pytest.mark.django_db, pytest.mark.once]  # demo content: not about the server


def test_the_demo_has_a_finished_2025_and_a_2026_in_progress(
    demo_province: loader.LoadReport,
) -> None:
    report = demo_province.part_reports["review"]
    assert isinstance(report, demo.ReviewDemoReport)
    province = AdministrativeUnit.objects.get(code="44")
    context = extensions.DemoContext(province, province.children.none(), 3, lambda _m: None)  # type: ignore[arg-type]
    communes = province.children.filter(level="commune", valid_to__isnull=True).count()
    last = Round.objects.filter(province=province, year=2025, kind="annual")
    assert last.count() == communes
    assert set(last.values_list("state", flat=True)) <= {"reported"}
    assert CommuneReport.objects.filter(year=2025).count() == report.decided
    assert ProvinceReport.objects.get(year=2025).figures["communes_reported"] == report.decided
    assert Certificate.objects.count() == report.certificates > 0
    this = Round.objects.filter(province=province, year=2026, kind="annual")
    assert set(this.values_list("state", flat=True)) == {"planning", "reviewing"}
    # A reload purges everything first, frozen rows included (the triggers let only it).
    with transaction.atomic():
        assert demo.purge_review_demo(context) > 0
    assert not Round.objects.exists() and not Certificate.objects.exists()
