"""``giamngheo report``: the JSON of the issue, a form's table, refresh, the list of forms."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from giamngheo.lib.report_table import Column, ReportTable
from giamngheo.registry.models import Household
from giamngheo.reports import builders
from giamngheo.reports.models import AreaFigures
from tests.reports.conftest import YEAR, ReportWorld, independent_status

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_review_json_has_the_issues_shape_and_reconciles(
    report_world: ReportWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    w = report_world.world
    call_command(
        "report", "review", "--area", w.province.code, "--year", str(YEAR), stderr=StringIO()
    )
    data = json.loads(capsys.readouterr().out)
    states = independent_status(YEAR, w.province)
    households = Household.objects.filter(province=w.province).count()
    poor = sum(1 for s in states.values() if s["end"] == "poor")
    near = sum(1 for s in states.values() if s["end"] == "near_poor")
    assert data["area"] == w.province.code and data["year"] == YEAR
    assert data["households"] == households
    assert data["people"] == sum(s["people"] for s in states.values())
    assert (data["poor"], data["near_poor"]) == (poor, near)
    assert data["poor_rate"] == round(poor * 100 / households, 2)
    assert data["near_poor_rate"] == round(near * 100 / households, 2)
    by_area = {entry["code"]: entry for entry in data["by_area"]}
    assert set(by_area) == {w.commune_a.code, w.commune_b.code}
    for commune in (w.commune_a, w.commune_b):
        mine = [s for s in states.values() if s["commune"] == commune.pk]
        entry = by_area[commune.code]
        assert entry["households"] == len(mine)
        assert entry["poor"] == sum(1 for s in mine if s["end"] == "poor")
        assert entry["near_poor"] == sum(1 for s in mine if s["end"] == "near_poor")
    assert sum(e["households"] for e in data["by_area"]) == data["households"]


def test_a_form_as_json_to_a_file_and_refresh(report_world: ReportWorld, tmp_path: Path) -> None:
    w = report_world.world
    refreshed = json.loads(_run("refresh", "--area", w.commune_a.code, "--year", str(YEAR)))
    assert refreshed["area"] == w.commune_a.code
    assert AreaFigures.objects.filter(unit=w.commune_a, year=YEAR).exists()
    target = tmp_path / "f2.json"
    _run(
        "review",
        *("--area", w.commune_a.code, "--year", str(YEAR), "--form", "2"),
        *("--output", str(target)),
    )
    table = json.loads(target.read_text(encoding="utf-8"))
    assert table["form"] == "2" and table["verified"] is False
    # Villages A1 and A2, each a "Hộ" and a "Nhân khẩu" row, then the totals' "Hộ" row.
    assert [row["split"] for row in table["rows"]] == ["Hộ", "Nhân khẩu", "Hộ", "Nhân khẩu", "Hộ"]
    household_total = table["rows"][-1]
    assert household_total["area"] == "Tổng cộng"
    assert household_total["c5"] == 1  # A2-001: near-poor → poor
    assert table["total"]["split"] == "Nhân khẩu"


def test_unknown_area_and_form_fail_cleanly(report_world: ReportWorld) -> None:
    with pytest.raises(CommandError, match="Không có địa bàn"):
        _run("review", "--area", "nope", "--year", str(YEAR))
    with pytest.raises(CommandError, match="Không có biểu"):
        _run("review", "--area", report_world.world.province.code, "--year", "2025", "--form", "Z")


def test_forms_lists_data_forms_and_extra_forms() -> None:
    def build(**_kwargs: object) -> ReportTable:
        column = Column("a", "A", "1")
        return ReportTable("", (), "T", "", "", (column,), ())

    builders.register(builders.ExtraForm("test-extra", "Biểu thử", ("commune",), True, build))
    try:
        listed = _run("forms")
    finally:
        builders.EXTRA_FORMS.pop("test-extra")
    codes = [line.split("\t")[0] for line in listed.splitlines() if "\t" in line]
    assert codes[:3] == ["1", "2", "3"]
    assert "R2" in codes and "test-extra" in codes
