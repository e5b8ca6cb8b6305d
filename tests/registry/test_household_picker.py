"""Issue 11: every form that needs a household finds it by search, not a typed code. The picker
lives in the registry (``registry.picker``): a search box asking ``registry:household_pick``
(htmx) for the households of the user's areas they may record something about (name without
accents, household code or personal ID), each a radio button; the chosen id is checked against
the user's areas again when the form is saved."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.registry.models import Membership
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db

SEARCH = "registry:household_pick"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def found(username: str, query: str, field: str = "household") -> str:
    response = client_for(username).get(
        reverse(SEARCH), {"field": field, f"{field}_q": query}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return response.text


def test_the_search_ignores_accents_and_stays_in_the_users_areas(world: World) -> None:
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


def test_the_field_name_names_the_radios_and_a_bad_one_is_refused(world: World) -> None:
    assert 'name="to_household"' in found("xa_a", "nguyen van an", field="to_household")
    response = client_for("xa_a").get(reverse(SEARCH), {"field": "x-y", "q": "nguyen"})
    assert response.status_code == 404


def test_the_move_form_finds_the_new_household_by_search(world: World) -> None:
    client = client_for("xa_a")
    household = world.household_a1
    person = Membership.objects.filter(household=household, left_on__isnull=True).first()
    assert person is not None
    url = reverse("registry:member_move", args=[household.pk, person.person_id])
    page = client.get(url).text
    assert f'hx-get="{reverse(SEARCH)}"' in page and 'name="to_household_q"' in page
    assert "to_household_code" not in page
    data = {"relation": "other", "on": "01/06/2026", "reason": "Chuyển hộ"}
    response = client.post(url, data)
    assert "Tìm và chọn một hộ" in response.text
    # A household of commune B (its id typed into the request): refused, nothing moved.
    response = client.post(url, {**data, "to_household": str(world.household_b1.pk)})
    assert "không có trên địa bàn bạn được ghi" in response.text
    assert Membership.objects.get(pk=person.pk).left_on is None
