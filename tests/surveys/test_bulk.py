"""Demo surveys in bulk: two per household, equal to a scalar re-run, consistent with the
status the demo loader gave each household, and summarised by one audit event."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count

from giamngheo.audit.models import AuditEvent
from giamngheo.demo import loader
from giamngheo.registry.models import Household
from giamngheo.surveys import bulk, services
from giamngheo.surveys.models import Survey

pytestmark = pytest.mark.django_db

SMALL = 150


def demo_households() -> list[int]:
    report = loader.load_demo(households=SMALL, seed=3, parts=frozenset())
    households = Household.objects.filter(province__code=report.province_code)
    bulk.purge_surveys(households)  # the loader may already generate them
    return list(households.values_list("id", flat=True))


def test_every_household_gets_a_survey_for_each_of_the_two_years(official_units: None) -> None:
    ids = demo_households()
    report = bulk.surveys_for_demo(Household.objects.filter(pk__in=ids))
    assert (report.surveys, report.households, report.skipped) == (2 * SMALL, SMALL, 0)
    per_household = (
        Survey.objects.filter(household__in=ids)
        .values("household")
        .annotate(n=Count("id"), years=Count("review_year", distinct=True))
    )
    assert {(row["n"], row["years"]) for row in per_household} == {(2, 2)}
    assert sum(report.status_counts[2025].values()) == SMALL
    # The demo load already generated (then the test purged) one batch: check the latest event.
    event = AuditEvent.objects.filter(action="surveys.demo_generated").latest("id")
    assert event.after["surveys"] == 2 * SMALL


def test_stored_results_equal_a_scalar_rerun_and_the_household_status(
    official_units: None,
) -> None:
    ids = demo_households()
    bulk.surveys_for_demo(Household.objects.filter(pk__in=ids), years=(2024, 2025))
    surveys = list(
        Survey.objects.filter(household__in=ids).select_related(
            "household", "form", "standard_snapshot"
        )
    )
    for survey in random.Random(7).sample(surveys, 40):
        again = services.reproduce(survey)
        assert again.differences == [], survey.pk
    latest = [s for s in surveys if s.review_year == 2025]
    # The latest survey uses the registry's values: it agrees with the loader's statuses.
    assert all(s.status == s.household.status for s in latest)
    earlier = {s.household_id: s for s in surveys if s.review_year == 2024}
    assert all(earlier[s.household_id].income <= s.income for s in latest)
    assert all(s.surveyed_on.isoformat() == f"{s.review_year}-10-01" for s in surveys)


def test_its_answers_pass_the_forms_validation(official_units: None) -> None:
    ids = demo_households()
    bulk.surveys_for_demo(Household.objects.filter(pk__in=ids[:20]), years=(2025,))
    for survey in Survey.objects.filter(household__in=ids[:20]).select_related("household"):
        evaluation = services.evaluate_answers(
            household=survey.household,
            spec=services.spec_of(survey.form),
            review_year=survey.review_year,
            surveyed_on=survey.surveyed_on,
            answers=survey.answers,
        )
        assert evaluation.answers.to_json() == survey.answers
        assert evaluation.inputs == survey.inputs
        assert evaluation.result.status == survey.status
