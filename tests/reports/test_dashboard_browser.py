"""The dashboard in a real browser (Debian's Chromium through Playwright): the SVG charts and
their numbers tables, switching to a sub-area, downloading the numbers; on a phone and a desktop
screen (screenshots written next to the test run for a person to look at)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.demo import loader
from giamngheo.reports import services
from tests.browser import chromium
from tests.conftest import World  # noqa: F401 (the official units fixture comes with it)

DEMO_PASSWORD = "giamngheo-demo"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def test_the_dashboard_shows_charts_switches_area_and_downloads(
    browser: Browser, live_server: object, official_units: None, tmp_path: Path
) -> None:
    loader.load_demo(households=150, seed=3, parts=frozenset({"surveys"}))
    province = AdministrativeUnit.objects.get(code="44")
    services.figures_refresh(actor=None, area=province, year=2025)
    base = str(live_server)
    shots = Path(os.environ.get("GIAMNGHEO_SCREENSHOTS", str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("phone", (375, 800)), ("desktop", (1280, 900))):
        context = browser.new_context(
            locale="vi-VN",
            viewport={"width": viewport[0], "height": viewport[1]},
            accept_downloads=True,
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, found=errors: found.append(str(error)))
        page.on(
            "console",
            lambda m, found=errors: (
                found.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        log_in(page, base, "tinh")
        page.get_by_role("link", name="Số liệu giảm nghèo và biểu đồ").click()
        page.wait_for_url(f"{base}/reports/dashboard/")
        assert page.get_by_role("heading", level=1).inner_text().endswith(province.name)
        charts = page.locator("svg.chart[role=img]")
        assert charts.count() >= 5
        # Every chart fits the screen: no horizontal scrolling on a phone.
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('svg.chart')]"
            ".map(s => s.getBoundingClientRect().right))"
        )
        assert widest <= viewport[0]
        assert page.locator('table[data-numbers="sub-areas"] tbody tr').count() > 1
        page.screenshot(path=str(shots / f"dashboard-{name}.png"), full_page=True)

        # The numbers of a chart, downloaded.
        with page.expect_download() as download_info:
            page.locator('#sub-areas a[data-download="csv"]').click()
        text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        assert lines[3][0] == "Xã" and len(lines) > 5
        with page.expect_download() as download_info:
            page.locator('#deprivations a[data-download="xlsx"]').click()
        book = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
        assert book.active is not None and book.active.max_row > 4

        # Drill down to the first commune of the comparison.
        first = page.locator('table[data-numbers="sub-areas"] tbody tr a').first
        commune = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text().endswith(commune)
        assert page.locator("nav.crumbs a", has_text=province.name).count() == 1
        assert page.locator("svg.chart").count() >= 2
        page.screenshot(path=str(shots / f"dashboard-commune-{name}.png"), full_page=True)
        assert errors == []  # no CSP violation, no script error
        context.close()


def test_the_what_if_of_a_large_area_runs_as_a_job_with_its_progress_bar(
    browser: Browser,
    live_server: object,
    official_units: None,
    tmp_path: Path,
    settings: object,
    job_processes_use_the_test_database: None,
) -> None:
    from giamngheo.jobs import worker
    from giamngheo.jobs.models import Job

    loader.load_demo(households=150, seed=3, parts=frozenset({"surveys"}))
    province = AdministrativeUnit.objects.get(code="44")
    settings.GIAMNGHEO_WHATIF_INLINE_LIMIT = 10  # type: ignore[attr-defined]
    base = str(live_server)
    shots = Path(os.environ.get("GIAMNGHEO_SCREENSHOTS", str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, base, "tinh")
    page.goto(f"{base}/reports/dashboard/what-if/?area={province.code}&year=2025")
    page.get_by_role("button", name="Tính toán").click()
    bar = page.locator("[data-what-if-job] progress")
    bar.wait_for()
    assert Job.objects.filter(kind="reports.what_if").count() == 1
    page.screenshot(path=str(shots / "what-if-job-progress.png"), full_page=True)
    finished = worker.run_next_job()
    assert finished is not None and finished.status == "succeeded", finished.error
    # The bar polls every second; when the job ends the page reloads with the result.
    page.locator('table[data-numbers="what-if"]').wait_for(timeout=15_000)
    assert page.locator("svg#chart-what-if").count() == 1
    assert page.locator("[data-what-if-stored]").count() == 1
    total = page.locator('table[data-numbers="what-if"] tr.total td').last.inner_text()
    assert int(total.replace(".", "")) == finished.result["households"] - finished.result["skipped"]
    page.screenshot(path=str(shots / "what-if-job-result.png"), full_page=True)
    assert errors == []
    context.close()
