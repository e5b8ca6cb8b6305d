"""The credit pages: scoped reads (404 outside the reach, 403 where one may see but not act),
writes through the services, the household panel and the portfolio download."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from giamngheo.credit import services
from giamngheo.credit.models import FundTurn, Loan, Repayment, RevolvingFund, UseCheck
from giamngheo.lib.idempotency import new_key
from giamngheo.programmes.models import Programme
from giamngheo.registry import panels
from tests.conftest import World, log_in
from tests.credit.conftest import TODAY, make_loan

pytestmark = pytest.mark.django_db
D = Decimal


def _client(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def test_a_loan_is_created_from_the_household_page_once(
    world: World, poor_policy: Programme
) -> None:
    client = _client("xa_a")
    household = world.household_a1
    page = client.get(reverse("registry:household_detail", args=[household.pk]))
    assert "Vốn vay và quỹ quay vòng" in page.content.decode()
    url = reverse("credit:loan_new") + f"?household={household.pk}"
    assert client.get(url).status_code == 200
    data = {
        "programme": poor_policy.pk,
        "lender": "vbsp",
        "amount": "40000000",
        "annual_rate": "6.6",
        "term_months": "60",
        "instalment_months": "12",
        "purpose": "Trồng cà phê",
        "disbursed_on": "02/01/2026",
        "submission_key": str(new_key()),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    loan = Loan.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("credit:loan_detail", args=[loan.pk])
    assert loan.amount == D(40_000_000) and loan.annual_rate == D("6.6")
    detail = client.get(reverse("credit:loan_detail", args=[loan.pk])).content.decode()
    assert "Trồng cà phê" in detail and "Lịch trả nợ" in detail
    # The rate as written (not "6,6000"), and in English a year and months, not "%/in".
    assert "6,6 %/năm · 60 tháng" in detail
    client.cookies["giamngheo_language"] = "en"
    english = client.get(reverse("credit:loan_detail", args=[loan.pk])).content.decode()
    assert "6,6% a year · 60 months" in english
    client.cookies["giamngheo_language"] = "vi"
    panel = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert reverse("credit:loan_detail", args=[loan.pk]) in panel


def test_a_refused_loan_shows_the_reason_on_the_form(world: World, poor_policy: Programme) -> None:
    client = _client("xa_a")
    url = reverse("credit:loan_new") + f"?household={world.household_a1.pk}"
    response = client.post(
        url,
        {
            "programme": poor_policy.pk,
            "lender": "vbsp",
            "amount": "150000000",
            "annual_rate": "6.6",
            "term_months": "60",
            "instalment_months": "12",
            "purpose": "Mua máy",
            "disbursed_on": "02/01/2026",
            "submission_key": str(new_key()),
        },
    )
    assert response.status_code == 200
    assert "vượt mức tối đa" in response.content.decode()
    assert not Loan.objects.exists()


def test_pages_outside_the_reach_are_not_found_and_acts_without_the_role_are_forbidden(
    world: World, poor_policy: Programme
) -> None:
    loan = make_loan(world.household_a1, poor_policy)
    other = _client("xa_b")
    assert other.get(reverse("credit:loan_detail", args=[loan.pk])).status_code == 404
    assert other.get(reverse("credit:repayment_new", args=[loan.pk])).status_code == 404
    assert (
        other.get(reverse("credit:loan_new") + f"?household={world.household_a1.pk}").status_code
        == 404
    )
    inspector = _client("inspector")
    assert inspector.get(reverse("credit:loan_detail", args=[loan.pk])).status_code == 200
    assert inspector.get(reverse("credit:repayment_new", args=[loan.pk])).status_code == 403
    assert _client("ctv").get(reverse("credit:write_off", args=[loan.pk])).status_code == 403
    listed = other.get(reverse("credit:loan_list")).content.decode()
    assert world.household_a1.head_name not in listed
    # A province sees loans of many communes: each line names the village and its commune.
    province = _client("tinh").get(reverse("credit:loan_list")).content.decode()
    assert f"{world.village_a1.name}, {world.commune_a.name}" in province


def test_repayment_and_check_entry(world: World, poor_policy: Programme) -> None:
    loan = make_loan(world.household_a1, poor_policy)
    client = _client("ctv")
    form = client.get(reverse("credit:repayment_new", args=[loan.pk])).content.decode()
    # The first instalment's amounts are offered.
    assert 'value="16666667"' in form and 'value="3300000"' in form
    response = client.post(
        reverse("credit:repayment_new", args=[loan.pk]),
        {"paid_on": "15/03/2025", "principal": "16666667", "interest": "3300000", "note": ""},
    )
    assert response.status_code == 302
    assert Repayment.objects.get().principal == D(16_666_667)
    refused = client.post(
        reverse("credit:check_new", args=[loan.pk]),
        {"checked_on": "01/06/2026", "checker": "Tổ TK&VV", "finding": "partly"},
    )
    assert "biện pháp tiếp theo" in refused.content.decode()
    client.post(
        reverse("credit:check_new", args=[loan.pk]),
        {
            "checked_on": "01/06/2026",
            "checker": "Tổ TK&VV",
            "finding": "partly",
            "follow_up": "Nhắc hộ mua đủ giống",
        },
    )
    assert UseCheck.objects.get().finding == "partly"


def test_the_fund_page_shows_its_chain_and_the_commune_records_the_next_turn(
    world: World, poor_policy: Programme
) -> None:
    client = _client("xa_a")
    response = client.post(
        reverse("credit:fund_new"),
        {
            "commune": world.commune_a.pk,
            "programme": poor_policy.pk,
            "name": "Dê quay vòng",
            "kind": "in_kind",
            "share_percent": "50",
            "cycle_months": "18",
            "rules_basis": "QĐ 03/2023",
            "started_on": "01/02/2025",
        },
    )
    fund = RevolvingFund.objects.get()
    assert response["Location"] == reverse("credit:fund_detail", args=[fund.pk])
    assert fund.share_to_rotate == D("0.5")
    turn_url = reverse("credit:fund_turn_new", args=[fund.pk])
    # The receiving household is found with the registry's picker, not a typed code.
    form = client.get(turn_url).content.decode()
    assert reverse("registry:household_pick") in form and "receiver_code" not in form
    for household, value, day in (
        (world.household_a1, "6000000", "01/02/2025"),
        (world.household_a2, "3000000", "01/06/2026"),
    ):
        client.post(
            turn_url,
            {"receiver": household.pk, "value": value, "description": "Dê cái", "passed_on": day},
        )
    unknown = client.post(
        turn_url,
        {
            "receiver": world.household_b1.pk,
            "value": "2000000",
            "description": "Dê",
            "passed_on": "01/06/2026",
        },
    )
    assert "Hộ đã chọn không có trên địa bàn bạn được ghi." in unknown.content.decode()
    assert [t.receiver.code for t in FundTurn.objects.order_by("sequence")] == ["A1-001", "A2-001"]
    page = client.get(reverse("credit:fund_detail", args=[fund.pk])).content.decode()
    assert "Chuỗi quay vòng" in page and world.household_a2.head_name in page
    # A fund belongs to the commune: an inspector of it sees it but does not choose receivers;
    # a collaborator granted villages does not reach commune-level rows.
    assert _client("inspector").get(turn_url).status_code == 403
    assert _client("ctv").get(turn_url).status_code == 404
    assert _client("xa_b").get(reverse("credit:fund_detail", args=[fund.pk])).status_code == 404


def test_the_portfolio_page_and_its_excel_file(world: World, poor_policy: Programme) -> None:
    make_loan(world.household_a1, poor_policy, amount=30_000_000)
    services.loans_refresh_status(actor=None, on=TODAY)
    client = _client("tinh")
    page = client.get(reverse("credit:portfolio") + f"?area={world.commune_a.code}")
    assert page.status_code == 200
    assert "Nợ gốc quá hạn" in page.content.decode()
    response = client.get(reverse("credit:portfolio_xlsx") + f"?area={world.commune_a.code}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Tổng cộng"]
    # 30 M over 36 months: two of three 10 M instalments are due before 15/06/2026, unpaid.
    assert values[0][6] == 30_000_000 and values[0][7] == 20_000_000
    assert dt.date(2026, 6, 15) == TODAY


def test_household_sections_of_every_provider_are_joined(world: World) -> None:
    panels.register_household_context(
        "tests.extra", lambda request, household: {"household_sections": ["x.html"]}
    )
    try:
        request = RequestFactory().get("/")
        request.user = world.xa_a
        context = panels.household_context(request, world.household_a1)
    finally:
        panels._PROVIDERS.pop("tests.extra")
    assert context["household_sections"][-2:] == ["credit/_household_panel.html", "x.html"]
    assert "credit_loans" in context


def test_the_loan_form_offers_only_credit_funded_policies(
    world: World, poor_policy: Programme
) -> None:
    Programme.objects.create(
        code="bhyt-hn",
        kind="policy",
        name="Bảo hiểm y tế hộ nghèo",
        valid_from=dt.date(2015, 1, 1),
        funding_sources=["central"],
    )
    page = _client("xa_a").get(reverse("credit:loan_new") + f"?household={world.household_a1.pk}")
    html = page.content.decode()
    assert poor_policy.name in html and "Bảo hiểm y tế hộ nghèo" not in html


def test_a_fund_cycle_beyond_the_form_range_is_a_form_error_not_a_server_error(
    world: World, poor_policy: Programme
) -> None:
    response = _client("xa_a").post(
        reverse("credit:fund_new"),
        {
            "commune": world.commune_a.pk,
            "programme": poor_policy.pk,
            "name": "Dê quay vòng",
            "kind": "in_kind",
            "share_percent": "50",
            "cycle_months": "40000",  # above the column's smallint range
            "started_on": "01/02/2025",
        },
    )
    assert response.status_code == 200
    assert not RevolvingFund.objects.exists()
