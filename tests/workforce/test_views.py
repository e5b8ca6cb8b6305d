"""Workforce pages: they render in Vietnamese, answer 404 outside the user's areas, go through
the services, and keep a constant number of queries on lists."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from giamngheo.workforce import services
from giamngheo.workforce.models import (
    HouseholdChange,
    MonthlyReport,
    SupportRequest,
    Task,
    Worker,
)
from tests.conftest import World, log_in
from tests.workforce.conftest import Staff, make_worker

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)


def client_for(username: str) -> Client:
    client = Client()
    log_in(client, username)
    return client


def test_every_page_renders_for_the_commune_officer(world: World, staff: Staff) -> None:
    request = services.request_create(
        actor=world.ctv, household=world.household_a1, need_type="health", description="Thẻ BHYT"
    )
    client = client_for("xa_a")
    pk = staff.ctv_a1.pk
    urls = [
        reverse("workforce:home"),
        reverse("workforce:roster"),
        reverse("workforce:worker_new"),
        reverse("workforce:worker_detail", args=[pk]),
        reverse("workforce:worker_edit", args=[pk]),
        reverse("workforce:contract_new", args=[pk]),
        reverse("workforce:assignment_new", args=[pk]),
        reverse("workforce:status_change", args=[pk]),
        reverse("workforce:user_link", args=[pk]),
        reverse("workforce:evaluation_new", args=[pk]),
        reverse("workforce:activity_new", args=[pk]),
        reverse("workforce:plan", args=[pk, 2025, 3]),
        reverse("workforce:report", args=[pk, 2025, 3]),
        reverse("workforce:composition") + f"?area={world.commune_a.code}",
        reverse("workforce:reporting") + f"?area={world.commune_a.code}&month=03/2025",
        reverse("workforce:request_list"),
        reverse("workforce:request_new") + f"?household={world.household_a1.pk}",
        reverse("workforce:request_detail", args=[request.pk]),
        reverse("workforce:change_list"),
        reverse("workforce:change_new") + f"?household={world.household_a1.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="vi">' in response.text, url


@pytest.mark.parametrize("username", ["xa_b", "outsider"])
def test_records_outside_ones_areas_answer_404(world: World, staff: Staff, username: str) -> None:
    request = services.request_create(
        actor=world.ctv, household=world.household_a1, need_type="health", description="Thẻ BHYT"
    )
    client = client_for(username)
    pk = staff.ctv_a1.pk
    for url in [
        reverse("workforce:worker_detail", args=[pk]),
        reverse("workforce:worker_edit", args=[pk]),
        reverse("workforce:plan", args=[pk, 2025, 3]),
        reverse("workforce:report", args=[pk, 2025, 3]),
        reverse("workforce:request_detail", args=[request.pk]),
        reverse("workforce:request_new") + f"?household={world.household_a1.pk}",
        reverse("workforce:change_new") + f"?household={world.household_a1.pk}",
        reverse("workforce:composition") + f"?area={world.commune_a.code}",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("workforce:request_transition", args=[request.pk, "refuse"]), {"refuse-note": "x"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.state == "received"


def test_a_collaborator_sees_only_their_own_record_and_their_villages_households(
    world: World, staff: Staff
) -> None:
    client = client_for("ctv")
    # Only their own roster entry, not the commune officer's.
    roster = client.get(reverse("workforce:roster")).text
    assert staff.ctv_a1.full_name in roster
    assert staff.officer_a.full_name not in roster
    assert (
        client.get(reverse("workforce:worker_detail", args=[staff.officer_a.pk])).status_code == 404
    )
    assert client.get(reverse("workforce:worker_detail", args=[staff.ctv_a1.pk])).status_code == 200
    # Households: those of village A1 (their assignment), not A2 of the same commune.
    ok = client.get(reverse("workforce:request_new") + f"?household={world.household_a1.pk}")
    assert ok.status_code == 200
    other = client.get(reverse("workforce:request_new") + f"?household={world.household_a2.pk}")
    assert other.status_code == 404
    request_a2 = services.request_create(
        actor=world.xa_a, household=world.household_a2, need_type="credit", description="Vay"
    )
    assert client.get(reverse("workforce:request_detail", args=[request_a2.pk])).status_code == 404
    assert f"#{request_a2.pk}" not in client.get(reverse("workforce:request_list")).text
    # Managing pages are refused (visible, not changeable).
    assert client.get(reverse("workforce:worker_edit", args=[staff.ctv_a1.pk])).status_code == 403


def test_assigning_a_village_is_what_opens_its_households_to_the_collaborator(
    world: World, staff: Staff
) -> None:
    from giamngheo.registry.selectors import households_visible_to

    assert set(households_visible_to(world.ctv)) == {world.household_a1}
    assignment = services.assignment_add(
        actor=world.xa_a, worker=staff.ctv_a1, area=world.village_a2, starts_on=MARCH
    )
    world.ctv._giamngheo_grants = None  # type: ignore[attr-defined] # the grant cache of a request
    assert set(households_visible_to(world.ctv)) == {world.household_a1, world.household_a2}
    services.assignment_end(actor=world.xa_a, assignment=assignment, ends_on=MARCH)
    world.ctv._giamngheo_grants = None  # type: ignore[attr-defined]
    assert set(households_visible_to(world.ctv)) == {world.household_a1}


def test_the_request_life_cycle_through_the_pages(world: World, staff: Staff) -> None:
    ctv, officer = client_for("ctv"), client_for("xa_a")
    response = ctv.post(
        reverse("workforce:request_new") + f"?household={world.household_a1.pk}",
        {
            "need_type": "livelihood",
            "description": "Cần giống bò",
            "received_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    request = SupportRequest.objects.get()
    assert response.status_code == 302
    detail = reverse("workforce:request_detail", args=[request.pk])
    assert "Chuyển công chức xã" in ctv.get(detail).text
    ctv.post(reverse("workforce:request_transition", args=[request.pk, "forward"]), {})
    # The collaborator cannot start handling it: the page says so, nothing changes.
    ctv.post(reverse("workforce:request_transition", args=[request.pk, "start"]), {})
    request.refresh_from_db()
    assert (request.state, request.owner) == ("forwarded", staff.officer_a)
    officer.post(reverse("workforce:request_transition", args=[request.pk, "start"]), {})
    # A refused transition shows the Vietnamese message of the workflow.
    page = officer.post(
        reverse("workforce:request_transition", args=[request.pk, "start"]), {}, follow=True
    ).text
    assert "Không thể thực hiện" in page
    officer.post(
        reverse("workforce:request_transition", args=[request.pk, "resolve"]),
        {"resolve-note": "Hỗ trợ 1 con bò giống (dự án 2)"},
    )
    ctv.post(
        reverse("workforce:request_inform", args=[request.pk]),
        {"informed_on": timezone.localdate().strftime("%d/%m/%Y"), "how": "Đến nhà"},
    )
    request.refresh_from_db()
    assert request.state == "resolved"
    assert request.outcome == "Hỗ trợ 1 con bò giống (dự án 2)"
    assert request.household_informed_on == timezone.localdate()


def test_the_request_list_has_a_constant_number_of_queries(
    world: World, staff: Staff, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for("xa_a")
    url = reverse("workforce:request_list")

    def add(n: int) -> None:
        for _ in range(n):
            services.request_create(
                actor=world.ctv, household=world.household_a1, need_type="other", description="x"
            )

    add(2)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).text.count("badge") >= 22


def test_the_roster_and_reporting_pages_have_a_constant_number_of_queries(
    world: World, staff: Staff, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for("tinh")
    for i in range(3):
        make_worker(world.commune_a, f"N{i}", "collaborator")
    services.reports_open_month(actor=None, area=world.province, month=MARCH)
    pages = [
        reverse("workforce:roster"),
        reverse("workforce:reporting") + f"?area={world.province.code}&month=03/2025",
        reverse("workforce:composition") + f"?area={world.province.code}",
    ]
    counts = []
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(15) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    for i in range(3, 15):
        worker = make_worker(world.commune_b, f"N{i}", "collaborator")
        services.assignment_add(actor=None, worker=worker, area=world.village_b1, starts_on=MARCH)
    services.reports_open_month(actor=None, area=world.province, month=MARCH)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            client.get(url)


def test_the_collaborator_fills_and_submits_the_monthly_report(world: World, staff: Staff) -> None:
    client = client_for("ctv")
    url = reverse("workforce:report", args=[staff.ctv_a1.pk, 2025, 3])
    form = {
        "households_visited": "14",
        "meetings_attended": "2",
        "summary": "Đề nghị tập huấn thêm",
        "duty_1": "Tiếp nhận 3 yêu cầu hỗ trợ",
        "duty_6": "Tuyên truyền tại 2 cuộc họp thôn",
    }
    assert client.post(url, {**form, "version": "1", "action": "save"}).status_code == 302
    report = MonthlyReport.objects.get(worker=staff.ctv_a1, month=MARCH)
    assert report.submitted_at is None
    submit = {**form, "version": str(report.version), "action": "submit"}
    assert client.post(url, submit).status_code == 302
    report.refresh_from_db()
    assert report.submitted_at is not None
    assert {i.duty: i.text for i in report.items.all()} == {
        1: "Tiếp nhận 3 yêu cầu hỗ trợ",
        6: "Tuyên truyền tại 2 cuộc họp thôn",
    }
    page = client.get(url).text
    assert "Tuyên truyền tại 2 cuộc họp thôn" in page
    assert "Nộp báo cáo" not in page


def test_the_officer_plans_tasks_and_the_collaborator_ticks_them(
    world: World, staff: Staff
) -> None:
    url = reverse("workforce:plan", args=[staff.ctv_a1.pk, 2025, 3])
    client_for("xa_a").post(
        url, {"action": "add", "duty": "5", "description": "Giám sát họp dân thôn Một"}
    )
    task = Task.objects.get()
    ctv = client_for("ctv")
    # The collaborator cannot add tasks to their own plan.
    assert ctv.post(url, {"action": "add", "duty": "1", "description": "x"}).status_code == 403
    ctv.post(url, {"action": "done", "task": str(task.pk), "result": "Đã dự"})
    task.refresh_from_db()
    assert (task.done, task.result) == (True, "Đã dự")
    assert "Giám sát họp dân thôn Một" in ctv.get(url).text


def test_the_officer_adds_a_collaborator_with_contract_and_village(world: World) -> None:
    client = client_for("xa_a")
    response = client.post(
        reverse("workforce:worker_new"),
        {
            "area": str(world.commune_a.pk),
            "code": "ctv-09",
            "full_name": "Hồ Thị Mai",
            "sex": "female",
            "birth_year": "1994",
            "ethnicity": "23",
            "education": "intermediate",
            "phone": "0912345678",
            "role": "collaborator",
            "mass_organisation": "hoi_phu_nu",
            "started_on": "01/03/2025",
        },
    )
    worker = Worker.objects.get(code="CTV-09")
    assert response.status_code == 302
    client.post(
        reverse("workforce:contract_new", args=[worker.pk]),
        {
            "number": "12/HĐ-UBND",
            "starts_on": "01/03/2025",
            "ends_on": "31/12/2025",
            "monthly_allowance": "1500000",
            "managing_unit": "UBND xã",
            "legal_basis": "",
        },
    )
    client.post(
        reverse("workforce:assignment_new", args=[worker.pk]),
        {"area": str(world.village_a2.pk), "starts_on": "01/03/2025"},
    )
    page = client.get(reverse("workforce:worker_detail", args=[worker.pk])).text
    assert "1.500.000 đ" in page
    assert "Thôn Hai" in page
    assert "01/03/2025" in page


def test_the_composition_download_is_an_excel_file(world: World, staff: Staff) -> None:
    response = client_for("tinh").get(
        reverse("workforce:composition_xlsx") + f"?area={world.province.code}&role="
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    totals = [row for row in sheet.iter_rows(values_only=True) if row[0] == "Tổng"]
    assert totals[0][1] == 3  # the two commune officers and the collaborator


def test_a_change_report_flags_the_household_for_the_in_year_review(
    world: World, staff: Staff
) -> None:
    client_for("ctv").post(
        reverse("workforce:change_new") + f"?household={world.household_a1.pk}",
        {
            "kind": "shock",
            "occurred_on": timezone.localdate().strftime("%d/%m/%Y"),
            "description": "Lũ cuốn trôi chuồng trại",
            "request_review": "on",
            "proposed_form": "",
        },
    )
    change = HouseholdChange.objects.get()
    assert (change.review_flag, change.proposed_form) == ("pending", "mau_01")
    assert change.worker == staff.ctv_a1
    assert (
        "Lũ cuốn trôi chuồng trại" in client_for("xa_a").get(reverse("workforce:change_list")).text
    )
    assert "Lũ cuốn trôi" not in client_for("xa_b").get(reverse("workforce:change_list")).text


def test_a_household_code_leads_to_the_request_and_change_forms(world: World, staff: Staff) -> None:
    client = client_for("ctv")
    response = client.get(reverse("workforce:request_new") + "?code=a1-001")
    assert response["Location"].endswith(f"?household={world.household_a1.pk}")
    response = client.get(reverse("workforce:change_new") + "?code=A1-001")
    assert response["Location"].endswith(f"?household={world.household_a1.pk}")
    # A household of another village is not found (nothing revealed).
    page = client.get(reverse("workforce:request_new") + "?code=A2-001", follow=True).text
    assert "Không tìm thấy hộ có mã này" in page
