"""Through the browser: a commune officer receives an MSTB application, records the 12-month
income, sees it classified by the pack and issues the recognition decision (Playwright driving
Debian's Chromium; the fixtures are the review browser test's)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from giamngheo.registry.models import Household
from giamngheo.standards import load_pack
from tests.conftest import PASSWORD, World, make_household
from tests.review.test_browser import browser, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_identifies_and_recognises_an_average_household(
    page: Page,  # noqa: F811 - the fixture
    live_server: object,
    world: World,
) -> None:
    household: Household = make_household(world.village_a1, "A1-090", "Phan Văn Ruộng")
    pack = load_pack("2022-2025")
    assert pack.average_upper is not None
    upper = pack.average_upper.for_area(household.area_kind)
    base = str(live_server)

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("xa_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/review/")
    page.get_by_role("link", name="Hộ có mức sống trung bình").click()
    page.get_by_role("link", name="Tiếp nhận đơn").click()
    page.get_by_role("searchbox").fill("A1-090")
    option = page.get_by_role("radio", name="A1-090 · Phan Văn Ruộng")
    expect(option).to_be_visible()
    option.check()
    page.get_by_label("Ngành nghề chính của hộ").select_option("agriculture")
    page.get_by_label("Người làm đơn").fill("Phan Văn Ruộng")
    page.get_by_label("Ngày tiếp nhận").fill("2026-11-10")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("[data-average-state]")).to_have_attribute("data-average-state", "received")

    page.get_by_role("link", name="Ghi thu nhập 12 tháng").click()
    page.get_by_label("Ngày xác định thu nhập").fill("2026-11-20")
    page.get_by_label("Số nhân khẩu").fill("2")
    page.get_by_label("Trồng trọt (đồng/12 tháng)").fill(str(upper * 2 * 12))
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("[data-position]")).to_have_attribute("data-position", "within")

    page.get_by_role("link", name="Hộ có mức sống trung bình").first.click()
    page.get_by_role("link", name="Quyết định công nhận:").first.click()
    expect(page.locator('[data-preview="average"]')).to_contain_text("A1-090")
    page.get_by_label("Số quyết định").fill("11/QĐ-UBND")
    page.get_by_label("Người ký").fill("Nguyễn Văn Chủ")
    page.get_by_label("Ngày ký").fill("2026-11-30")
    page.get_by_label("Tôi đã kiểm tra danh sách").check()
    page.get_by_role("button", name="Ban hành quyết định").click()
    expect(page.locator('[data-average="lines"]')).to_contain_text("A1-090")
    household.refresh_from_db()
    assert household.status == "average_living_standard"
