"""Real browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against the app
served by pytest-django's live server on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import chromium
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # An English browser on a phone-sized screen: the app must still answer in Vietnamese.
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_commune_officer_logs_in_and_sees_the_vietnamese_dashboard(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    log_in(page, base, "xa_a")
    page.wait_for_url(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tổng quan")
    assert page.locator('[data-figure="households"]').inner_text() == "2"


def test_another_communes_household_is_not_reachable_in_the_browser(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    log_in(page, base, "xa_a")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/households/")
    listing = page.locator("main").inner_text()
    assert "A1-001" in listing
    assert "B1-001" not in listing
    response = page.goto(f"{base}/households/{world.household_b1.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"{base}/areas/{world.commune_b.code}/")
    assert response is not None and response.status == 404


def test_a_wrong_password_shows_the_vietnamese_error(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    log_in(page, base, "xa_a", "khong-dung")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.get_by_role("alert").inner_text()


def test_demo_user_xa1_sees_the_dashboard_but_cannot_reach_xa2s_households(
    page: Page, live_server: object, official_units: None
) -> None:
    """The issue's own scenario, on the real demo data and demo logins."""
    from giamngheo.accounts import access
    from giamngheo.accounts.models import User
    from giamngheo.demo.loader import DEMO_PASSWORD, load_demo
    from giamngheo.registry.models import Household

    load_demo(households=400, parts=frozenset())
    xa1, xa2 = User.objects.get(username="xa1"), User.objects.get(username="xa2")
    own = access.scoped(Household.objects.all(), xa1)
    others = access.scoped(Household.objects.all(), xa2)
    assert own.exists() and others.exists()
    base = str(live_server)
    log_in(page, base, "xa1", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tổng quan")
    shown = int(page.locator('[data-figure="households"]').inner_text().replace(".", ""))
    assert shown == own.count()
    foreign = others.first()
    assert foreign is not None
    response = page.goto(f"{base}/households/{foreign.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"{base}/areas/{foreign.commune.code}/")
    assert response is not None and response.status == 404
    page.goto(f"{base}/households/?q={foreign.code}")
    assert foreign.code not in page.locator("main").inner_text()


# Screenshots for a person to look at (the pages changed by issue 11).
SHOTS = Path(os.environ.get("GIAMNGHEO_SCREENSHOTS", "var/screenshots"))


def test_english_chosen_on_the_login_page_leads_to_the_english_dashboard(
    page: Page, live_server: object, world: World
) -> None:
    """Issue 11: the switch on the login page ended in a redirect loop after login."""
    base = str(live_server)
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/accounts/login/?next=/")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{base}/accounts/login/?next=/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Username").fill("xa_a")
    page.get_by_label("Password").fill(PASSWORD)
    redirects: list[str] = []
    page.on("response", lambda r: redirects.append(r.url) if 300 <= r.status < 400 else None)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Overview")
    assert page.locator("html").get_attribute("lang") == "en"
    assert len(redirects) <= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-en.png"), full_page=True)


def test_an_out_of_area_household_shows_the_styled_404_page(
    page: Page, live_server: object, world: World
) -> None:
    base = str(live_server)
    log_in(page, base, "xa_a")
    page.wait_for_url(f"{base}/")
    response = page.goto(f"{base}/households/{world.household_b1.pk}/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Không tìm thấy trang"
    page.get_by_role("link", name="Về trang tổng quan").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/households/{world.household_b1.pk}/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "404.png"), full_page=True)
