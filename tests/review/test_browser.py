"""Through the browser: a commune officer runs a village meeting, posts the list, records a
complaint, issues the decision and a certificate (Playwright driving Debian's Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from giamngheo.lib.pdf import extract_text
from giamngheo.registry.models import Household
from giamngheo.review import services
from giamngheo.review.models import Certificate
from tests.browser import chromium
from tests.conftest import PASSWORD
from tests.review.conftest import ReviewWorld, record_b2, started_round

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


def test_a_commune_officer_runs_a_round_from_the_meeting_to_the_certificate(
    page: Page, live_server: object, review_world: ReviewWorld
) -> None:
    w = review_world.world
    round_ = started_round(review_world)
    record_b2(review_world.poor, "near_poor")
    record_b2(review_world.near_poor, "poor")
    services.round_attach_latest_surveys(actor=w.xa_a, round_=round_)
    base = str(live_server)

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("xa_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")

    # Village meetings: Thôn Một votes 6 of 10 on A1-001, Thôn Hai 7 of 10 on A2-001.
    for village, code, agree in (("Thôn Một", "A1-001", "6"), ("Thôn Hai", "A2-001", "7")):
        page.goto(f"{base}/review/rounds/{round_.pk}/")
        page.get_by_role("link", name="Ghi cuộc họp dân").click()
        page.get_by_label("Thôn, tổ dân phố").select_option(label=village)
        page.get_by_label("Ngày họp").fill("2025-10-20")
        page.get_by_label("Chủ trì (trưởng thôn)").fill("Hà Văn Mạnh")
        page.get_by_label("Số người dự họp").fill("10")
        page.get_by_role("button", name="Lưu").click()
        page.get_by_label(f"Số người đồng ý, hộ {code}").fill(agree)
        page.get_by_role("button", name="Ghi kết quả biểu quyết").click()
        expect(page.locator(f'[data-vote="{code}"]')).to_contain_text("Thông qua")

    # Public posting from Monday 03/11/2025 for 3 working days.
    page.goto(f"{base}/review/rounds/{round_.pk}/")
    page.get_by_label("Ngày niêm yết").fill("2025-11-03")
    page.get_by_role("button", name="Niêm yết", exact=True).click()
    expect(page.locator("[data-complaints-until]")).to_contain_text("05/11/2025")

    # A complaint against A1-001's entry, then its conclusion.
    row = page.locator('[data-line="A1-001"]')
    row.get_by_text("Ghi khiếu nại").click()
    row.get_by_label("Người khiếu nại").fill("Nguyễn Văn An")
    row.get_by_label("Nội dung").fill("Gia đình vẫn thiếu nước sạch")
    row.get_by_label("Ngày tiếp nhận").fill("2025-11-04")
    row.get_by_role("button", name="Tiếp nhận khiếu nại").click()
    expect(page.locator("[data-complaint-state]")).to_have_text("Đã tiếp nhận")
    page.get_by_label("Ngày giải quyết, niêm yết kết quả").fill("2025-11-05")
    page.get_by_label("Kết luận").fill("Đã kiểm tra: giữ nguyên kết quả họp dân.")
    page.get_by_role("button", name="Kết luận").click()
    expect(page.locator("[data-complaint-state]")).to_have_text(
        "Đã giải quyết, đã niêm yết kết quả"
    )

    # After 1/7/2025 the provincial chairman is consulted first (rule value, unverified).
    page.goto(f"{base}/review/rounds/{round_.pk}/")
    page.get_by_label("Ngày báo cáo, xin ý kiến").fill("2025-11-10")
    page.get_by_label("Số, ký hiệu văn bản").fill("30/BC-UBND")
    page.get_by_role("button", name="Ghi việc xin ý kiến").click()
    expect(page.locator("[data-consulted]")).to_contain_text("30/BC-UBND")

    # The recognition decision (previewed, confirmed), then a certificate for the newly poor.
    page.get_by_role("link", name="Ban hành quyết định công nhận").click()
    expect(page.locator('[data-status="poor"] [data-after]')).to_have_text("1")
    expect(page.locator('[data-list="newly_poor"] [data-list-count]')).to_have_text("1")
    page.get_by_label("Số quyết định").fill("45/QĐ-UBND")
    page.get_by_label("Ngày ký").fill("2025-11-20")
    page.get_by_label("Người ký").fill("Nguyễn Văn Chủ")
    page.get_by_role("button", name="Ban hành quyết định").click()
    expect(page.locator(".errorlist")).to_contain_text("Cần xác nhận đã kiểm tra danh sách")
    page.get_by_label("Tôi đã kiểm tra danh sách").check()
    page.get_by_role("button", name="Ban hành quyết định").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quyết định số 45/QĐ-UBND")
    assert Household.objects.get(pk=review_world.near_poor.pk).status == "poor"
    page.locator('[data-decided="A2-001"]').get_by_role(
        "button", name="Cấp giấy chứng nhận"
    ).click()
    link = page.locator('[data-decided="A2-001"] a')
    expect(link).to_have_text("001/GCN-HN.HCN")
    pdf = page.request.get(f"{base}{link.get_attribute('href')}")
    text = extract_text(pdf.body())
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in text and "Trần Thị Bình" in text
    certificate = Certificate.objects.get()

    # The public check page, without login.
    page.context.clear_cookies()
    page.goto(f"{base}/verify/{certificate.code}/")
    expect(page.locator("[data-verify]")).to_contain_text("001/GCN-HN.HCN")
