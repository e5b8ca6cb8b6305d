"""The report pages: scoped (another commune → 404), the forms of the area's level, the
downloads read back, the officers' refresh, and query counts that do not grow with the number
of sub-areas."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from giamngheo.areas import services as area_services
from giamngheo.jobs.models import Job
from giamngheo.lib.pdf import extract_text
from giamngheo.registry.models import Household
from giamngheo.reports import selectors, services
from tests.conftest import log_in, make_household
from tests.reports.conftest import YEAR, ReportWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(report_world: ReportWorld) -> ReportWorld:
    services.figures_refresh(actor=None, area=report_world.world.province, year=YEAR)
    return report_world


def _url(name: str, area: str, *args: str) -> str:
    return f"{reverse(name, args=args)}?area={area}&year={YEAR}"


def test_the_index_shows_the_users_area_and_its_forms(
    client: Client, refreshed: ReportWorld
) -> None:
    w = refreshed.world
    log_in(client, "xa_a")
    page = client.get(reverse("reports:index")).content.decode()
    assert w.commune_a.name in page
    assert reverse("reports:form", args=["2"]) in page
    assert "data-refresh" in page  # a commune officer may refresh
    households = Household.objects.filter(commune=w.commune_a).count()
    assert f'<div class="value">{households}</div>' in page
    log_in(client, "inspector")
    assert "data-refresh" not in client.get(reverse("reports:index")).content.decode()


def test_another_communes_area_is_not_found(client: Client, refreshed: ReportWorld) -> None:
    w = refreshed.world
    log_in(client, "xa_a")
    for url in (
        _url("reports:index", w.commune_b.code),
        _url("reports:form", w.commune_b.code, "1"),
        _url("reports:download", w.commune_b.code, "2", "xlsx"),
        _url("reports:index", w.province.code),
        _url("reports:form", w.province.code, "1"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reports:refresh"), {"area": w.commune_b.code}).status_code == 404
    log_in(client, "ctv")  # a village grant: its village, not the commune's total
    assert client.get(_url("reports:form", w.commune_a.code, "1")).status_code == 404
    assert client.get(_url("reports:index", w.village_a1.code)).status_code == 200


def test_the_form_page_shows_the_table_with_totals(client: Client, refreshed: ReportWorld) -> None:
    w = refreshed.world
    log_in(client, "tinh")
    page = client.get(_url("reports:form", w.province.code, "1")).content.decode()
    assert "TỔNG HỢP KẾT QUẢ CHÍNH THỨC RÀ SOÁT" in page
    assert w.commune_a.name in page and w.commune_b.name in page
    assert "Tổng cộng" in page and "4=3/1*100" in page
    assert "data-unverified" in page
    # A form not made at the village level sends back to the index with the reason.
    assert client.get(_url("reports:form", w.village_a1.code, "1")).status_code == 302
    assert client.get(_url("reports:form", w.province.code, "nope")).status_code == 404


def test_downloads_read_back(client: Client, refreshed: ReportWorld) -> None:
    w = refreshed.world
    log_in(client, "tinh")
    response = client.get(_url("reports:download", w.province.code, "1", "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    households = Household.objects.filter(province=w.province).count()
    assert "Tổng cộng" in cells and str(households) in cells
    assert "ỦY BAN NHÂN DÂN" in cells and f"TỈNH {w.province.name.upper()}" in cells
    response = client.get(_url("reports:download", w.province.code, "2", "pdf"))
    assert response.status_code == 200
    text = unicodedata.normalize("NFC", " ".join(extract_text(response.content).split()))
    assert "DIỄN BIẾN HỘ NGHÈO" in text and "NGƯỜI LẬP BIỂU" in text
    assert "Tổng cộng" in text and w.commune_b.name in text


def test_the_refresh_button_runs_the_job(client: Client, refreshed: ReportWorld) -> None:
    w = refreshed.world
    log_in(client, "xa_a")
    response = client.post(reverse("reports:refresh"), {"area": w.commune_a.code, "year": YEAR})
    job = Job.objects.get(kind="reports.refresh")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.parameters == {"area_code": w.commune_a.code, "year": YEAR}
    # Twice while queued: one job.
    client.post(reverse("reports:refresh"), {"area": w.commune_a.code, "year": YEAR})
    assert Job.objects.filter(kind="reports.refresh").count() == 1


def _count(client: Client, url: str, assert_max: DjangoAssertNumQueries) -> int:
    with assert_max(30) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_report_pages_cost_the_same_queries_whatever_the_number_of_sub_areas(
    client: Client, refreshed: ReportWorld, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    w = refreshed.world
    log_in(client, "tinh")
    urls = [
        _url("reports:index", w.province.code),
        _url("reports:index", w.commune_a.code),
        *(_url("reports:form", w.province.code, code) for code in ("1", "2", "9", "R2")),
        *(_url("reports:form", w.commune_a.code, code) for code in ("1", "8")),
    ]
    before = [_count(client, url, django_assert_max_num_queries) for url in urls]
    # More sub-areas: a third village in commune A with a household, a refreshed province.
    village = area_services.village_create(
        actor=None, commune=w.commune_a, name="Thôn Bốn", unit_type="thon"
    )
    make_household(village, "A4-001", "Hồ Văn Bốn")
    services.figures_refresh(actor=None, area=w.province, year=YEAR)
    after = [_count(client, url, django_assert_max_num_queries) for url in urls]
    assert after == before


def test_selectors_are_scoped_and_give_the_series(refreshed: ReportWorld) -> None:
    w = refreshed.world
    services.figures_refresh(actor=None, area=w.province, year=YEAR - 1)
    assert selectors.area_figures(w.xa_a, w.commune_b, YEAR) is None
    assert selectors.sub_area_figures(w.xa_a, w.province, YEAR) is None
    assert selectors.series(w.outsider, w.commune_a) is None
    own = selectors.area_figures(w.xa_a, w.commune_a, YEAR)
    assert own is not None and own["households"] > 0 and own["no.such.key"] == 0
    villages = selectors.sub_area_figures(w.xa_a, w.commune_a, YEAR)
    assert villages is not None
    expected = [u.pk for u in sorted([w.village_a1, w.village_a2], key=lambda u: u.code)]
    assert [unit.pk for unit, _figures in villages] == expected
    assert sum(f["households"] for _u, f in villages) == own["households"]
    # A village grant sees its village only.
    assert selectors.area_figures(w.ctv, w.commune_a, YEAR) is None
    assert selectors.area_figures(w.ctv, w.village_a1, YEAR) is not None
    series = selectors.series(w.tinh, w.province)
    assert series is not None
    assert [(s.year, s.standard) for s in series] == [(YEAR - 1, "2022-2025"), (YEAR, "2022-2025")]
