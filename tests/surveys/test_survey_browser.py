"""The survey entry page in a real browser on a phone-sized screen (Playwright, Debian's
Chromium): the preview shows the prefilled answers' result when the page opens, sits above the
Save button, follows what is typed, and the Save button (outside the form) records the survey."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from giamngheo.lib import clock
from giamngheo.registry.models import Household
from giamngheo.surveys.models import Survey
from tests.browser import chromium
from tests.conftest import World
from tests.web.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def fixed_day() -> Iterator[None]:
    clock.set_today(dt.date(2025, 11, 3))
    yield
    clock.set_today(None)


def test_the_preview_has_the_result_on_open_and_sits_above_save_on_a_phone(
    phone: Page, live_server: object, world: World, fixed_day: None
) -> None:
    household = world.household_a1
    Household.objects.filter(pk=household.pk).update(
        income=1_000_000, floor_area_m2=40, water_source="piped", latrine_type="septic"
    )
    base = str(live_server)
    log_in(phone, base, "xa_a")
    phone.wait_for_url(f"{base}/")
    phone.goto(f"{base}/surveys/household/{household.pk}/new/b2-2022/")

    # No typing: the prefilled income (below the 1,500,000 đ rural line) is classified.
    status = phone.locator("#preview #status")
    assert status.get_attribute("data-status") in ("poor", "near_poor")
    preview = phone.locator("#preview-box").bounding_box()
    save = phone.get_by_role("button", name="Lưu phiếu").bounding_box()
    assert preview is not None and save is not None
    assert preview["y"] + preview["height"] <= save["y"]
    assert preview["x"] >= 0 and preview["x"] + preview["width"] <= 390  # fits the screen

    # The live preview follows the answers; the Save button submits the form it belongs to.
    phone.locator("#h__income").fill("9.000.000")
    phone.locator("#h__income").press("Tab")  # the change event
    expect(status).to_have_attribute("data-status", "not_poor")
    phone.get_by_role("button", name="Lưu phiếu").click()
    phone.wait_for_url(re.compile(r"/surveys/\d+/$"))
    survey = Survey.objects.get(household=household)
    assert (survey.income, survey.status) == (9_000_000, "not_poor")


def test_on_a_wide_screen_the_preview_is_beside_the_form(
    browser: Browser, live_server: object, world: World, fixed_day: None
) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    base = str(live_server)
    log_in(page, base, "xa_a")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/surveys/household/{world.household_a1.pk}/new/b1-2022/")
    form = page.locator("#survey-form").bounding_box()
    preview = page.locator("#preview-box").bounding_box()
    assert form is not None and preview is not None
    assert preview["x"] >= form["x"] + form["width"]
    context.close()
