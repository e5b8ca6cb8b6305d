"""Issue 11: every workforce form that needs a household finds it by search (the registry's
picker), not by a typed code; the chosen id is checked against the user's areas again when the
form is saved."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from giamngheo.workforce.models import Activity, HouseholdChange, SupportRequest
from tests.conftest import PASSWORD, World
from tests.workforce.conftest import Staff

pytestmark = pytest.mark.django_db

# The registry's picker; its search is tested in tests/registry/test_household_picker.py.
SEARCH = "registry:household_pick"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_request_form_finds_the_household_by_search(world: World, staff: Staff) -> None:
    client = client_for("ctv")
    url = reverse("workforce:request_new")
    page = client.get(url).text
    assert f'hx-get="{reverse(SEARCH)}"' in page and 'name="household_q"' in page
    assert 'name="code"' not in client.get(reverse("workforce:request_list")).text
    data = {
        "need_type": "health",
        "description": "Cần thẻ bảo hiểm y tế",
        "received_on": timezone.localdate().strftime("%d/%m/%Y"),
    }
    # Nothing chosen: a clear message, nothing recorded.
    response = client.post(url, data)
    assert response.status_code == 200 and "Tìm và chọn một hộ" in response.text
    # A household outside the collaborator's villages (id typed into the request): refused.
    response = client.post(url, {**data, "household": str(world.household_b1.pk)})
    assert "không có trên địa bàn bạn được ghi" in response.text
    response = client.post(url, {**data, "household": "abc"})
    assert "không hợp lệ" in response.text
    assert not SupportRequest.objects.exists()
    response = client.post(url, {**data, "household": str(world.household_a1.pk)})
    assert response.status_code == 302
    assert SupportRequest.objects.get().household == world.household_a1


def test_the_change_form_finds_the_household_by_search(world: World, staff: Staff) -> None:
    client = client_for("ctv")
    response = client.post(
        reverse("workforce:change_new"),
        {
            "household": str(world.household_a1.pk),
            "kind": "birth",
            "occurred_on": timezone.localdate().strftime("%d/%m/%Y"),
            "description": "Sinh con thứ hai",
        },
    )
    change = HouseholdChange.objects.get()
    assert change.household == world.household_a1
    assert response["Location"] == reverse("workforce:change_detail", args=[change.pk])


def test_the_activity_form_picks_an_optional_household(world: World, staff: Staff) -> None:
    client = client_for("ctv")
    url = reverse("workforce:activity_new", args=[staff.ctv_a1.pk])
    page = client.get(url).text
    assert 'name="household_q"' in page and 'name="household_code"' not in page
    data = {
        "on": timezone.localdate().strftime("%d/%m/%Y"),
        "duty": "1",
        "description": "Thăm hộ",
    }
    response = client.post(url, {**data, "household": str(world.household_x1.pk)})
    assert "không có trên địa bàn bạn được ghi" in response.text
    assert client.post(url, {**data, "household": str(world.household_a1.pk)}).status_code == 302
    assert client.post(url, data).status_code == 302
    assert [a.household_id for a in Activity.objects.order_by("pk")] == [
        world.household_a1.pk,
        None,
    ]
