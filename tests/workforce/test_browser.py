"""Through the browser (issue 11): a collaborator records a support request, finding the
household by typing part of the head's name without accents (htmx search) and picking it;
then reports the month against the plan (Playwright driving Debian's Chromium)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from giamngheo.workforce import services
from giamngheo.workforce.models import MonthlyReport, SupportRequest
from tests.browser import chromium
from tests.conftest import PASSWORD, World, build_world
from tests.workforce.conftest import Staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> World:
    """The live server reads committed rows: the module-wide rolled-back world cannot serve."""
    return build_world()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_a_collaborator_finds_the_household_by_name_and_reports_the_plan(
    page: Page, live_server: object, world: World, staff: Staff
) -> None:
    base = str(live_server)
    month = timezone.localdate().replace(day=1)
    services.task_add(
        actor=world.xa_a,
        worker=staff.ctv_a1,
        month=month,
        duty=1,
        description="Thăm 10 hộ nghèo",
        due_on=None,
    )
    login(page, base, "ctv")

    page.goto(f"{base}/workforce/requests/new/")
    page.get_by_role("searchbox").fill("nguyen van")
    option = page.get_by_role("radio", name="A1-001 · Nguyễn Văn An")
    expect(option).to_be_visible()
    option.check()
    page.get_by_label("Loại nhu cầu").select_option(label="Y tế")
    page.get_by_label("Nội dung yêu cầu").fill("Cần làm lại thẻ bảo hiểm y tế")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("h1")).to_contain_text("Yêu cầu hỗ trợ")
    request = SupportRequest.objects.get()
    assert request.household == world.household_a1

    page.goto(f"{base}/workforce/roster/{staff.ctv_a1.pk}/report/{month.year}/{month.month}/")
    page.get_by_role("radio", name="Thực hiện một phần").check()
    page.get_by_label("Ghi chú").fill("Đã thăm 6 hộ")
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.get_by_text("Đã nộp báo cáo.")).to_be_visible()
    report = MonthlyReport.objects.get(worker=staff.ctv_a1, month=month)
    assert report.state == "submitted"
    assert [(line.outcome, line.note) for line in report.task_lines.all()] == [
        ("partly", "Đã thăm 6 hộ")
    ]
    assert report.submitted_at is not None
    assert report.due_on > month - dt.timedelta(days=1)
