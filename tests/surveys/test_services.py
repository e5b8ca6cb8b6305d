"""Recording a survey: validation, the stored result, reproducibility, immutability in the
database, access and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from giamngheo.audit.models import AuditEvent
from giamngheo.registry.models import Household
from giamngheo.surveys import bulk, services
from giamngheo.surveys.definitions import SurveyError
from giamngheo.surveys.models import FormDefinition, RulePackSnapshot, Survey
from tests.conftest import World
from tests.surveys.conftest import DAY, RURAL_LINE, YEAR, b2_answers

pytestmark = pytest.mark.django_db


def record(world: World, household: Household, answers: dict[str, Any], **kw: Any) -> Survey:
    params: dict[str, Any] = {
        "actor": world.xa_a,
        "household": household,
        "form": "b2-2022",
        "review_year": YEAR,
        "surveyed_on": DAY,
        "surveyor_name": "Lê Thị Rà Soát",
        "answers": answers,
    }
    params.update(kw)
    return services.survey_record(**params)


def test_it_stores_the_result_with_the_standard_the_form_and_the_inputs(world: World) -> None:
    household = world.household_a1
    survey = record(world, household, b2_answers(household, income=RURAL_LINE, deprived=3))
    survey.refresh_from_db()
    assert survey.status == "poor"
    assert survey.deprivation_count == 3
    assert survey.score_b == 30  # Circular 07/2021 Art. 1.1: 10 points per deprivation
    assert survey.score_a is None and survey.method == "income"
    assert {k for k, v in survey.deprivation_flags.items() if v} == {
        "water",
        "latrine",
        "housing_quality",
    }
    assert (survey.standard_code, survey.standard_version) == ("2022-2025", "1.0.0")
    assert (survey.form.code, survey.form.version) == ("b2-2022", "1")
    assert survey.inputs["household"]["household_id"] == "A1-001"
    assert survey.inputs["household"]["area_type"] == "rural"
    assert [m["age"] for m in survey.inputs["members"]] == [45, 10]
    assert survey.standard_snapshot.files[0]["name"] == "2022-2025.toml"
    event = AuditEvent.objects.get(action="surveys.survey_recorded", object_id=str(survey.pk))
    assert event.after["status"] == "poor" and event.commune_id == world.commune_a.pk


def test_it_does_not_change_the_household_status(world: World) -> None:
    household = world.household_a1
    record(world, household, b2_answers(household, income=RURAL_LINE, deprived=4))
    household.refresh_from_db()
    assert household.status == ""


def test_rerunning_the_engine_on_the_stored_inputs_reproduces_the_result(world: World) -> None:
    household = world.household_a1
    for income, deprived in [(RURAL_LINE, 3), (RURAL_LINE, 2), (RURAL_LINE + 1, 5), (9_000_000, 0)]:
        survey = record(world, household, b2_answers(household, income=income, deprived=deprived))
        again = services.reproduce(Survey.objects.get(pk=survey.pk))
        assert again.differences == []
        assert again.result.status == survey.status
        assert not again.pack_changed


def test_it_reproduces_with_the_stored_pack_after_the_pack_file_changed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    household = world.household_a1
    survey = record(world, household, b2_answers(household, income=1_900_000, deprived=3))
    assert survey.status == "average_living_standard"
    # Simulate a province raising the line in the installed pack: the stored snapshot still
    # decides how the stored result is re-run.
    real = services.pack_files

    def raised(code: str) -> services.PackFiles:
        current = real(code)
        text = current.files[0]["text"].replace("rural = 1_500_000", "rural = 2_000_000")
        assert text != current.files[0]["text"]
        return services.PackFiles(current.pack, "changed", [{"name": "x", "text": text}])

    monkeypatch.setattr(services, "pack_files", raised)
    again = services.reproduce(Survey.objects.get(pk=survey.pk))
    assert again.pack_changed
    assert again.differences == []


def test_the_database_refuses_to_change_or_delete_a_stored_result(world: World) -> None:
    household = world.household_a1
    survey = record(world, household, b2_answers(household, deprived=3))
    for sql in [
        "UPDATE surveys_survey SET status = 'not_poor' WHERE id = %s",
        "UPDATE surveys_survey SET inputs = '{}'::jsonb WHERE id = %s",
        "DELETE FROM surveys_survey WHERE id = %s",
    ]:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [survey.pk])
    survey.status = "not_poor"
    with pytest.raises(IntegrityError), transaction.atomic():
        survey.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        FormDefinition.objects.filter(pk=survey.form_id).update(title_vi="khác")
    with pytest.raises(IntegrityError), transaction.atomic():
        RulePackSnapshot.objects.filter(pk=survey.standard_snapshot_id).update(version="9")
    assert Survey.objects.get(pk=survey.pk).status == "poor"
    # Only the demo rebuild may delete surveys.
    assert bulk.purge_surveys(Household.objects.filter(pk=household.pk)) == 1


def test_collaborators_record_in_their_villages_only_and_inspectors_never(world: World) -> None:
    a1, a2 = world.household_a1, world.household_a2
    assert record(world, a1, b2_answers(a1, deprived=1), actor=world.ctv).pk
    with pytest.raises(SurveyError, match="không có quyền"):
        record(world, a2, b2_answers(a2, deprived=1), actor=world.ctv)
    with pytest.raises(SurveyError, match="không có quyền"):
        record(world, a1, b2_answers(a1, deprived=1), actor=world.inspector)
    with pytest.raises(SurveyError, match="không có quyền"):
        record(world, a1, b2_answers(a1, deprived=1), actor=world.xa_b)


def test_it_refuses_a_year_outside_the_forms_standard_and_a_date_outside_the_year(
    world: World,
) -> None:
    household = world.household_a1
    with pytest.raises(SurveyError) as error:
        record(
            world,
            household,
            b2_answers(household, on=dt.date(2020, 10, 1)),
            review_year=2020,
            surveyed_on=dt.date(2020, 10, 1),
        )
    assert "Năm rà soát 2020 không áp dụng chuẩn 2022-2025" in str(error.value)
    with pytest.raises(SurveyError, match="Ngày khảo sát phải thuộc năm rà soát 2024"):
        record(world, household, b2_answers(household), review_year=2024)
    with pytest.raises(SurveyError, match="rà soát viên"):
        record(world, household, b2_answers(household), surveyor_name=" ")


def test_score_a_classifies_by_scores_a_and_b(world: World) -> None:
    household = world.household_a1
    answers = b2_answers(household, income=None, deprived=3)
    answers["household"]["score_a"] = 140  # Circular 07/2021: rural cut-off 140 points
    survey = record(world, household, answers)
    assert (survey.method, survey.score_a, survey.score_b, survey.status) == (
        "score",
        140,
        30,
        "poor",
    )
    answers["household"]["score_a"] = 141
    assert record(world, household, answers).status == "not_poor"


def test_form_b1_decides_only_what_income_alone_decides(world: World) -> None:
    household = world.household_a1

    def b1(income: int) -> Survey:
        return record(world, household, {"household": {"income": income}}, form="b1-2022")

    above = b1(RURAL_LINE + 1)
    assert (above.status, above.deprivation_count, above.score_b) == (
        "average_living_standard",
        None,
        None,
    )
    assert b1(RURAL_LINE).status == ""  # poor or near-poor: depends on form B2
    assert services.reproduce(b1(RURAL_LINE)).differences == []


def test_form_a_screens_on_its_exclusion_questions(world: World) -> None:
    household = world.household_a1
    answers = {
        "household": {
            "owns_car": True,
            "durable_large_house": False,
            "high_electricity_use": False,
            "other_wealth_marker": False,
        }
    }
    survey = record(world, household, answers, form="a-2022")
    assert (survey.screening, survey.status) == ("excluded", "")
    answers["household"]["owns_car"] = False
    assert record(world, household, answers, form="a-2022").screening == "needs_full_survey"


def test_a_changed_form_needs_a_new_version(world: World) -> None:
    FormDefinition.objects.create(
        code="b2-2022",
        version="1",
        kind="deprivation",
        standard="2022-2025",
        title_vi="cũ",
        title_en="old",
        definition={},
        sha256="0" * 64,
    )
    with pytest.raises(ValueError, match="give the changed file a new version"):
        services.form_definition("b2-2022")


def test_prefilled_answers_come_from_the_registry(world: World) -> None:
    household = world.household_a1
    Household.objects.filter(pk=household.pk).update(income=1_234_000, water_source="piped")
    household.refresh_from_db()
    from giamngheo.surveys import definitions

    answers = services.prefill_answers(
        household=household, form=definitions.load_form("b2-2022"), on=dt.date(2024, 10, 1)
    )
    assert answers["household"]["income"] == 1_234_000
    assert answers["household"]["water_source"] == "piped"
    assert [(m["age"], m["sex"]) for m in answers["members"]] == [(44, "male"), (9, "female")]


def test_the_installed_packs_files_are_read_and_hashed_once_per_process() -> None:
    # The survey preview asks for the pack on every keystroke: the same object comes back.
    first = services.pack_files("2022-2025")
    again = services.pack_files("2022-2025")
    assert again is first
    assert first.pack.code == "2022-2025"
    assert [f["name"] for f in first.files] == ["2022-2025.toml"]
