"""The deliveries' pages: totals and their Excel export (read back), a support's page and its
PDF receipt (read back), card numbers masked where personal numbers may not be seen, the
household panel, bulk entry, card and support forms, the sheet upload, graduation and reach."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from giamngheo.lib.pdf import extract_text
from giamngheo.programmes.deliveries import exports, imports, services
from giamngheo.programmes.deliveries.models import HealthInsuranceCard
from giamngheo.programmes.models import SupportRecord
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Membership
from tests.conftest import World, log_in, make_household
from tests.programmes.deliveries.conftest import TODAY, Tree, give

pytestmark = pytest.mark.django_db
NUMBER = "HN4010123456789"


@pytest.fixture
def card(world: World, tree: Tree) -> HealthInsuranceCard:
    head = Membership.objects.get(household=world.household_a1, is_head=True).person
    return services.health_insurance_card_create(
        actor=None,
        household=world.household_a1,
        person=head,
        programme=tree.policy,
        card_number=NUMBER,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        delivered_on=dt.date(2026, 1, 10),
        funding_source="central",
        amount=Decimal(1_263_600),
        delivered_by="Nguyễn Thị Giao",
    )


def test_totals_page_and_filters(client: Client, world: World, tree: Tree) -> None:
    give(world.household_a1, tree.subproject, 1_000_000, dt.date(2026, 2, 1))
    give(world.household_b1, tree.subproject, 7_000_000, dt.date(2026, 2, 1))
    log_in(client, "xa_a")
    page = client.get(reverse("deliveries:index"), {"programme": tree.root.code, "year": 2026})
    assert page.status_code == 200
    text = page.content.decode()
    assert "1.000.000" in text and "7.000.000" not in text and "B1-001" not in text
    # The area lines lead down: the commune's officer starts at their villages (not one line
    # with the province), a chosen province at its communes, a commune at its villages.
    assert f'href="?area={world.village_a1.code}' in text
    assert f'href="?area={world.province.code}' not in text
    down = client.get(reverse("deliveries:index"), {"area": world.province.code}).content.decode()
    assert f'href="?area={world.commune_a.code}' in down
    down = client.get(reverse("deliveries:index"), {"area": world.commune_a.code}).content.decode()
    assert f'href="?area={world.village_a1.code}' in down
    assert client.get(reverse("deliveries:index"), {"programme": "khong-co"}).status_code == 404
    assert client.get(reverse("deliveries:index"), {"year": "abc"}).status_code == 400


def test_the_export_reads_back_typed_and_masked(
    client: Client, world: World, tree: Tree, card: HealthInsuranceCard
) -> None:
    give(world.household_a1, tree.subproject, 1_000_000, dt.date(2026, 2, 1))
    give(world.household_a2, tree.project, 250_000, dt.date(2025, 2, 1))
    for user, number in (("xa_a", NUMBER), ("ctv", "***********6789")):
        log_in(client, user)
        response = client.get(reverse("deliveries:export"))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        rows = list(book[exports.ROWS_SHEET].iter_rows(min_row=2, values_only=True))
        cards = [row[15] for row in rows if row[15]]
        assert cards == [number]
        amounts = [row[10] for row in rows]
        assert all(isinstance(a, int) for a in amounts)
        assert isinstance(rows[0][11], dt.datetime)
        by_programme = list(book["Theo chương trình"].iter_rows(min_row=2, values_only=True))
        total = by_programme[-1]
        assert total[0] == "Tổng cộng"
        assert total[3] == sum(amounts)
        assert total[1] == len(rows)
    assert NUMBER not in str(rows)
    # In English every sheet has an English name (the rows sheet stayed Vietnamese).
    client.cookies["giamngheo_language"] = "en"
    english = load_workbook(io.BytesIO(client.get(reverse("deliveries:export")).content))
    assert english.sheetnames == ["By programme", "By area", "By year", "Support records"]
    # Counts of supports are "Supports", not "Times" (the bare "Lượt" is a fund's turn).
    assert [c.value for c in english["By year"][1]] == [
        "Item",
        "Supports",
        "Households",
        "Amount (VND)",
    ]
    page = client.get(reverse("deliveries:index")).content.decode()
    assert '<th class="num">Supports</th>' in page and "Times" not in page


def test_an_export_over_the_row_limit_asks_for_a_narrower_filter(
    client: Client, world: World, tree: Tree, settings: Any
) -> None:
    give(world.household_a1, tree.subproject, 1_000_000, dt.date(2026, 2, 1))
    give(world.household_a2, tree.subproject, 250_000, dt.date(2025, 2, 1))
    settings.EXPORT_MAX_ROWS = 1
    log_in(client, "xa_a")
    response = client.get(reverse("deliveries:export"), {"year": 2026})
    assert response.status_code == 200  # one row: at the limit, made
    load_workbook(io.BytesIO(response.content))
    response = client.get(reverse("deliveries:export"))
    assert response.status_code == 302 and response["Location"] == reverse("deliveries:index")
    page = client.get(response["Location"]).content.decode()
    assert "Có 2 lượt hỗ trợ theo bộ lọc này, quá 1 dòng" in page


def test_detail_and_receipt_mask_the_card_for_a_collaborator(
    client: Client, world: World, card: HealthInsuranceCard
) -> None:
    url = reverse("deliveries:detail", args=[card.support_record_id])
    receipt = reverse("deliveries:receipt", args=[card.support_record_id])
    log_in(client, "xa_a")
    assert NUMBER in client.get(url).content.decode()
    text = extract_text(client.get(receipt).content)
    assert "BIÊN NHẬN HỖ TRỢ" in text and NUMBER in text and "1.263.600" in text
    assert "Nguyễn Thị Giao" in text
    log_in(client, "ctv")
    page = client.get(url).content.decode()
    assert NUMBER not in page and "***********6789" in page
    text = extract_text(client.get(receipt).content)
    assert NUMBER not in text and "6789" in text
    log_in(client, "xa_b")
    assert client.get(url).status_code == 404
    assert client.get(receipt).status_code == 404


def test_the_household_page_shows_every_support_with_dates(
    client: Client, world: World, tree: Tree, card: HealthInsuranceCard
) -> None:
    give(world.household_a1, tree.subproject, 3_000_000, dt.date(2025, 4, 2), description="Bò")
    log_in(client, "inspector")
    page = client.get(reverse("registry:household_detail", args=[world.household_a1.pk]))
    text = page.content.decode()
    assert "Hỗ trợ đã nhận" in text
    assert "02/04/2025" in text and "10/01/2026" in text and "Bò" in text
    # The programme by its name, its code aside (as on the loan page): a sub-project's name
    # alone ("Giai đoạn I") does not say which programme it belongs to.
    programme = f'{tree.subproject.name} <span class="muted">({tree.subproject.code})</span>'
    assert f"<td>{programme}</td>" in text
    assert NUMBER not in text and "***********6789" in text
    assert reverse("deliveries:household_new", args=[world.household_a1.pk]) not in text
    log_in(client, "xa_a")
    text = client.get(
        reverse("registry:household_detail", args=[world.household_a1.pk])
    ).content.decode()
    assert NUMBER in text
    assert reverse("deliveries:household_new", args=[world.household_a1.pk]) in text


def test_one_support_and_a_card_through_the_forms(client: Client, world: World, tree: Tree) -> None:
    log_in(client, "xa_a")
    head = Membership.objects.get(household=world.household_a1, is_head=True).person
    url = reverse("deliveries:household_new", args=[world.household_a1.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "programme": tree.project.pk,
            "support_kind": "cash",
            "amount": "500000",
            "delivered_on": "2026-06-01",
            "funding_source": "local",
            "person": head.pk,
        },
    )
    record = SupportRecord.objects.get()
    assert response.status_code == 302 and record.person == head
    future = client.post(
        url,
        {
            "programme": tree.project.pk,
            "support_kind": "cash",
            "delivered_on": "2026-07-01",
            "funding_source": "local",
        },
    )
    assert future.status_code == 400 and "tương lai" in future.content.decode()
    card_url = reverse("deliveries:card_new", args=[world.household_a1.pk])
    response = client.post(
        card_url,
        {
            "programme": tree.policy.pk,
            "person": head.pk,
            "card_number": "HN4010123456789",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "delivered_on": "2026-01-05",
            "funding_source": "central",
        },
    )
    assert response.status_code == 302
    assert HealthInsuranceCard.objects.get().person == head
    bad = client.post(
        card_url,
        {
            "programme": tree.policy.pk,
            "person": head.pk,
            "card_number": "X",
            "valid_from": "2026-01-01",
            "valid_to": "2026-12-31",
            "delivered_on": "2026-01-05",
            "funding_source": "central",
        },
    )
    assert bad.status_code == 400 and "không đúng" in bad.content.decode()
    # Commune B's officer may not write for commune A's household.
    log_in(client, "xa_b")
    assert client.get(url).status_code == 404
    log_in(client, "inspector")
    assert client.get(url).status_code == 403


def test_bulk_entry_from_a_list(client: Client, world: World, tree: Tree) -> None:
    log_in(client, "xa_a")
    assert client.get(reverse("deliveries:bulk")).status_code == 200
    url = reverse("deliveries:bulk") + f"?area={world.commune_a.code}"
    page = client.get(url).content.decode()
    assert "A1-001" in page and "A2-001" in page and "B1-001" not in page
    response = client.post(
        url,
        {
            "programme": tree.subproject.pk,
            "support_kind": "in_kind",
            "description": "Gạo",
            "quantity": "15",
            "unit": "kg",
            "delivered_on": TODAY.isoformat(),
            "funding_source": "local",
            "households": [world.household_a1.pk, world.household_a2.pk],
        },
    )
    assert response.status_code == 302
    assert SupportRecord.objects.filter(description="Gạo").count() == 2
    # A household of commune B is not a choice: the form refuses it, nothing is written.
    refused = client.post(
        url,
        {
            "programme": tree.subproject.pk,
            "support_kind": "cash",
            "delivered_on": TODAY.isoformat(),
            "funding_source": "local",
            "households": [world.household_a1.pk, world.household_b1.pk],
        },
    )
    assert refused.status_code == 400
    assert SupportRecord.objects.count() == 2
    log_in(client, "inspector")
    assert client.get(url).status_code == 403


def _upload(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    book.remove(book.worksheets[0])
    page = book.create_sheet(imports.SHEET)
    page.append(["Mã hộ", "Hình thức", "Thành tiền (đồng)", "Ngày hỗ trợ", "Nguồn vốn"])
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(
        "cap-phat.xlsx",
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_the_sheet_upload(client: Client, world: World, tree: Tree) -> None:
    log_in(client, "xa_a")
    assert client.get(reverse("deliveries:import")).status_code == 200
    template = client.get(reverse("deliveries:import_template"))
    assert load_workbook(io.BytesIO(template.content)).sheetnames[0] == imports.SHEET
    bad = client.post(
        reverse("deliveries:import"),
        {
            "programme": tree.project.pk,
            "file": _upload(
                [
                    ["A1-001", "Tiền mặt", 100, "01/02/2026", "local"],
                    ["B1-001", "Tiền mặt", 100, "01/02/2026", "local"],
                ]
            ),
        },
    )
    assert bad.status_code == 400
    assert "chưa ghi dòng nào" in bad.content.decode()
    assert not SupportRecord.objects.exists()
    good = client.post(
        reverse("deliveries:import"),
        {
            "programme": tree.project.pk,
            "file": _upload([["A1-001", "Tiền mặt", 100, "01/02/2026", "local"]]),
        },
    )
    assert good.status_code == 200 and "Đã ghi 1 khoản hỗ trợ" in good.content.decode()
    assert SupportRecord.objects.count() == 1
    not_a_table = client.post(
        reverse("deliveries:import"),
        {"file": SimpleUploadedFile("x.xlsx", b"%PDF-1.4 hello", content_type="application/pdf")},
    )
    assert not_a_table.status_code == 400
    log_in(client, "inspector")
    assert client.get(reverse("deliveries:import")).status_code == 403


def test_reach_page_and_its_export(client: Client, world: World, tree: Tree) -> None:
    give(world.household_a1, tree.subproject, 1_000_000, dt.date(2026, 2, 1))
    give(world.household_a2, tree.subproject, 3_000_000, dt.date(2026, 2, 1))
    poor = make_household(world.village_a1, "A1-NGHEO", "Hộ Nghèo Chưa Nhận")
    registry_services.household_status_set(
        actor=None,
        household=poor,
        status="poor",
        standard="2022-2025",
        year=2025,
        basis="Quyết định công nhận (dữ liệu thử)",
    )
    log_in(client, "xa_a")
    query = {"year": 2026, "programme": tree.root.code}
    page = client.get(reverse("deliveries:reach"), query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "4.000.000" in text and "2.000.000" in text and "A1-NGHEO" in text
    # A province reads the list too: each household's village with its commune.
    assert f"{world.village_a1.name}, {world.commune_a.name}" in text
    book = load_workbook(io.BytesIO(client.get(reverse("deliveries:reach_export"), query).content))
    figures = dict(book["Độ bao phủ"].iter_rows(min_row=2, values_only=True))
    assert figures["Hộ được hỗ trợ"] == 2
    assert figures["Tổng số tiền"] == 4_000_000
    assert figures["Chi phí mỗi hộ được hỗ trợ"] == 2_000_000
    assert figures["Chi phí mỗi hộ thoát nghèo"] is None
    listed = list(book["Hộ nghèo chưa được hỗ trợ"].iter_rows(min_row=2, values_only=True))
    assert listed == [("A1-NGHEO", "Hộ Nghèo Chưa Nhận", world.village_a1.name)]
    assert client.get(reverse("deliveries:reach"), {"area": "99999"}).status_code == 404
    log_in(client, "xa_b")
    book = load_workbook(io.BytesIO(client.get(reverse("deliveries:reach_export"), query).content))
    assert not list(book["Hộ nghèo chưa được hỗ trợ"].iter_rows(min_row=2, values_only=True))


def test_a_collaborator_picks_their_village_for_bulk_entry(
    client: Client, world: World, tree: Tree
) -> None:
    log_in(client, "ctv")
    page = client.get(reverse("deliveries:bulk")).content.decode()
    assert f'value="{world.village_a1.code}"' in page
    assert f'value="{world.village_a2.code}"' not in page
    listed = client.get(reverse("deliveries:bulk"), {"area": world.village_a1.code})
    assert "A1-001" in listed.content.decode()


def test_bulk_entry_from_an_approved_beneficiary_list(client: Client, world: World) -> None:
    from giamngheo.programmes import services as programme_services
    from tests.programmes.helpers import programme, set_status

    for household in (world.household_a1, world.household_a2, world.household_b1):
        set_status(household, "poor", dt.date(2025, 12, 15))
    policy = programme("test-giao-danh-sach", {"statuses": ["poor"]})
    draft = programme_services.list_generate(
        actor=world.xa_a,
        programme=policy,
        area=world.commune_a,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        title="Danh sách hỗ trợ Tết",
    )
    log_in(client, "xa_a")
    # A draft list is not a list to deliver to.
    assert client.get(reverse("deliveries:bulk"), {"list": draft.pk}).status_code == 404
    approved = programme_services.list_approve(
        actor=world.xa_a,
        beneficiary_list=draft,
        approved_on=dt.date(2026, 1, 20),
        decision_number="12/QĐ-UBND",
    )
    choose = client.get(reverse("deliveries:bulk")).content.decode()
    assert "Danh sách hỗ trợ Tết" in choose
    # The approved lists are listed once, in the page, not in the document's <title>.
    title = choose.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Danh sách hỗ trợ Tết" not in title and "<h2>" not in title
    assert choose.count("Danh sách hỗ trợ Tết") == 1
    assert "test-giao-danh-sach" not in choose
    url = reverse("deliveries:bulk") + f"?list={approved.pk}"
    page = client.get(url).content.decode()
    assert "A1-001" in page and "A2-001" in page and "B1-001" not in page
    response = client.post(
        url,
        {
            "programme": policy.pk,
            "support_kind": "cash",
            "amount": "500000",
            "delivered_on": TODAY.isoformat(),
            "funding_source": "local",
            "households": [world.household_a1.pk, world.household_a2.pk],
        },
    )
    assert response.status_code == 302
    records = SupportRecord.objects.filter(programme=policy)
    assert sorted(r.household_id for r in records) == sorted(
        [world.household_a1.pk, world.household_a2.pk]
    )
    assert {r.description for r in records} == {"Danh sách hỗ trợ Tết"}
    log_in(client, "xa_b")
    assert client.get(url).status_code == 404


def test_the_signing_sheet_of_a_day_reads_back(client: Client, world: World, tree: Tree) -> None:
    day = dt.date(2026, 3, 2)
    give(world.household_a1, tree.subproject, 1_200_000, day, description="Gà giống")
    give(world.household_a2, tree.subproject, 800_000, day, description="Gà giống")
    give(world.household_a2, tree.subproject, 5_000_000, dt.date(2026, 3, 3))
    give(world.household_b1, tree.subproject, 9_000_000, day)
    log_in(client, "xa_a")
    url = reverse("deliveries:signing_sheet")
    response = client.get(url, {"programme": tree.project.code, "date": "02/03/2026"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = extract_text(response.content)
    assert "DANH SÁCH KÝ NHẬN HỖ TRỢ" in text and "02/03/2026" in text
    assert "A1-001" in text and "A2-001" in text and "B1-001" not in text
    assert "2.000.000" in text  # the total of the day's two rows in commune A
    assert "5.000.000" not in text and "9.000.000" not in text
    assert client.get(url, {"programme": tree.project.code}).status_code == 404
    assert client.get(url, {"programme": tree.project.code, "date": "x"}).status_code == 400
