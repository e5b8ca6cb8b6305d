"""Surveys update the registry: what a recorded survey measured (income, living conditions,
members' answers) becomes the household's current values, unless a survey dated later measured
it; the next survey is prefilled with them. Also for imported results and the demo surveys."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.audit.models import AuditEvent
from giamngheo.registry import services as registry_services
from giamngheo.registry import spreadsheets
from giamngheo.registry.models import Household, Person
from giamngheo.standards import load_pack
from giamngheo.surveys import bulk, services
from giamngheo.surveys.imports import import_survey_results
from giamngheo.surveys.models import Survey
from tests.conftest import World, log_in
from tests.surveys.conftest import DAY, YEAR, b2_answers

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.surveys.urls")]

EARLIER = DAY - dt.timedelta(days=30)


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


def events(household: Household) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action="registry.values_from_survey", object_id=str(household.pk)
        ).order_by("id")
    )


def test_a_recorded_survey_becomes_the_households_current_values(world: World) -> None:
    household = world.household_a1
    version = household.version
    answers = b2_answers(household, income=1_234_000)
    answers["household"].update(water_source="surface_water", floor_area_m2=36.5)
    child = answers["members"][1]
    child["has_health_insurance"] = False
    survey = record(world, household, answers)

    household.refresh_from_db()
    assert household.income == 1_234_000
    assert household.water_source == "surface_water"
    assert str(household.floor_area_m2) == "36.5"
    assert household.status == ""  # a survey never sets the official status
    assert household.version == version + 1  # an edit form opened before is refused
    person = Person.objects.get(pk=child["person_id"])
    assert person.has_health_insurance is False
    assert person.education == "primary"

    [event] = events(household)
    assert event.before["income"] is None and event.after["income"] == 1_234_000
    assert event.after["water_source"] == "surface_water"
    # The child's answers that differ from the registry's values (the head's too: employment).
    prefix = f"members.{person.pk}."
    child = {k.removeprefix(prefix) for k in event.after if k.startswith(prefix)}
    assert child == {"has_health_insurance", "education", "studying", "attends_age_appropriate"}
    assert event.before[f"members.{person.pk}.education"] == "none"
    assert event.after[f"members.{person.pk}.has_health_insurance"] is False
    assert "wall_durable" not in event.after  # only the changed fields
    assert str(survey.pk) in event.note and event.commune_id == world.commune_a.pk


def test_recording_the_same_values_again_writes_no_change(world: World) -> None:
    household = world.household_a1
    record(world, household, b2_answers(household))
    household.refresh_from_db()
    version = household.version
    record(world, household, b2_answers(household))
    household.refresh_from_db()
    assert household.version == version
    assert len(events(household)) == 1


def test_an_older_survey_entered_late_does_not_overwrite_newer_facts(world: World) -> None:
    household = world.household_a1
    record(world, household, b2_answers(household, income=2_000_000))
    late = b2_answers(household, income=900_000, on=EARLIER)
    late["household"]["water_source"] = "surface_water"
    late["members"][0]["has_health_insurance"] = False
    survey = record(world, household, late, surveyed_on=EARLIER)

    household.refresh_from_db()
    assert survey.income == 900_000  # the survey itself is stored as entered
    assert (household.income, household.water_source) == (2_000_000, "piped")
    assert Person.objects.get(pk=late["members"][0]["person_id"]).has_health_insurance is True
    assert len(events(household)) == 1


def test_a_newer_survey_dated_after_the_last_one_does_update(world: World) -> None:
    household = world.household_a1
    record(world, household, b2_answers(household, income=900_000, on=EARLIER), surveyed_on=EARLIER)
    record(world, household, b2_answers(household, income=2_000_000))
    household.refresh_from_db()
    assert household.income == 2_000_000
    assert len(events(household)) == 2


def test_a_late_survey_updates_what_no_later_survey_measured(world: World) -> None:
    """A Phiếu B1 (income only) dated later keeps its income; an older Phiếu B2 entered after it
    still brings the living conditions that nothing newer measured."""
    household = world.household_a1
    record(world, household, {"household": {"income": 2_000_000, "score_a": None}}, form="b1-2022")
    late = b2_answers(household, income=900_000, on=EARLIER)
    late["household"]["latrine_type"] = "none"
    record(world, household, late, surveyed_on=EARLIER)
    household.refresh_from_db()
    assert household.income == 2_000_000
    assert household.latrine_type == "none"


def test_a_member_who_has_left_the_household_is_not_changed(world: World) -> None:
    household = world.household_a1
    answers = b2_answers(household, income=1_000_000)
    child = Person.objects.get(pk=answers["members"][1]["person_id"])
    registry_services.member_leave(
        actor=None, person=child, on=DAY + dt.timedelta(days=1), reason="Chuyển đi nơi khác"
    )
    answers["members"][1]["has_health_insurance"] = False
    record(world, household, answers)  # dated before the departure: she is still asked
    child.refresh_from_db()
    assert child.has_health_insurance is True
    household.refresh_from_db()
    assert household.income == 1_000_000


def test_a_screening_form_changes_no_registry_value(world: World) -> None:
    household = world.household_a1
    answers = {
        "household": {
            "owns_car": False,
            "durable_large_house": False,
            "high_electricity_use": False,
            "other_wealth_marker": False,
        }
    }
    record(world, household, answers, form="a-2022")
    assert events(household) == []


def test_an_answer_the_registry_cannot_store_is_kept_in_the_survey_only(world: World) -> None:
    household = world.household_a1
    answers = b2_answers(household, income=1_000_000)
    answers["household"]["floor_area_m2"] = 10_000_000.0  # beyond the registry's column
    survey = record(world, household, answers)
    household.refresh_from_db()
    assert survey.answers["household"]["floor_area_m2"] == 10_000_000.0
    assert household.floor_area_m2 is None and household.income == 1_000_000
    [event] = events(household)
    assert event.after["not_stored"] == ["floor_area_m2"]


def test_the_next_surveys_entry_page_is_prefilled_with_the_recorded_values(
    world: World,
) -> None:
    household = world.household_a1
    answers = b2_answers(household, income=1_234_000)
    answers["household"]["water_source"] = "rainwater"
    record(world, household, answers)

    client = Client()
    log_in(client, "xa_a")
    page = client.get(reverse("surveys:survey_new", args=[household.pk, "b2-2022"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="h__income" id="h__income" value="1.234.000"' in html
    assert '<option value="rainwater" selected>' in html
    b1 = client.get(reverse("surveys:survey_new", args=[household.pk, "b1-2022"]))
    assert 'name="h__income" id="h__income" value="1.234.000"' in b1.content.decode()


# -- imported results ----------------------------------------------------------------------------

STANDARD = "2022-2025"


def import_file(tmp_path: Path, rows: list[tuple[str, int, int]]) -> Path:
    indicators = load_pack(STANDARD).indicator_codes
    path = tmp_path / "results.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in spreadsheets.survey_columns(STANDARD)])
        for code, year, income in rows:
            writer.writerow([code, year, STANDARD, "Nông thôn", income, *[0] * len(indicators)])
    return path


def test_imported_results_update_the_income_unless_a_later_survey_measured_it(
    world: World, tmp_path: Path
) -> None:
    a1, a2 = world.household_a1, world.household_a2
    # A2 already has a Phiếu B2 dated after the import's survey date (31/12/2024).
    record(world, a2, b2_answers(a2, income=3_000_000))
    path = import_file(tmp_path, [("A1-001", 2024, 1_100_000), ("A2-001", 2024, 1_200_000)])
    report = import_survey_results(actor=world.tinh, path=path, dry_run=False)
    assert report.errors == [] and report.created == 2
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert a1.income == 1_100_000
    assert a2.income == 3_000_000
    assert len(events(a1)) == 1 and len(events(a2)) == 1  # A2's only from its own survey
    # Two years of one household in one file: the latest survey date wins.
    path = import_file(tmp_path, [("A1-001", 2025, 1_300_000), ("A1-001", 2024, 1_250_000)])
    import_survey_results(actor=world.tinh, path=path, dry_run=False)
    a1.refresh_from_db()
    assert a1.income == 1_300_000


# -- demo surveys in bulk --------------------------------------------------------------------------


def test_the_demo_surveys_latest_answers_are_the_registrys_current_values(
    official_units: None,
) -> None:
    """Bulk demo surveys need no registry update: the latest year is built from the registry's
    values and earlier years are older, so recording them one by one would change nothing."""
    from giamngheo.demo import loader

    report = loader.load_demo(households=60, seed=5, parts=frozenset())
    households = Household.objects.filter(province__code=report.province_code)
    bulk.purge_surveys(households)
    bulk.surveys_for_demo(households, years=(2024, 2025))
    latest = Survey.objects.filter(household__in=households, review_year=2025).select_related(
        "household", "form"
    )
    assert latest.count() == households.count()
    for survey in latest:
        later = services.measured_later({survey.household_id: survey.surveyed_on})
        assert later == {}
        values = services.measured_values(services.spec_of(survey.form), survey.answers)
        home = survey.household
        for name, value in values.household.items():
            stored = getattr(home, name)
            assert (float(stored) if name == "floor_area_m2" else stored) == value, name
        people = Person.objects.in_bulk(list(values.members))
        for person_id, answers in values.members.items():
            for name, value in answers.items():
                assert getattr(people[person_id], name) == value, (person_id, name)
