"""Through the browser: a commune officer approves a household group, then records the outcome
of a model's last household and sees the summary count it (Playwright, Debian's Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from giamngheo.livelihoods.models import Participation
from tests.browser import chromium
from tests.conftest import PASSWORD
from tests.livelihoods.conftest import LivelihoodWorld, make_group

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


def test_an_officer_approves_a_group_and_records_an_outcome(
    page: Page, live_server: object, lw: LivelihoodWorld
) -> None:
    pending = make_group(lw.world, code="G-BROWSER", approve=False)
    base = str(live_server)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("xa_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/livelihoods/groups/{pending.pk}/")
    expect(page.locator("main")).to_contain_text("Chưa công nhận")
    page.get_by_role("link", name="Công nhận tổ nhóm").click()
    page.get_by_label("Ngày xã công nhận").fill("01/03/2026")
    page.get_by_label("Số quyết định công nhận").fill("42/QĐ-UBND")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("42/QĐ-UBND")
    expect(page.locator("main")).to_contain_text("Đã công nhận")

    page.goto(f"{base}/livelihoods/models/{lw.model.pk}/outcomes/")
    page.locator("tr", has_text="A2-002").get_by_role("link", name="Ghi kết quả").click()
    page.get_by_label("Ngày đánh giá").fill("10/06/2026")
    page.get_by_label("Thu nhập bình quân đầu người/tháng sau (đồng)").fill("1600000")
    page.get_by_label("Tình trạng của hộ sau khi tham gia").select_option("near_poor")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".card", has_text="Hộ đã đánh giá kết quả")).to_contain_text("4")
    assert Participation.objects.get(pk=lw.h4.pk).status_after == "near_poor"
