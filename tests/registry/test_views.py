"""Household and member pages: forms with Vietnamese validation, scoped, through services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.registry.models import Household, Membership
from tests.conftest import World, log_in

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def new_household(world: World, **overrides: str) -> dict[str, str]:
    return {
        "village": str(world.village_a1.pk),
        "code": "a1-050",
        "address": "Xóm Đông",
        "phone": "0912345678",
        "full_name": "Hồ Văn Kiên",
        "sex": "male",
        "birth_date": "05/09/1975",
        "ethnicity": "23",
        "citizen_id": "044075001111",
        **overrides,
    }


def test_an_officer_creates_a_household_with_its_head(world: World) -> None:
    response = client_for("xa_a").post(reverse("registry:household_new"), new_household(world))
    household = Household.objects.get(code="A1-050")
    assert response.status_code == 302
    assert household.head_name == "Hồ Văn Kiên"
    head = Membership.objects.get(household=household, is_head=True).person
    assert (head.birth_year, head.ethnicity) == (1975, "23")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("citizen_id", "12345", "đúng 12 chữ số"),
        ("birth_date", "1975-13-40", "ngày/tháng/năm"),
        ("phone", "12", "bắt đầu bằng 0"),
        ("full_name", "", "This field is required"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    world: World, field: str, value: str, message: str
) -> None:
    html = (
        client_for("xa_a")
        .post(reverse("registry:household_new"), new_household(world, **{field: value}))
        .text
    )
    if message == "This field is required":
        message = "Trường này là bắt buộc"
    assert message in html
    assert not Household.objects.filter(code="A1-050").exists()


def test_a_duplicate_code_is_explained(world: World) -> None:
    html = (
        client_for("xa_a")
        .post(reverse("registry:household_new"), new_household(world, code="A1-001"))
        .text
    )
    assert "Mã hộ này đã có trong tỉnh" in html


def test_an_officer_cannot_create_a_household_in_another_commune(world: World) -> None:
    html = (
        client_for("xa_a")
        .post(
            reverse("registry:household_new"),
            new_household(world, village=str(world.village_b1.pk)),
        )
        .text
    )
    assert "Select a valid choice" in html or "Hãy chọn một lựa chọn hợp lệ" in html
    assert not Household.objects.filter(code="A1-050").exists()


def test_the_second_of_two_concurrent_edits_is_refused(world: World) -> None:
    household = world.household_a1
    url = reverse("registry:household_edit", args=[household.pk])
    first, second = client_for("xa_a"), client_for("tinh")
    form_a = first.get(url).context["form"]
    form_b = second.get(url).context["form"]

    def post(client: Client, form: object, address: str) -> str:
        data = {k: v for k, v in form.initial.items() if v is not None}  # type: ignore[attr-defined]
        data.update(
            address=address,
            version=str(household.version),
            area_kind="rural",
            floor_area_m2="",
            income="",
        )
        for flag in ("wall_durable", "column_durable", "roof_durable"):
            data[flag] = "on"
        return client.post(url, data, follow=True).text

    post(first, form_a, "Địa chỉ của người thứ nhất")
    html = post(second, form_b, "Địa chỉ của người thứ hai")
    assert "vừa được người khác cập nhật" in html
    household.refresh_from_db()
    assert household.address == "Địa chỉ của người thứ nhất"


def test_members_are_added_edited_and_moved_through_pages(world: World) -> None:
    client = client_for("xa_a")
    household = world.household_a1
    client.post(
        reverse("registry:member_add", args=[household.pk]),
        {
            "full_name": "Nguyễn Thị Bé",
            "sex": "female",
            "birth_year": "2024",
            "ethnicity": "01",
            "relation": "grandchild",
        },
    )
    baby = Membership.objects.get(household=household, person__full_name="Nguyễn Thị Bé").person
    client.post(
        reverse("registry:member_edit", args=[household.pk, baby.pk]),
        {
            "identity-version": str(baby.version),
            "identity-full_name": "Nguyễn Thị Bé Na",
            "identity-sex": "female",
            "identity-birth_date": "02/03/2024",
            "identity-ethnicity": "01",
            "answers-employment": "not_working",
            "answers-education": "none",
            "answers-stunted": "on",
        },
    )
    baby.refresh_from_db()
    assert (baby.full_name, baby.birth_year) == ("Nguyễn Thị Bé Na", 2024)
    assert (baby.stunted, baby.has_health_insurance) == (True, False)
    response = client.post(
        reverse("registry:member_move", args=[household.pk, baby.pk]),
        {
            "to_household": str(world.household_a2.pk),
            "relation": "grandchild",
            "on": "01/06/2026",
            "reason": "Về ở với ông bà ngoại",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(person=baby, left_on__isnull=True).household == (
        world.household_a2
    )


def test_collaborators_of_another_village_and_inspectors_cannot_edit(world: World) -> None:
    url = reverse("registry:household_edit", args=[world.household_a2.pk])
    assert client_for("ctv").get(url).status_code == 404  # A2 is outside the collaborator's village
    assert client_for("inspector").get(url).status_code == 403
    assert client_for("xa_b").get(url).status_code == 404


def test_the_household_page_shows_status_by_year_with_the_standard(world: World) -> None:
    import datetime as dt

    from giamngheo.surveys import services as survey_services

    household = world.household_a1
    from giamngheo.surveys.definitions import load_form

    answers = survey_services.prefill_answers(
        household=household, form=load_form("b2-2022"), on=dt.date(2025, 10, 1)
    )
    # The registry does not know these yet; the surveyor asks them.
    answers["household"].update(
        floor_area_m2=40, water_source="piped", latrine_type="septic", income=1_200_000
    )
    survey = survey_services.survey_record(
        actor=world.xa_a,
        household=household,
        form="b2-2022",
        review_year=2025,
        surveyed_on=dt.date(2025, 10, 1),
        answers=answers,
        surveyor=world.xa_a,
    )
    html = client_for("xa_a").get(reverse("registry:household_detail", args=[household.pk])).text
    assert "Tình trạng qua các năm" in html
    assert "2022-2025" in html
    assert reverse("surveys:survey_detail", args=[survey.pk]) in html
