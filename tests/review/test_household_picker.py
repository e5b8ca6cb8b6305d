"""Issue 11: the review's forms that need a household (the in-year application, adding a
household to a round's list) find it by search (the registry's picker), not a typed code; the
id posted is checked against the user's areas (and the round's commune) again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.review.models import Application, Entry
from tests.conftest import log_in
from tests.review.conftest import ReviewWorld, started_round

pytestmark = pytest.mark.django_db

SEARCH = "registry:household_pick"


def login(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def test_the_round_page_adds_a_household_found_by_search(review_world: ReviewWorld) -> None:
    w = review_world.world
    round_ = started_round(review_world)
    page = login("xa_a").get(reverse("review:round_detail", args=[round_.pk])).text
    assert f'hx-get="{reverse(SEARCH)}"' in page and 'name="household_q"' in page
    assert 'name="household_code"' not in page
    url = reverse("review:entry_flag", args=[round_.pk])
    flagged = review_world.flagged
    assert not Entry.objects.filter(round=round_, household=flagged).exists()
    # The provincial officer sees commune B's households, but the round is commune A's.
    client = login("tinh")
    html = client.post(url, {"household": str(w.household_b1.pk)}, follow=True).text
    assert "Tìm và chọn một hộ của xã này" in html
    assert not Entry.objects.filter(round=round_, household=w.household_b1).exists()
    html = login("xa_a").post(url, {"household": "", "note": "x"}, follow=True).text
    assert "Tìm và chọn một hộ của xã này" in html
    html = login("xa_a").post(url, {"household": str(flagged.pk), "note": "Ốm"}, follow=True).text
    assert "Đã đưa hộ vào danh sách rà soát" in html
    assert Entry.objects.filter(round=round_, household=flagged).exists()


def test_the_application_form_finds_the_household_by_search(review_world: ReviewWorld) -> None:
    w = review_world.world
    client = login("xa_a")
    url = reverse("review:application_new")
    page = client.get(url).text
    assert f'hx-get="{reverse(SEARCH)}"' in page and 'name="household_q"' in page
    assert 'name="household_code"' not in page
    data = {
        "form": "mau01",
        "reason": "illness",
        "reason_note": "Ốm nặng",
        "applicant_name": "Đặng Thị Hoa",
        "received_on": "2025-03-03",
    }
    assert "Tìm và chọn một hộ" in client.post(url, data).text
    # A household of commune B (its id typed into the request): refused, nothing filed.
    response = client.post(url, {**data, "household": str(w.household_b1.pk)})
    assert "không có trên địa bàn bạn được ghi" in response.text
    assert not Application.objects.exists()
    response = client.post(url, {**data, "household": str(review_world.flagged.pk)})
    assert response.status_code == 302
    assert Application.objects.get().household == review_world.flagged
