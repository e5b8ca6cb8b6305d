"""Issue 10 (medium): a double-submitted survey entry form records one survey. The form
carries a one-time key (lib.idempotency); a second POST with it redirects to the first survey."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.audit.models import AuditEvent
from giamngheo.lib import idempotency
from giamngheo.surveys import services
from giamngheo.surveys.models import Survey
from tests.conftest import World
from tests.surveys.conftest import DAY, YEAR, b2_answers
from tests.surveys.test_views import post_data

pytestmark = pytest.mark.django_db


def form_key(page: str) -> str:
    found = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)
    assert found, "no one-time key in the form"
    return found.group(1)


def test_posting_the_survey_form_twice_records_one_survey(world: World) -> None:
    household = world.household_a1
    client = Client()
    client.force_login(world.ctv)
    url = reverse("surveys:survey_new", args=[household.pk, "b2-2022"])
    key = form_key(client.get(url).text)
    assert key != form_key(client.get(url).text)  # a fresh key for every blank form
    data = {**post_data(b2_answers(household, deprived=3)), "submission_key": key}
    first = client.post(url, data)
    events = AuditEvent.objects.filter(action="surveys.survey_recorded").count()
    second = client.post(url, data)
    survey = Survey.objects.get(household=household)
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == reverse("surveys:survey_detail", args=[survey.pk])
    )
    assert AuditEvent.objects.filter(action="surveys.survey_recorded").count() == events == 1
    # A new blank form (a new key) records a new survey.
    again = {**data, "submission_key": form_key(client.get(url).text)}
    assert client.post(url, again).status_code == 302
    assert Survey.objects.filter(household=household).count() == 2


def test_a_form_with_errors_keeps_its_key_and_a_bad_key_is_no_error(world: World) -> None:
    household = world.household_a1
    client = Client()
    client.force_login(world.ctv)
    url = reverse("surveys:survey_new", args=[household.pk, "b2-2022"])
    key = str(idempotency.new_key())
    bad = {**post_data(b2_answers(household)), "surveyor_name": "", "submission_key": key}
    response = client.post(url, bad)
    assert response.status_code in (200, 400)
    assert form_key(response.text) == key
    garbled = {**post_data(b2_answers(household)), "submission_key": "not-a-key"}
    assert client.post(url, garbled).status_code == 302
    assert Survey.objects.filter(household=household).count() == 1


def test_the_service_returns_the_first_survey_for_a_repeated_key(world: World) -> None:
    key = idempotency.new_key()
    params = {
        "actor": world.ctv,
        "household": world.household_a1,
        "form": "b2-2022",
        "review_year": YEAR,
        "surveyed_on": DAY,
        "surveyor_name": "Rà soát viên",
        "answers": b2_answers(world.household_a1, deprived=3),
        "submission_key": key,
    }
    first = services.survey_record(**params)
    second = services.survey_record(**params)
    assert first.pk == second.pk and idempotency.replayed(second)
    # The key of another household's form is not this form's: a new survey, without it.
    other = services.survey_record(
        **{
            **params,
            "household": world.household_a2,
            "actor": world.xa_a,
            "answers": b2_answers(world.household_a2, deprived=3),
        }
    )
    assert other.pk != first.pk and other.submission_key is None
