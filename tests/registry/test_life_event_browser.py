"""Through the browser: a commune officer records a birth from the household page (Playwright
driving Debian's Chromium)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from giamngheo.registry.models import LifeEvent
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


def test_an_officer_records_a_birth_from_the_household_page(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("xa_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/households/{world.household_a1.pk}/")
    page.get_by_role("link", name="Sinh", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Biến động nhân khẩu: Sinh")
    born = dt.date.today() - dt.timedelta(days=3)  # noqa: DTZ011 - the live server's today
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Bé Ba")
    page.get_by_label("Giới tính").select_option("female")
    page.get_by_label("Ngày sinh").fill(born.strftime("%d/%m/%Y"))
    page.get_by_label("Ghi chú").fill("Sinh tại trạm y tế xã")
    page.get_by_role("button", name="Lưu").click()

    page.wait_for_url(f"{base}/households/{world.household_a1.pk}/")
    expect(page.get_by_text("Đã ghi nhận: sinh.")).to_be_visible()
    row = page.locator('tr[data-life-event="birth"]')
    expect(row).to_contain_text("Nguyễn Thị Bé Ba")
    expect(row).to_contain_text(born.strftime("%d/%m/%Y"))
    event = LifeEvent.objects.get()
    assert (event.kind, event.person.birth_date) == ("birth", born)
