"""Survey pages: scoping (404 outside the user's areas), who may enter surveys, the live
preview at the poverty-line boundary, saving, and the number of queries of the list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.registry.models import Household
from giamngheo.surveys import services
from giamngheo.surveys.models import Survey
from tests.conftest import World, log_in
from tests.surveys.conftest import DAY, RURAL_LINE, YEAR, b2_answers

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.surveys.urls")]


def login(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def post_data(answers: dict[str, Any], **meta: Any) -> dict[str, Any]:
    """The entry page's POST data for these answers (checkboxes: present when ticked)."""
    data: dict[str, Any] = {
        "review_year": YEAR,
        "surveyed_on": DAY.isoformat(),
        "surveyor_name": "Lê Thị Rà Soát",
        **meta,
    }

    def put(name: str, value: Any) -> None:
        if value is True:
            data[name] = "on"
        elif value not in (False, None):
            data[name] = str(value)

    for name, value in answers["household"].items():
        put(f"h__{name}", value)
    data["member"] = [str(m["person_id"]) for m in answers["members"]]
    for member in answers["members"]:
        for name, value in member.items():
            if name != "person_id":
                put(f"m__{member['person_id']}__{name}", value)
    return data


def make_survey(world: World, household: Household) -> Survey:
    return services.survey_record(
        actor=None,
        household=household,
        form="b2-2022",
        review_year=YEAR,
        surveyed_on=DAY,
        surveyor_name="Rà soát viên",
        answers=b2_answers(household, deprived=3),
    )


def test_other_communes_get_404_on_every_survey_page(world: World) -> None:
    household = world.household_a1
    survey = make_survey(world, household)
    client = login("xa_b")
    urls = [
        reverse("surveys:household_surveys", args=[household.pk]),
        reverse("surveys:survey_new", args=[household.pk, "b2-2022"]),
        reverse("surveys:survey_detail", args=[survey.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    preview = reverse("surveys:survey_preview", args=[household.pk, "b2-2022"])
    assert client.post(preview, post_data(b2_answers(household))).status_code == 404
    own = login("xa_a")
    for url in urls:
        assert own.get(url).status_code == 200, url


def test_the_collaborator_enters_surveys_in_village_a1_only(world: World) -> None:
    client = login("ctv")
    a1, a2 = world.household_a1, world.household_a2
    page = client.get(reverse("surveys:survey_new", args=[a1.pk, "b2-2022"]))
    assert page.status_code == 200
    assert 'hx-trigger="change, keyup delay:300ms"' in page.content.decode()
    assert client.get(reverse("surveys:survey_new", args=[a2.pk, "b2-2022"])).status_code == 404
    response = client.post(
        reverse("surveys:survey_new", args=[a1.pk, "b2-2022"]),
        post_data(b2_answers(a1, deprived=3)),
    )
    survey = Survey.objects.get(household=a1)
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:survey_detail", args=[survey.pk])
    assert (survey.status, survey.created_by, survey.surveyor) == ("poor", world.ctv, world.ctv)


def test_the_inspector_sees_surveys_but_cannot_enter_them(world: World) -> None:
    household = world.household_a1
    make_survey(world, household)
    client = login("inspector")
    listing = client.get(reverse("surveys:household_surveys", args=[household.pk]))
    assert listing.status_code == 200
    assert reverse("surveys:survey_new", args=[household.pk, "b2-2022"]) not in (
        listing.content.decode()
    )
    assert (
        client.get(reverse("surveys:survey_new", args=[household.pk, "b2-2022"])).status_code == 403
    )
    preview = reverse("surveys:survey_preview", args=[household.pk, "b2-2022"])
    assert client.post(preview, post_data(b2_answers(household))).status_code == 403


@pytest.mark.parametrize(
    ("income", "status", "label"),
    [
        (RURAL_LINE, "poor", "Hộ nghèo"),
        (RURAL_LINE + 1, "average_living_standard", "Hộ có mức sống trung bình"),
    ],
)
def test_the_preview_shows_the_status_at_the_poverty_line(
    world: World, income: int, status: str, label: str
) -> None:
    household = world.household_a1
    client = login("xa_a")
    url = reverse("surveys:survey_preview", args=[household.pk, "b2-2022"])
    response = client.post(url, post_data(b2_answers(household, income=income, deprived=3)))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-status="{status}"' in html
    assert label in html
    assert '<td id="score-b">30</td>' in html
    assert "Nguồn nước sinh hoạt" in html  # the deprived indicators, with their thresholds
    assert not Survey.objects.exists()  # the preview writes nothing


def test_the_preview_explains_which_member_is_deprived(world: World) -> None:
    household = world.household_a1
    answers = b2_answers(household, deprived=2)
    answers["members"][1]["has_health_insurance"] = False
    html = (
        login("xa_a")
        .post(
            reverse("surveys:survey_preview", args=[household.pk, "b2-2022"]),
            post_data(answers),
        )
        .content.decode()
    )
    assert 'data-status="poor"' in html
    assert "Nguyễn Văn An Con: thành viên #2" in html  # the member's name and the fact


def test_the_preview_lists_what_is_missing(world: World) -> None:
    household = world.household_a1
    answers = b2_answers(household, income=None, deprived=0)
    answers["household"]["water_source"] = None
    client = login("xa_a")
    url = reverse("surveys:survey_preview", args=[household.pk, "b2-2022"])
    html = client.post(url, post_data(answers)).content.decode()
    assert "Chưa đủ thông tin để xem trước kết quả" in html
    assert "«Nguồn nước sinh hoạt chính»: chưa trả lời (bắt buộc)." in html
    assert "Cần nhập ít nhất một trong các mục" in html


def test_a_refused_save_shows_the_problems_and_keeps_the_answers(world: World) -> None:
    household = world.household_a1
    answers = b2_answers(household, deprived=1)
    data = post_data(answers)
    data["h__income"] = "một triệu"
    response = login("xa_a").post(
        reverse("surveys:survey_new", args=[household.pk, "b2-2022"]), data
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "phải là số tiền nguyên (đồng)" in html
    assert 'value="surface_water" selected' in html
    assert not Survey.objects.exists()


def test_the_detail_page_shows_the_stored_result_and_its_explanation(world: World) -> None:
    survey = make_survey(world, world.household_a1)
    html = login("xa_a").get(reverse("surveys:survey_detail", args=[survey.pk])).content.decode()
    assert 'data-status="poor"' in html
    assert "Thu nhập bình quân 1.500.000 đ không vượt chuẩn nghèo nông thôn" in html
    assert "cho đúng kết quả này" in html  # reproduced


def test_the_household_survey_list_runs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    household = world.household_a1
    for year in (2022, 2023, 2024, 2025):
        for deprived in (1, 3):
            services.survey_record(
                actor=None,
                household=household,
                form="b2-2022",
                review_year=year,
                surveyed_on=DAY.replace(year=year),
                surveyor=world.xa_a,
                answers=b2_answers(household, deprived=deprived, on=DAY.replace(year=year)),
            )
    client = login("xa_a")
    url = reverse("surveys:household_surveys", args=[household.pk])
    client.get(url)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('class="badge poor"') >= 4  # status by year: poor in each year
    assert "2022-2025" in html
