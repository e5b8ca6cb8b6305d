"""Nobody sees or changes what lies outside their areas (issue 2, accounts and access)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.accounts import access
from giamngheo.registry import selectors, services
from tests.conftest import World, log_in

pytestmark = pytest.mark.django_db

VISIBLE = {
    "tinh": {"A1-001", "A2-001", "B1-001"},
    "xa_a": {"A1-001", "A2-001"},
    "xa_b": {"B1-001"},
    "ctv": {"A1-001"},
    "inspector": {"A1-001", "A2-001"},
    "outsider": set(),
    "admin": {"A1-001", "A2-001", "B1-001", "X1-001"},
}


def client_for(user: object) -> Client:
    client = Client()
    log_in(client, user.username)  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_it_lists_only_households_in_the_personas_areas(world: World, persona: str) -> None:
    user = getattr(world, persona)
    codes = set(selectors.households_visible_to(user).values_list("code", flat=True))
    assert codes == VISIBLE[persona]


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_it_answers_404_for_household_pages_outside_the_area(world: World, persona: str) -> None:
    client = client_for(getattr(world, persona))
    for household in (
        world.household_a1,
        world.household_a2,
        world.household_b1,
        world.household_x1,
    ):
        response = client.get(reverse("registry:household_detail", args=[household.pk]))
        expected = 200 if household.code in VISIBLE[persona] else 404
        assert response.status_code == expected, (persona, household.code)


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_the_household_list_page_shows_only_visible_codes(world: World, persona: str) -> None:
    html = client_for(getattr(world, persona)).get(reverse("registry:household_list")).text
    for code in ("A1-001", "A2-001", "B1-001", "X1-001"):
        assert (code in html) == (code in VISIBLE[persona]), (persona, code)


def test_commune_officer_cannot_open_another_communes_area_page(world: World) -> None:
    client = client_for(world.xa_a)
    assert client.get(reverse("areas:unit", args=[world.commune_a.code])).status_code == 200
    assert client.get(reverse("areas:unit", args=[world.commune_b.code])).status_code == 404
    assert client.get(reverse("areas:unit", args=[world.village_b1.code])).status_code == 404
    filtered = client.get(reverse("registry:household_list"), {"area": world.commune_b.code})
    assert filtered.status_code == 404


def test_collaborator_cannot_open_the_other_village_of_the_same_commune(world: World) -> None:
    client = client_for(world.ctv)
    assert client.get(reverse("areas:unit", args=[world.village_a1.code])).status_code == 200
    assert client.get(reverse("areas:unit", args=[world.village_a2.code])).status_code == 404


def test_audit_history_of_an_object_outside_the_area_answers_404(world: World) -> None:
    url = reverse("audit:object", args=["registry.household", world.household_b1.pk])
    assert client_for(world.xa_b).get(url).status_code == 200
    assert client_for(world.xa_a).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404


def test_only_administrators_open_the_global_audit_log(world: World) -> None:
    assert client_for(world.admin).get(reverse("audit:global")).status_code == 200
    assert client_for(world.tinh).get(reverse("audit:global")).status_code == 403


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("tinh", True),
        ("xa_a", True),
        ("xa_b", False),
        ("ctv", True),
        ("inspector", False),
        ("outsider", False),
        ("admin", True),
    ],
)
def test_change_rights_follow_the_grants(world: World, persona: str, allowed: bool) -> None:
    user = getattr(world, persona)
    assert access.can_change_area(user, world.village_a1) is allowed
    household = world.household_a1
    if allowed:
        updated = services.household_update(
            actor=user, household=household, expected_version=household.version, address="Mới"
        )
        assert updated.address == "Mới"
    else:
        with pytest.raises(services.RegistryError):
            services.household_update(
                actor=user,
                household=household,
                expected_version=household.version,
                address="Mới",
            )
        household.refresh_from_db()
        assert household.address == ""


def test_a_collaborator_may_not_create_villages(world: World) -> None:
    client = client_for(world.ctv)
    url = reverse("areas:village_new", args=[world.commune_a.code])
    assert client.post(url, {"name": "Thôn Mới", "unit_type": "thon"}).status_code == 403
    assert not world.commune_a.children.filter(name="Thôn Mới").exists()


def test_a_commune_officer_creates_a_village_in_their_commune_only(world: World) -> None:
    client = client_for(world.xa_a)
    ok = client.post(
        reverse("areas:village_new", args=[world.commune_a.code]),
        {"name": "Thôn Mới", "unit_type": "thon"},
    )
    assert ok.status_code == 302
    assert world.commune_a.children.filter(name="Thôn Mới").exists()
    refused = client.post(
        reverse("areas:village_new", args=[world.commune_b.code]),
        {"name": "Thôn Lạ", "unit_type": "thon"},
    )
    assert refused.status_code == 404
    assert not world.commune_b.children.filter(name="Thôn Lạ").exists()


def test_a_user_without_grants_sees_an_explanation_on_the_dashboard(world: World) -> None:
    html = client_for(world.outsider).get(reverse("web:dashboard")).text
    assert "chưa được phân quyền" in html


def test_personal_numbers_are_masked_for_collaborators(world: World) -> None:
    services.household_update(
        actor=None,
        household=world.household_a1,
        expected_version=world.household_a1.version,
        phone="0912345678",
    )
    url = reverse("registry:household_detail", args=[world.household_a1.pk])
    assert "0912345678" in client_for(world.xa_a).get(url).text
    collaborator_view = client_for(world.ctv).get(url).text
    assert "0912345678" not in collaborator_view
    assert "091****678" in collaborator_view


DECIDABLE_COMMUNES = {
    "tinh": {"commune_a", "commune_b"},
    "xa_a": {"commune_a"},
    "xa_b": {"commune_b"},
    "ctv": set(),
    "inspector": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(DECIDABLE_COMMUNES))
def test_decidable_communes_are_those_of_officer_grants(world: World, persona: str) -> None:
    user = getattr(world, persona)
    communes = set(access.decidable_communes(user, province=world.province))
    expected = {getattr(world, name) for name in DECIDABLE_COMMUNES[persona]}
    if persona == "tinh":
        # The provincial officer decides in every commune of the province.
        assert expected <= communes
        assert {c.province_id for c in communes} == {world.province.pk}
    else:
        assert communes == expected


def test_a_collaborators_village_grant_reaches_no_whole_commune(world: World) -> None:
    assert not access.changeable_communes(world.ctv).exists()
    assert set(access.changeable_communes(world.xa_a)) == {world.commune_a}
