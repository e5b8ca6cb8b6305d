"""Life event pages: the forms from the household page, the history sections, the main earner
in the member form, access and masking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.lib import clock
from giamngheo.registry import life_events, services
from giamngheo.registry.models import LifeEvent, Membership, Person
from tests.conftest import World, log_in

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 1)
KINDS = ["death", "departure", "birth", "marriage", "return", "head_change"]


@pytest.fixture(autouse=True)
def today() -> Iterator[dt.date]:
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


def client_for(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def child_of(world: World) -> Person:
    return Membership.objects.get(household=world.household_a1, is_head=False).person


def test_every_kind_has_a_form_for_an_officer_and_none_for_others(world: World) -> None:
    officer, inspector, other = client_for("xa_a"), client_for("inspector"), client_for("xa_b")
    for kind in KINDS:
        url = reverse("registry:life_event_new", args=[world.household_a1.pk, kind])
        page = officer.get(url)
        assert page.status_code == 200 and "Biến động nhân khẩu" in page.text
        assert inspector.get(url).status_code == 403
        assert other.get(url).status_code == 404
    bad = reverse("registry:life_event_new", args=[world.household_a1.pk, "wedding"])
    assert officer.get(bad).status_code == 404


def test_an_officer_records_a_birth_and_sees_it_in_the_history(world: World) -> None:
    officer = client_for("xa_a")
    url = reverse("registry:life_event_new", args=[world.household_a1.pk, "birth"])
    response = officer.post(
        url,
        {
            "full_name": "Nguyễn Thị  Mới",
            "sex": "female",
            "ethnicity": "01",
            "relation": "grandchild",
            "on": "20/11/2026",
            "note": "Sinh thường",
        },
    )
    assert response.status_code == 302
    event = LifeEvent.objects.get(kind="birth")
    assert event.person.full_name == "Nguyễn Thị Mới"
    assert event.person.birth_date == D(2026, 11, 20)
    page = officer.get(reverse("registry:household_detail", args=[world.household_a1.pk])).text
    assert "Biến động nhân khẩu" in page and 'data-life-event="birth"' in page
    assert "Sinh thường" in page
    person_page = officer.get(
        reverse("registry:person_detail", args=[world.household_a1.pk, event.person_id])
    ).text
    assert "20/11/2026" in person_page and "Sinh" in person_page


def test_a_future_date_is_refused_in_the_form(world: World) -> None:
    url = reverse("registry:life_event_new", args=[world.household_a1.pk, "death"])
    response = client_for("xa_a").post(url, {"person": str(child_of(world).pk), "on": "02/12/2026"})
    assert response.status_code == 200 and "tương lai" in response.text
    assert not LifeEvent.objects.exists()


def test_the_form_offers_only_this_households_members(world: World) -> None:
    stranger = Membership.objects.get(household=world.household_a2, is_head=False).person
    url = reverse("registry:life_event_new", args=[world.household_a1.pk, "death"])
    response = client_for("xa_a").post(url, {"person": str(stranger.pk), "on": "02/11/2026"})
    assert response.status_code == 200
    assert not LifeEvent.objects.exists()
    stranger.refresh_from_db()
    assert stranger.is_active


def test_the_main_earner_is_set_in_the_member_form(world: World) -> None:
    child = child_of(world)
    url = reverse("registry:member_edit", args=[world.household_a1.pk, child.pk])
    officer = client_for("xa_a")
    assert "Lao động chính của hộ" in officer.get(url).text
    response = officer.post(
        url,
        {
            "identity-version": child.version,
            "identity-full_name": child.full_name,
            "identity-sex": child.sex,
            "identity-birth_year": child.birth_year,
            "identity-ethnicity": "01",
            "identity-is_main_earner": "on",
            "answers-employment": "not_working",
            "answers-education": "none",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(person=child, left_on__isnull=True).is_main_earner
    page = officer.get(reverse("registry:household_detail", args=[world.household_a1.pk])).text
    assert "lao động chính" in page


def test_the_person_page_masks_numbers_for_a_collaborator_and_is_scoped(world: World) -> None:
    child = child_of(world)
    services.person_update(actor=None, person=child, citizen_id="044215000123")
    life_events.life_event_record(
        actor=world.xa_a,
        household=world.household_a1,
        kind="departure",
        on=D(2026, 11, 1),
        person=child,
        note="Đi học xa",
    )
    url = reverse("registry:person_detail", args=[world.household_a1.pk, child.pk])
    officer_page = client_for("xa_a").get(url).text
    assert "044215000123" in officer_page and "Đi học xa" in officer_page
    collaborator = client_for("ctv").get(url)
    assert collaborator.status_code == 200
    assert "044215000123" not in collaborator.text and "Đi học xa" in collaborator.text
    assert client_for("xa_b").get(url).status_code == 404
    # A person of another household is not shown under this one.
    other = Membership.objects.get(household=world.household_a2, is_head=False).person
    foreign = reverse("registry:person_detail", args=[world.household_a1.pk, other.pk])
    assert client_for("xa_a").get(foreign).status_code == 404


def test_a_marriage_moves_a_person_from_a_picked_household_by_name(world: World) -> None:
    moving = Membership.objects.get(household=world.household_a2, is_head=False).person
    url = reverse("registry:life_event_new", args=[world.household_a1.pk, "marriage"])
    officer = client_for("xa_a")
    form = {
        "full_name": moving.full_name.upper(),
        "sex": moving.sex,
        "birth_year": str(moving.birth_year),
        "ethnicity": "01",
        "relation": "spouse",
        "on": "01/11/2026",
    }
    # Another commune's household cannot be picked; a household without that person is named.
    foreign = officer.post(url, {**form, "from_household": str(world.household_b1.pk)})
    assert foreign.status_code == 200 and "không có trên địa bàn" in foreign.text
    missing = officer.post(url, {**form, "from_household": str(world.household_a1.pk)})
    assert missing.status_code == 200 and "Không tìm thấy" in missing.text
    assert not LifeEvent.objects.exists()
    response = officer.post(url, {**form, "from_household": str(world.household_a2.pk)})
    assert response.status_code == 302
    event = LifeEvent.objects.get()
    assert (event.person, event.other_household) == (moving, world.household_a2)
    assert Membership.objects.get(person=moving, left_on__isnull=True).household == (
        world.household_a1
    )
    page = officer.get(reverse("registry:household_detail", args=[world.household_a1.pk])).text
    assert "từ hộ A2-001" in page.replace("(", "").replace(")", "")
