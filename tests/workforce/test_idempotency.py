"""Issue 10 (medium): a double-submitted support request form records one request."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.workforce import reference
from giamngheo.workforce.models import Evaluation, HouseholdChange, SupportRequest
from tests.conftest import World
from tests.workforce.conftest import Staff

pytestmark = pytest.mark.django_db


def test_posting_the_request_form_twice_records_one_request(world: World, staff: Staff) -> None:
    client = Client()
    client.force_login(world.ctv)
    url = reverse("workforce:request_new") + f"?household={world.household_a1.pk}"
    page = client.get(url).text
    found = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)
    assert found, "no one-time key in the form"
    data = {
        "submission_key": found.group(1),
        "need_type": "health",
        "description": "Cần thẻ bảo hiểm y tế",
        "received_on": "02/03/2025",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    request = SupportRequest.objects.get(household=world.household_a1)
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == reverse("workforce:request_detail", args=[request.pk])
    )
    assert request.steps.count() == 1  # one "create" step, not two
    # A new blank form is a new request.
    page = client.get(url).text
    found = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)
    assert found
    assert client.post(url, {**data, "submission_key": found.group(1)}).status_code == 302
    assert SupportRequest.objects.filter(household=world.household_a1).count() == 2


def one_time_key(page: str) -> str:
    found = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)
    assert found, "no one-time key in the form"
    return found.group(1)


def test_household_changes_and_evaluations_are_recorded_once(world: World, staff: Staff) -> None:
    collaborator, officer = Client(), Client()
    collaborator.force_login(world.ctv)
    officer.force_login(world.xa_a)
    url = reverse("workforce:change_new") + f"?household={world.household_a1.pk}"
    change = {
        "submission_key": one_time_key(collaborator.get(url).text),
        "kind": "birth",
        "occurred_on": "02/03/2025",
        "description": "Sinh con thứ hai",
    }
    for _attempt in range(2):
        assert collaborator.post(url, change).status_code == 302
    assert HouseholdChange.objects.filter(household=world.household_a1).count() == 1

    url = reverse("workforce:evaluation_new", args=[staff.ctv_a1.pk])
    evaluation = {
        "submission_key": one_time_key(officer.get(url).text),
        "period_start": "01/01/2025",
        "period_end": "30/06/2025",
        "evaluator_body": next(iter(reference.evaluator_bodies())),
        **{f"score_{code}": "1" for code in reference.evaluation_criteria()},
    }
    for _attempt in range(2):
        assert officer.post(url, evaluation).status_code == 302
    assert Evaluation.objects.filter(worker=staff.ctv_a1).count() == 1
