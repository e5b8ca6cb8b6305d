"""Through the browser: a commune officer records a loan from the household page, enters a
payment, and finds the loan in the portfolio (Playwright driving Debian's Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from giamngheo.credit.models import Loan
from giamngheo.programmes.models import Programme
from tests.browser import chromium
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_a_commune_officer_records_a_loan_and_a_payment(
    page: Page, live_server: object, world: World, poor_policy: Programme
) -> None:
    base = str(live_server)
    household = world.household_a1
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("xa_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/households/{household.pk}/")
    page.get_by_role("link", name="Ghi khoản vay").click()
    page.get_by_label("Chương trình, chính sách vay").select_option(label=str(poor_policy))
    page.get_by_label("Số tiền vay (đồng)").fill("30000000")
    page.get_by_label("Lãi suất (%/năm)").fill("6.6")
    page.get_by_label("Thời hạn (tháng)").fill("36")
    page.get_by_label("Mục đích sử dụng vốn").fill("Nuôi bò sinh sản")
    page.get_by_label("Ngày giải ngân").fill("15/03/2024")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Lịch trả nợ")).to_be_visible()
    loan = Loan.objects.get()
    assert page.url.endswith(f"/credit/loans/{loan.pk}/")

    page.get_by_role("link", name="Ghi trả nợ").click()
    page.get_by_label("Ngày trả").fill("15/03/2025")
    page.get_by_label("Tiền gốc (đồng)").fill("10000000")
    page.get_by_label("Tiền lãi (đồng)").fill("1980000")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("Đã ghi khoản trả nợ.")
    # The second instalment (15/03/2026) is unpaid on the test's day (15/06/2026).
    expect(page.locator("main")).to_contain_text("Quá hạn")

    page.goto(f"{base}/credit/portfolio/?area={world.commune_a.code}")
    expect(page.locator("tfoot")).to_contain_text("20.000.000")
