"""In Chromium, against the live server: the API docs page (Swagger UI from the vendored
sidecar files) renders every operation under the site's strict CSP with no violation, and its
"Try it out" calls the API with the browser's session."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Page

from giamngheo.web.security import DEFAULT_POLICY
from tests.conftest import PASSWORD, World
from tests.web.test_security_browser import browser, page, pytestmark  # noqa: F401

__all__ = ["pytestmark"]


def test_the_docs_page_renders_without_csp_violations_and_tries_a_call(
    page: Page,  # noqa: F811
    live_server: object,
    world: World,
) -> None:
    base = str(live_server)
    console: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        console.append(f"{message.type}: {message.text}")

    page.on("console", keep)
    page.goto(f"{base}/api/docs/")  # anonymous: the login page first
    page.get_by_label("Tên đăng nhập").fill("xa_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/docs/") as docs:
        page.get_by_role("button", name="Đăng nhập").click()
    assert docs.value.status == 200
    assert docs.value.headers["content-security-policy"] == DEFAULT_POLICY
    page.wait_for_selector(".opblock-summary-path")
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/v1/households/", "/api/v1/surveys/", "/api/v1/support-requests/"} <= {
        p.strip() for p in paths
    }

    # Try it out: the households list, through the session.
    page.locator(".opblock-summary-path", has_text="/api/v1/households/").first.click()
    page.locator("button.try-out__btn").first.click()
    with page.expect_response(lambda r: "/api/v1/households/" in r.url) as call:
        page.locator("button.execute").first.click()
    assert call.value.status == 200
    codes = {h["code"] for h in call.value.json()["results"]}
    assert codes == {world.household_a1.code, world.household_a2.code}

    assert page.evaluate("window.__cspViolations") == []
    assert [m for m in console if "Content Security Policy" in m] == []
