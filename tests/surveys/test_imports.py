"""Importing survey results from the survey-results template: dry run, every error by row and
column, nothing imported on error unless only the valid rows are asked for, the engine's scalar
result, idempotent re-import, scope."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from giamngheo.audit.models import AuditEvent
from giamngheo.registry import spreadsheets
from giamngheo.standards import classify_flags, load_pack
from giamngheo.surveys import engine, services
from giamngheo.surveys.imports import import_survey_results
from giamngheo.surveys.models import Survey
from tests.conftest import World

pytestmark = pytest.mark.django_db

STANDARD = "2022-2025"
LINE = 1_500_000  # rural poverty line 2022-2025 (Nghị định 07/2021 Art. 3.1)
INDICATORS = load_pack(STANDARD).indicator_codes


def row(code: str, *, income: Any = LINE, deprived: int = 0, year: Any = 2025) -> list[Any]:
    return [code, year, STANDARD, "Nông thôn", income] + [
        1 if i < deprived else 0 for i in range(len(INDICATORS))
    ]


def headers() -> list[str]:
    return [c.header for c in spreadsheets.survey_columns(STANDARD)]


def write(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers())
        writer.writerows(rows)
    return path


def errors(report: Any) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in report.errors}


def test_the_filled_xlsx_template_dry_runs_then_imports_with_the_engines_result(
    world: World, tmp_path: Path
) -> None:
    download = spreadsheets.survey_template("xlsx", STANDARD)
    path = tmp_path / download.filename
    path.write_bytes(download.content)
    workbook = load_workbook(path)
    sheet = workbook[spreadsheets.SURVEY_SHEET]
    sheet.delete_rows(2, sheet.max_row)
    for values in (
        row("A1-001", income=LINE, deprived=3),  # at the line with 3 deprivations: poor
        row("A2-001", income=LINE, deprived=2),  # at the line, fewer than 3: near poor
        row("B1-001", income=LINE + 1, deprived=3),  # above the line: neither
    ):
        sheet.append(values)
    workbook.save(path)

    dry = import_survey_results(actor=world.tinh, path=path, dry_run=True)
    assert dry.errors == [] and dry.created == 3 and not dry.written
    assert (
        Survey.objects.count() == 0
        and not AuditEvent.objects.filter(action__startswith="surveys.").exists()
    )

    report = import_survey_results(actor=world.tinh, path=path, dry_run=False)
    assert report.written and report.created == 3
    pack = load_pack(STANDARD)
    surveys = {s.household.code: s for s in Survey.objects.select_related("household", "form")}
    assert {code: s.status for code, s in surveys.items()} == {
        "A1-001": "poor",
        "A2-001": "near_poor",
        "B1-001": "average_living_standard",
    }
    for survey in surveys.values():
        scalar = classify_flags(
            pack,
            area_type="rural",
            flags=survey.inputs["flags"],
            income=survey.inputs["household"]["income"],
        )
        assert survey.status == scalar.status
        assert survey.form.code == "kq-2022" and survey.form.kind == "flags"
        assert survey.method == "flags" and survey.review_year == 2025
        assert services.reproduce(survey).differences == []
    assert surveys["A1-001"].deprivation_count == 3 and surveys["A1-001"].score_b == 30
    assert AuditEvent.objects.filter(action="surveys.survey_recorded").count() == 3
    assert AuditEvent.objects.filter(action="surveys.results_imported").count() == 1


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_imported(
    world: World, tmp_path: Path
) -> None:
    bad_flag = row("A1-001")
    bad_flag[5] = "2"
    path = write(
        tmp_path / "kq.csv",
        [
            row("A1-001"),
            row("KHONG-CO"),
            row("A2-001", income="-5"),
            row("A2-001", year=2019),  # 2019 is governed by 2016-2020
            row("A2-001", year=1999),
            bad_flag,
            row("B1-001", income="1.500.000"),
            row("B1-001", deprived=1),  # B1-001 for 2025 twice
        ],
    )
    report = import_survey_results(actor=world.tinh, path=path, dry_run=False)
    found = errors(report)
    flag_header = headers()[5]
    assert set(found) == {
        (3, "Mã hộ"),
        (4, headers()[4]),
        (5, "Chuẩn áp dụng"),
        (6, "Năm rà soát"),
        (7, flag_header),
        (9, "Mã hộ"),
    }
    assert "KHONG-CO" in found[(3, "Mã hộ")]
    assert "2016-2020" in found[(5, "Chuẩn áp dụng")]
    assert report.blocked and not report.written and report.invalid == 6
    assert Survey.objects.count() == 0
    with pytest.raises(CommandError) as raised:
        call_command("import", "surveys", str(path))
    assert raised.value.returncode == 2

    only = import_survey_results(actor=world.tinh, path=path, dry_run=False, only_valid=True)
    assert only.written and only.created == 2
    assert set(Survey.objects.values_list("household__code", flat=True)) == {"A1-001", "B1-001"}
    assert Survey.objects.get(household__code="B1-001").income == LINE


def test_reimporting_the_same_rows_adds_nothing_and_a_changed_row_adds_a_survey(
    world: World, tmp_path: Path
) -> None:
    path = write(tmp_path / "kq.csv", [row("A1-001", deprived=3), row("A2-001")])
    assert import_survey_results(actor=world.xa_a, path=path, dry_run=False).created == 2
    again = import_survey_results(actor=world.xa_a, path=path, dry_run=False)
    assert again.created == 0 and again.unchanged == 2 and again.errors == []
    assert Survey.objects.count() == 2
    changed = write(tmp_path / "kq2.csv", [row("A1-001", deprived=1), row("A2-001")])
    report = import_survey_results(actor=world.xa_a, path=changed, dry_run=False)
    assert report.created == 1 and report.unchanged == 1
    latest = Survey.objects.filter(household__code="A1-001").order_by("-pk")
    assert [s.deprivation_count for s in latest] == [1, 3]  # the old result is kept
    call_command("import", "surveys", str(changed))
    assert Survey.objects.count() == 3


def test_a_commune_officer_cannot_import_for_another_communes_household(
    world: World, tmp_path: Path
) -> None:
    path = write(tmp_path / "kq.csv", [row("A1-001"), row("B1-001")])
    report = import_survey_results(actor=world.xa_a, path=path, dry_run=False)
    found = errors(report)
    assert list(found) == [(3, "Mã hộ")]
    assert "Lê Văn Cường" not in found[(3, "Mã hộ")]
    assert Survey.objects.count() == 0
    import_survey_results(actor=world.xa_a, path=path, dry_run=False, only_valid=True)
    assert list(Survey.objects.values_list("household__code", flat=True)) == ["A1-001"]


def test_the_results_form_records_by_hand_like_the_import(world: World) -> None:
    answers = {"household": {"income": LINE, **{c: i < 3 for i, c in enumerate(INDICATORS)}}}
    spec_answers = {"household": {**answers["household"]}, "members": []}
    survey = services.survey_record(
        actor=world.xa_a,
        household=world.household_a1,
        form="kq-2022",
        review_year=2025,
        surveyed_on=dt.date(2025, 10, 1),
        answers=spec_answers,
        surveyor_name="Rà soát viên",
    )
    assert survey.status == "poor" and survey.method == engine.METHOD_FLAGS
    assert survey.inputs["kind"] == "flags"
