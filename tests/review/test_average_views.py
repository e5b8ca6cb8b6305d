"""The MSTB pages: a collaborator files and records the income, the commune officer answers or
decides; every page is scoped (another commune answers 404) and the PDFs read back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from giamngheo.lib.pdf import extract_text
from giamngheo.registry.models import Household
from giamngheo.review.average_models import AverageApplication, AverageState
from giamngheo.standards import load_pack
from tests.conftest import World, log_in, make_household

pytestmark = pytest.mark.django_db


def login(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def upper_bound(household: Household) -> int:
    pack = load_pack("2022-2025")
    assert pack.average_upper is not None
    return pack.average_upper.for_area(household.area_kind)


def file_and_assess(client: Client, household: Household, monthly: int) -> AverageApplication:
    response = client.post(
        reverse("review:average_new"),
        {
            "household": household.pk,
            "occupation": "fishery",
            "applicant_name": household.head_name,
            "received_on": "10/11/2026",
            "submission_key": "6f1c2d8e-1111-4a4a-9b9b-000000000001",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = AverageApplication.objects.get(household=household)
    income = client.get(reverse("review:average_income", args=[application.pk]))
    assert income.status_code == 200
    page = income.content.decode()
    assert "không tính" in page and "Trồng trọt" in page
    response = client.post(
        reverse("review:average_income", args=[application.pk]),
        {
            "assessed_on": "20/11/2026",
            "member_count": "4",
            "item_fishery": str(monthly * 4 * 12),
            "social_assistance": "5000000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    return application


def test_a_household_through_the_pages(world: World) -> None:
    household = make_household(world.village_a1, "A1-070", "Hà Văn Ngư")
    ctv = login("ctv")
    upper = upper_bound(household)
    application = file_and_assess(ctv, household, upper)
    assert application.state == AverageState.ASSESSED and application.position == "within"
    # A double submission of the application form records one application.
    again = ctv.post(
        reverse("review:average_new"),
        {
            "household": household.pk,
            "occupation": "fishery",
            "applicant_name": household.head_name,
            "received_on": "10/11/2026",
            "submission_key": "6f1c2d8e-1111-4a4a-9b9b-000000000001",
        },
    )
    assert again.status_code == 302
    assert AverageApplication.objects.filter(household=household).count() == 1
    detail = ctv.get(reverse("review:average_detail", args=[application.pk])).content.decode()
    assert "Thuộc mức sống trung bình" in detail
    assert "Ban hành văn bản trả lời" not in detail  # a collaborator does not sign
    # The collaborator may not open the decision form.
    commune = world.commune_a
    assert ctv.get(reverse("review:average_decision_new", args=[commune.code])).status_code == 403

    officer = login("xa_a")
    form = officer.get(reverse("review:average_decision_new", args=[commune.code]))
    assert form.status_code == 200 and "A1-070" in form.content.decode()
    # Without the confirmation nothing is decided.
    data = {
        "number": "07/QĐ-UBND",
        "signed_on": "2026-11-30",
        "signer_name": "Nguyễn Văn Chủ",
        "signer_title": "Chủ tịch UBND xã",
        "expected": str(application.pk),
    }
    assert (
        officer.post(reverse("review:average_decision_new", args=[commune.code]), data).status_code
        == 400
    )
    response = officer.post(
        reverse("review:average_decision_new", args=[commune.code]), data | {"confirm": "on"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    household.refresh_from_db()
    assert application.state == AverageState.RECOGNISED
    assert household.status == "average_living_standard"
    decision = application.decision
    assert decision is not None
    page = officer.get(reverse("review:average_decision_detail", args=[decision.pk]))
    assert "A1-070" in page.content.decode()
    pdf = officer.get(reverse("review:average_decision_pdf", args=[decision.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "MỨC SỐNG TRUNG BÌNH" in extract_text(pdf.content)
    household_page = officer.get(reverse("registry:household_detail", args=[household.pk]))
    assert 'data-panel="average"' in household_page.content.decode()
    year_list = officer.get(reverse("review:average_year_list", args=[commune.code, 2026]))
    assert "A1-070" in year_list.content.decode()
    assert (
        "A1-070"
        not in officer.get(
            reverse("review:average_year_list", args=[commune.code, 2025])
        ).content.decode()
    )
    # Another commune's officer sees none of it.
    other = login("xa_b")
    assert other.get(reverse("review:average_detail", args=[application.pk])).status_code == 404
    assert (
        other.get(reverse("review:average_decision_detail", args=[decision.pk])).status_code == 404
    )
    assert (
        other.get(reverse("review:average_year_list", args=[commune.code, 2026])).status_code == 404
    )
    assert "A1-070" not in other.get(reverse("review:average_home")).content.decode()


def test_refusal_through_the_page(world: World) -> None:
    household = make_household(world.village_a1, "A1-071", "Hà Văn Khá")
    application = file_and_assess(login("ctv"), household, upper_bound(household) + 1)
    assert application.position == "above"
    officer = login("xa_a")
    url = reverse("review:average_detail", args=[application.pk])
    page = officer.get(url).content.decode()
    assert "Ban hành văn bản trả lời" in page
    assert "cao hơn mức sống trung bình" in page  # the reason the result suggests, prefilled
    officer.post(
        url,
        {
            "number": "20/UBND",
            "signed_on": "2026-11-25",
            "signer_name": "Nguyễn Văn Chủ",
            "reasons": "Thu nhập bình quân cao hơn mức sống trung bình.",
        },
    )
    application.refresh_from_db()
    assert application.state == AverageState.REFUSED
    assert application.decided_on == dt.date(2026, 11, 25)
    letter = officer.get(reverse("review:average_letter_pdf", args=[application.pk]))
    text = extract_text(letter.content)
    assert "20/UBND" in text and "VĂN BẢN TRẢ LỜI" in text


def test_a_refused_field_shows_the_reason(world: World) -> None:
    household = make_household(world.village_a1, "A1-072", "Hà Văn Buôn")
    response = login("ctv").post(
        reverse("review:average_new"),
        {
            "household": household.pk,
            "occupation": "agriculture",
            "applicant_name": household.head_name,
            "received_on": "10/12/2026",  # after today (07/12/2026)
        },
    )
    assert response.status_code == 200
    assert "không thể sau ngày hôm nay" in response.content.decode()
