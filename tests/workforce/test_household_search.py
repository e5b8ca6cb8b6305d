"""Issue 11: every workforce form that needs a household finds it by search (name without
accents, household code or personal ID), not by a typed code; the chosen id is checked against
the user's areas again when the form is saved."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from giamngheo.workforce.models import Activity, HouseholdChange, SupportRequest
from tests.conftest import PASSWORD, World
from tests.workforce.conftest import Staff

pytestmark = pytest.mark.django_db

SEARCH = "workforce:household_search"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def found(username: str, query: str) -> str:
    response = client_for(username).get(
        reverse(SEARCH), {"field": "household", "household_q": query}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return response.text


def test_the_search_ignores_accents_and_stays_in_the_users_areas(
    world: World, staff: Staff
) -> None:
    html = found("ctv", "nguyen van an")
    assert "A1-001" in html and f'value="{world.household_a1.pk}"' in html
    assert 'type="radio" name="household"' in html
    assert "A1-001" in found("ctv", "a1-001")  # the code works too
    # The collaborator of village A1 does not find households of village A2 or commune B.
    assert "A2-001" not in found("ctv", "tran thi binh")
    assert "Không tìm thấy hộ" in found("ctv", "tran thi binh")
    assert "B1-001" not in found("xa_a", "le van cuong")
    assert "B1-001" in found("xa_b", "le van cuong")
    # The inspector sees households but records nothing: nothing to pick.
    assert "A1-001" not in found("inspector", "nguyen van an")
    assert "A1-001" not in found("ctv", "n")  # too short: no list yet


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
