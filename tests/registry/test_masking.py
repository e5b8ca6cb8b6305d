"""Masking personal ID and phone numbers (issue 10, "masking everywhere"): decided per area by
``access`` (officer grants only), applied to pages, edit forms (a masked value submitted back
keeps the stored number), the change history and the roster."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.accounts import access
from giamngheo.accounts import services as account_services
from giamngheo.accounts.models import Role, User
from giamngheo.registry import services
from giamngheo.registry.models import Household, Person
from tests.conftest import World

pytestmark = pytest.mark.django_db

ID_A1 = "044080000001"
PHONE_A1 = "0912345678"
ID_B1 = "044080000002"
PHONE_B1 = "0987654321"


def fresh(user: User) -> User:
    """The user again from the database (the grants are cached on the instance)."""
    return User.objects.get(pk=user.pk)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def numbered(world: World) -> tuple[Household, Person]:
    """Household A1 with a phone and its head with a personal ID; the same for B1."""
    for household, phone, citizen_id in (
        (world.household_a1, PHONE_A1, ID_A1),
        (world.household_b1, PHONE_B1, ID_B1),
    ):
        household.refresh_from_db()
        services.household_update(
            actor=None, household=household, expected_version=household.version, phone=phone
        )
        head = household.memberships.get(is_head=True).person
        services.person_update(actor=None, person=head, citizen_id=citizen_id)
    world.household_a1.refresh_from_db()
    return world.household_a1, world.household_a1.memberships.get(is_head=True).person


def form_data(form: Any, prefix: str = "") -> dict[str, Any]:
    """What a browser sends back for an untouched form: the values it shows."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        if isinstance(value, list | tuple):
            data[bound.html_name] = list(value)
        else:
            data[bound.html_name] = str(value)
    return data


# -- the decision ---------------------------------------------------------------------------


def test_only_officer_grants_reach_full_numbers_and_only_in_their_area(world: World) -> None:
    a1, b1 = world.village_a1, world.village_b1
    assert access.can_see_personal_data(world.admin, b1)
    assert access.can_see_personal_data(world.admin, None)
    assert access.can_see_personal_data(world.tinh, a1) and access.can_see_personal_data(
        world.tinh, b1
    )
    assert not access.can_see_personal_data(world.tinh, world.village_x1)
    assert access.can_see_personal_data(world.xa_a, a1)
    assert not access.can_see_personal_data(world.xa_a, b1)
    assert not access.can_see_personal_data(world.xa_a, None)
    for user in (world.ctv, world.inspector, world.outsider):
        assert not access.can_see_personal_data(user, a1)
        assert not access.can_see_personal_data(user, world.commune_a)


def test_a_commune_officer_who_collaborates_elsewhere_sees_full_numbers_at_home_only(
    world: World,
) -> None:
    """Before issue 10 any officer role anywhere unmasked every area the user could see."""
    account_services.role_grant(
        actor=None, user=world.xa_a, role=Role.COLLABORATOR, area=world.village_b1
    )
    numbered(world)
    officer = fresh(world.xa_a)
    assert access.can_see_personal_data(officer, world.village_a1)
    assert not access.can_see_personal_data(officer, world.village_b1)
    reach = access.personal_data_reach(officer)
    b1 = world.household_b1
    assert not access.sees_personal_data_at(
        reach, province_id=b1.province_id, commune_id=b1.commune_id, village_id=b1.village_id
    )
    client = client_for(officer)
    page_b1 = client.get(reverse("registry:household_detail", args=[b1.pk])).text
    assert PHONE_B1 not in page_b1 and ID_B1 not in page_b1 and "098****321" in page_b1
    page_a1 = client.get(reverse("registry:household_detail", args=[world.household_a1.pk])).text
    assert PHONE_A1 in page_a1 and ID_A1 in page_a1


# -- edit forms -----------------------------------------------------------------------------


def test_a_collaborator_sees_the_phone_masked_in_the_household_form_and_it_stays(
    world: World,
) -> None:
    household, _head = numbered(world)
    client = client_for(world.ctv)
    url = reverse("registry:household_edit", args=[household.pk])
    page = client.get(url)
    assert PHONE_A1 not in page.text and "091****678" in page.text
    data = form_data(page.context["form"])
    data["address"] = "Xóm Mới"
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.address, household.phone) == ("Xóm Mới", PHONE_A1)


def test_a_collaborator_may_retype_a_full_new_phone_but_not_half_a_mask(world: World) -> None:
    household, _head = numbered(world)
    client = client_for(world.ctv)
    url = reverse("registry:household_edit", args=[household.pk])
    data = form_data(client.get(url).context["form"])
    data["phone"] = "091****000"
    page = client.post(url, data)
    assert page.status_code == 200 and "che một phần" in page.text
    assert PHONE_A1 not in page.text
    household.refresh_from_db()
    assert household.phone == PHONE_A1
    data = form_data(client.get(url).context["form"])
    data["phone"] = "0900000001"
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.phone == "0900000001"


def test_the_officer_sees_and_keeps_the_full_phone(world: World) -> None:
    household, _head = numbered(world)
    client = client_for(world.xa_a)
    url = reverse("registry:household_edit", args=[household.pk])
    page = client.get(url)
    assert PHONE_A1 in page.text
    assert client.post(url, form_data(page.context["form"])).status_code == 302
    household.refresh_from_db()
    assert household.phone == PHONE_A1


def member_post(client: Client, url: str) -> dict[str, Any]:
    page = client.get(url)
    data = form_data(page.context["form"])
    data.update(form_data(page.context["extra_form"]))
    return data


def test_a_collaborator_sees_the_id_masked_in_the_member_form_and_it_stays(world: World) -> None:
    household, head = numbered(world)
    client = client_for(world.ctv)
    url = reverse("registry:member_edit", args=[household.pk, head.pk])
    page = client.get(url)
    assert ID_A1 not in page.text and "********0001" in page.text
    data = member_post(client, url)
    data["identity-full_name"] = "Nguyễn Văn An Mới"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    head.refresh_from_db()
    assert (head.full_name, head.citizen_id) == ("Nguyễn Văn An Mới", ID_A1)
    # A mask with a digit changed is refused, and the stored ID stays.
    data = member_post(client, url)  # the form again: the person's version moved on
    data["identity-citizen_id"] = "********0002"
    page = client.post(url, data)
    assert page.status_code == 200 and "che một phần" in page.text and ID_A1 not in page.text
    head.refresh_from_db()
    assert head.citizen_id == ID_A1
    # A full new number replaces it.
    data["identity-citizen_id"] = "044080009999"
    assert client.post(url, data).status_code == 302
    head.refresh_from_db()
    assert head.citizen_id == "044080009999"


def test_the_officer_sees_the_full_id_in_the_member_form(world: World) -> None:
    household, head = numbered(world)
    client = client_for(world.xa_a)
    url = reverse("registry:member_edit", args=[household.pk, head.pk])
    assert ID_A1 in client.get(url).text
    assert client.post(url, member_post(client, url)).status_code == 302
    head.refresh_from_db()
    assert head.citizen_id == ID_A1


# -- the change history ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ctv", "inspector"])
def test_the_change_history_masks_numbers_for_collaborators_and_inspectors(
    world: World, persona: str
) -> None:
    household, head = numbered(world)
    services.household_update(
        actor=None, household=household, expected_version=household.version, phone="0911111222"
    )
    client = client_for(getattr(world, persona))
    pages = [
        client.get(reverse("audit:object", args=["registry.household", household.pk])).text,
        client.get(reverse("audit:object", args=["registry.person", head.pk])).text,
    ]
    for page in pages:
        for number in (PHONE_A1, "0911111222", ID_A1):
            assert number not in page
    # The change still shows as a change, masked.
    assert "091****678 → 091****222" in pages[0]
    assert "********0001" in pages[1]


def test_the_change_history_shows_numbers_to_the_officer_of_the_area(world: World) -> None:
    household, head = numbered(world)
    client = client_for(world.xa_a)
    page = client.get(reverse("audit:object", args=["registry.household", household.pk])).text
    assert PHONE_A1 in page
    page = client.get(reverse("audit:object", args=["registry.person", head.pk])).text
    assert ID_A1 in page
