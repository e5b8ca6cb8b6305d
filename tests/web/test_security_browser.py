"""In Chromium, against the live server: the strict Content-Security-Policy blocks nothing the
app needs (no violation in the console), and htmx (the survey's live preview) and the
auto-submitting filters still work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from giamngheo.web.security import DEFAULT_POLICY
from tests.browser import chromium
from tests.conftest import PASSWORD, World

# Records the violations the page itself sees (in addition to the console messages).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    yield page
    context.close()


def test_pages_have_no_csp_violation_and_htmx_still_works(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    console: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        console.append(f"{message.type}: {message.text}")

    page.on("console", keep)
    seen: list[str] = []

    def visit(url: str) -> None:
        response = page.goto(f"{base}{url}")
        assert response is not None and response.status == 200, url
        assert response.headers["content-security-policy"] == DEFAULT_POLICY
        seen.extend(page.evaluate("window.__cspViolations"))

    visit("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("xa_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")
    seen.extend(page.evaluate("window.__cspViolations"))
    household = world.household_a1
    for url in ("/", "/households/", f"/households/{household.pk}/", "/training/"):
        visit(url)

    # The survey entry page: typing an income asks the server for a new preview (htmx).
    visit(f"/surveys/household/{household.pk}/new/b2-2022/")
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.evaluate("htmx.config.historyCacheSize") == 0
    before = page.locator("#preview").inner_html()
    with page.expect_response(lambda r: "/preview/" in r.url and r.request.method == "POST") as r:
        page.locator("#h__income").fill("1234567")
        page.locator("#h__income").dispatch_event("change")
    assert r.value.status == 200
    page.wait_for_function(
        "before => document.querySelector('#preview').innerHTML !== before", arg=before
    )
    seen.extend(page.evaluate("window.__cspViolations"))

    # A filter that submits itself when the choice changes (formerly onchange="…").
    visit("/review/")
    options = page.locator("#year option").all_inner_texts()
    other = next(y for y in options if f"year={y}" not in page.url)
    with page.expect_navigation():
        page.locator("#year").select_option(other)
    assert f"year={other}" in page.url
    seen.extend(page.evaluate("window.__cspViolations"))

    # The admin's login page too.
    visit("/admin/login/")

    assert seen == []
    assert [m for m in console if "Content Security Policy" in m] == []
