"""The dashboard pages on the demo province: what each role sees, the figures against an
independent count and against the Alkire–Foster engine, the downloads read back with small
counts hidden, the what-if, and a number of queries that does not grow with the sub-areas."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import openpyxl
import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from giamngheo.accounts.models import User
from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.demo import loader
from giamngheo.registry.models import Household
from giamngheo.reports import dashboard_measures as dm
from giamngheo.reports import selectors, services
from giamngheo.standards.measures import AFSpec, alkire_foster
from giamngheo.standards.packs import load_pack
from giamngheo.surveys.models import Survey

YEAR = 2025
URL = "/reports/dashboard/"


@pytest.fixture(scope="module")
def province(django_db_setup: None, django_db_blocker: Any) -> Iterator[AdministrativeUnit]:
    with django_db_blocker.unblock(), transaction.atomic():
        if not AdministrativeUnit.objects.filter(level=Level.PROVINCE).exists():
            area_services.load_official_units()
        loader.load_demo(households=400, seed=3, parts=frozenset({"surveys"}))
        found = AdministrativeUnit.objects.get(code="44")
        for year in (2024, YEAR):
            services.figures_refresh(actor=None, area=found, year=year)
        yield found
        transaction.set_rollback(True)


@pytest.fixture
def demo(province: AdministrativeUnit, db: None) -> AdministrativeUnit:
    return province


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def home(username: str) -> AdministrativeUnit:
    user = User.objects.get(username=username)
    grant = user.grants.select_related("area").first()
    assert grant is not None and grant.area is not None
    return grant.area


def panels(html: str) -> list[str]:
    return re.findall(r'data-panel="([a-z-]+)"', html)


def test_the_province_officer_sees_every_panel_with_its_chart_and_numbers(
    demo: AdministrativeUnit,
) -> None:
    response = client_of("tinh").get(URL, {"area": demo.code, "year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert panels(html) == [
        "rates",
        "deprivations",
        "sub-areas",
        "af-indicators",
        "af-sub-areas",
        "review-progress",
        "workforce-reporting",
        "training-coverage",
        "programme-reach",
    ]
    assert html.count('role="img"') >= 5
    assert 'data-suppressed="1"' not in html  # an officer of the area sees exact counts
    # The households card against an independent count of the registry.
    households = Household.objects.filter(province=demo).count()
    figures = selectors.area_figures(None, demo, YEAR)
    assert figures is not None and figures["households"] == households
    card = re.search(r'data-card="households">([^<]+)<', html)
    assert card is not None and card.group(1) == f"{households:,}".replace(",", ".")


def test_the_sub_areas_are_the_communes_with_their_own_counts(demo: AdministrativeUnit) -> None:
    html = client_of("tinh").get(URL, {"area": demo.code, "year": YEAR}).content.decode()
    table = html.split('data-numbers="sub-areas"', 1)[1].split("</table>", 1)[0]
    links = re.findall(r'<a href="\?area=(\d+)&amp;year=2025">', table)
    with_households = (
        Household.objects.filter(province=demo)
        .values("commune__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert sorted(links) == sorted(row["commune__code"] for row in with_households)


def test_alkire_foster_matches_the_engine_on_the_years_surveys(demo: AdministrativeUnit) -> None:
    figures = selectors.area_figures(None, demo, YEAR)
    assert figures is not None
    pack = load_pack(selectors.series(None, demo)[-1].standard)  # type: ignore[index]
    found = dm.af_measures(figures, pack)
    assert found is not None
    spec = AFSpec.from_pack(pack)
    surveys = list(
        Survey.objects.filter(province=demo, review_year=YEAR, deprivation_flags__isnull=False)
        .order_by("household_id", "-surveyed_on", "-pk")
        .distinct("household_id")
        .values_list("deprivation_flags", flat=True)
    )
    flags = {
        code: np.array([bool(row.get(code)) for row in surveys], dtype=bool)
        for code in spec.indicators
    }
    engine = alkire_foster(flags, spec)
    assert found.units == engine.n == len(surveys)
    assert float(found.H) == pytest.approx(engine.H, abs=1e-12)
    assert float(found.A) == pytest.approx(engine.A, abs=1e-12)
    assert float(found.M0) == pytest.approx(engine.M0, abs=1e-12)
    for row in found.indicators:
        assert float(row.contribution) == pytest.approx(
            engine.indicators[row.code].contribution, abs=1e-12
        )


def test_the_queries_do_not_grow_with_the_sub_areas(demo: AdministrativeUnit) -> None:
    by_villages = list(
        Household.objects.filter(province=demo)
        .values("commune")
        .annotate(villages=Count("village", distinct=True))
        .order_by("villages", "commune")
    )
    few = AdministrativeUnit.objects.get(pk=by_villages[0]["commune"])
    many = AdministrativeUnit.objects.get(pk=by_villages[-1]["commune"])
    assert by_villages[0]["villages"] < by_villages[-1]["villages"]
    client = client_of("tinh")
    client.get(URL, {"area": few.code, "year": YEAR})  # sessions, caches
    counted = []
    for commune in (few, many, demo):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"area": commune.code, "year": YEAR})
        assert response.status_code == 200
        counted.append(len(queries.captured_queries))
    assert counted[0] == counted[1]
    assert counted[2] <= counted[0] + 2  # a province adds its communes' count; 78 sub-areas
    assert max(counted) <= 40


def test_downloads_hide_small_counts_and_read_back(demo: AdministrativeUnit) -> None:
    client = client_of("tinh")
    commune = home("xa1")
    parts = dict(
        (unit.name, figures) for unit, figures in selectors.sub_area_figures(None, commune, YEAR)
    )
    response = client.get(f"{URL}numbers/sub-areas.csv", {"area": commune.code, "year": YEAR})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = lines[3]
    rows = lines[4:-1]
    poor_at = header.index("Hộ nghèo")
    assert rows and len(rows) == len(parts)
    hidden = 0
    for row in rows:
        exact = parts[row[0]]["poor"]
        cell = row[poor_at]
        if 0 < exact < 5:
            assert cell == "<5"
            hidden += 1
        elif cell in ("*", "<5"):
            hidden += 1
        else:
            assert int(cell) == exact
    assert hidden != 1  # never a lone hidden cell that the total would reveal
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(f"{URL}numbers/sub-areas.xlsx", {"area": commune.code, "year": YEAR}).content
        )
    )
    sheet = book.active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[3][0] == header[0]
    assert [str(v[poor_at]) for v in values[4:-1]] == [row[poor_at] for row in rows]


def test_a_collaborator_sees_small_counts_hidden_and_no_staff_panel(
    demo: AdministrativeUnit,
) -> None:
    village = home("ctv1")
    response = client_of("ctv1").get(URL, {"area": village.code, "year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-suppressed="1"' in html
    assert "workforce-reporting" not in panels(html)


def test_another_communes_dashboard_is_not_found(demo: AdministrativeUnit) -> None:
    other = home("xa2")
    client = client_of("xa1")
    assert client.get(URL, {"area": other.code}).status_code == 404
    assert client.get(f"{URL}numbers/rates.csv", {"area": other.code}).status_code == 404
    assert client.get(URL, {"area": home("xa1").code, "year": "abc"}).status_code == 404
    assert client.get(f"{URL}numbers/nothing.csv", {"area": home("xa1").code}).status_code == 404


def test_the_what_if_counts_every_household_of_the_commune(demo: AdministrativeUnit) -> None:
    commune = home("xa1")
    response = client_of("xa1").get(f"{URL}what-if/", {"area": commune.code, "year": YEAR})
    assert response.status_code == 200
    found = response.context["found"]
    assert found.households == Household.objects.filter(commune=commune).count()
    assert found.result.n + found.skipped == found.households
    assert found.target.code == "2027-2030"
    html = response.content.decode()
    assert 'data-numbers="what-if"' in html and 'id="chart-what-if"' in html
