"""The field-collection pages in Chromium: an officer uploads an ODK Central export, watches the
dry run's progress bar finish (the job run by the worker's own code, in a process of its own),
confirms, then accepts a held submission on the conflict page. Screenshots are kept under
``var/screenshots/`` for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.models import F
from playwright.sync_api import Browser, Page, expect

from giamngheo.fieldcollection.models import FieldSubmission, SubmissionStatus
from giamngheo.jobs import worker
from giamngheo.jobs.models import JobStatus
from giamngheo.registry.models import Household
from giamngheo.surveys.models import Survey
from tests.browser import chromium
from tests.conftest import World
from tests.fieldcollection import helpers
from tests.surveys.conftest import b2_answers
from tests.web.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _run_job() -> None:
    finished = worker.run_next_job()
    assert finished is not None and finished.status == JobStatus.SUCCEEDED, finished.error


def test_upload_progress_confirm_and_resolve(
    page: Page,
    live_server: Any,
    world: World,
    tmp_path: Path,
    settings: Any,
    job_processes_use_the_test_database: None,
) -> None:
    settings.VAR_DIR = tmp_path
    SHOTS.mkdir(parents=True, exist_ok=True)
    a1, a2 = world.household_a1, world.household_a2
    subs = [helpers.submission(a1, b2_answers(a1)), helpers.submission(a2, b2_answers(a2))]
    bad = helpers.submission(a1, b2_answers(a1))
    bad["members"][0]["age"] = "abc"
    Household.objects.filter(pk=a2.pk).update(version=F("version") + 1)
    export = helpers.central_zip(tmp_path / "giamngheo_b2_2022.zip", [*subs, bad])
    base = str(live_server)
    log_in(page, base, "xa_a")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/field-collection/")
    page.set_input_files("input[type=file][name=file]", str(export))
    page.locator("#import-form button[type=submit]").click()
    expect(page.locator(".job-progress")).to_be_visible()
    _run_job()  # the page polls every second and shows the finished job
    expect(page.locator("#import-counts")).to_be_visible(timeout=15_000)
    expect(page.locator("#import-errors")).to_contain_text("phải là số nguyên")
    page.screenshot(path=str(SHOTS / "fieldcollection-dry-run.png"), full_page=True)
    assert Survey.objects.count() == 0
    page.locator("#confirm-import").click()
    _run_job()
    expect(page.locator("#import-counts")).to_be_visible(timeout=15_000)
    expect(page.locator("#import-counts .card").first).to_contain_text("1")
    page.goto(f"{base}/field-collection/conflicts/")
    page.get_by_role("link", name="A2-001").click()
    expect(page.locator("#submission-status")).to_contain_text("chờ xử lý")
    page.screenshot(path=str(SHOTS / "fieldcollection-conflict.png"), full_page=True)
    page.locator("#accept").click()
    expect(page.locator("#submission-status")).to_contain_text("đã chấp nhận")
    held = FieldSubmission.objects.get(household=a2)
    assert held.status == SubmissionStatus.ACCEPTED and Survey.objects.count() == 2
    page.screenshot(path=str(SHOTS / "fieldcollection-accepted.png"), full_page=True)
