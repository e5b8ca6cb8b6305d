"""Issue 10 (medium): a double-submitted village meeting form records one meeting.
(Complaints and in-year applications are already refused the second time by the workflow:
an entry under complaint cannot be complained about again, a household under review cannot
apply again.)"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.review.models import Meeting
from tests.review.conftest import ReviewWorld, started_round

pytestmark = pytest.mark.django_db


def test_posting_the_meeting_form_twice_records_one_meeting(review_world: ReviewWorld) -> None:
    w = review_world.world
    round_ = started_round(review_world)
    client = Client()
    client.force_login(w.xa_a)
    url = reverse("review:meeting_new", args=[round_.pk])
    found = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', client.get(url).text)
    assert found, "no one-time key in the form"
    data = {
        "submission_key": found.group(1),
        "village": w.village_a1.code,
        "held_on": "15/10/2025",
        "chair_name": "Trưởng thôn Hà Văn Mạnh",
        "attendees": "20",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    meeting = Meeting.objects.get(round=round_)
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == reverse("review:meeting_detail", args=[meeting.pk])
    )
