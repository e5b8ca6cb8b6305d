"""The report catalogue and an area's figures through the API: the report pages' visibility
(``reports.selectors.can_see``: another commune's, or a commune seen through a village grant,
is a 404) and the dashboards' suppression of small household counts for anyone but the area's
officers."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from giamngheo.areas import services as area_services
from giamngheo.areas.models import AdministrativeUnit, UnitType
from giamngheo.reports import catalogue, selectors
from giamngheo.reports import services as report_services
from giamngheo.reports.dashboard_suppression import rule
from tests.conftest import World, make_household
from tests.review.conftest import set_status

FIGURES = "/api/v1/report-figures/"
FORMS = "/api/v1/report-forms/"
YEAR = 2025


def refreshed(world: World) -> World:
    set_status(world.household_a1, "poor", YEAR)
    set_status(world.household_a2, "near_poor", YEAR)
    set_status(world.household_b1, "poor", YEAR)
    for commune in (world.commune_a, world.commune_b):
        report_services.figures_refresh(actor=None, area=commune, year=YEAR)
    return world


def test_an_officer_reads_the_exact_figures_of_their_commune(world: World, api_as: Any) -> None:
    refreshed(world)
    response = api_as("xa_a").get(f"{FIGURES}{world.commune_a.code}/", year=YEAR)
    assert response.status_code == 200, response.content
    body = response.json()
    exact = selectors.area_figures(world.xa_a, world.commune_a, YEAR)
    assert exact is not None and body["figures"] == dict(exact)
    assert body["suppressed"] is False and body["year"] == YEAR
    assert (body["figures"]["households"], body["figures"]["poor"]) == (2, 1)
    assert body["figures"]["near_poor"] == 1
    assert {s["code"] for s in body["sub_areas"]} == {world.village_a1.code, world.village_a2.code}
    by_code = {s["code"]: s["figures"] for s in body["sub_areas"]}
    assert by_code[world.village_a1.code]["poor"] == 1
    # Without a year: the latest year with figures.
    assert api_as("xa_a").get(f"{FIGURES}{world.commune_a.code}/").json()["year"] == YEAR


def test_others_get_small_counts_hidden_and_nothing_outside_their_reach(
    world: World, api_as: Any
) -> None:
    refreshed(world)
    small = f"<{rule().threshold}"
    inspector = api_as("inspector").get(f"{FIGURES}{world.commune_a.code}/", year=YEAR).json()
    assert inspector["suppressed"] is True
    assert inspector["figures"]["households"] == small and inspector["figures"]["poor"] == small
    by_code = {s["code"]: s["figures"] for s in inspector["sub_areas"]}
    assert by_code[world.village_a1.code]["poor"] == small
    # A zero identifies no one and stays; the total is hidden itself, so no complement needed.
    assert by_code[world.village_a2.code]["poor"] == 0
    # Persons of a hidden count are hidden with it.
    assert inspector["figures"]["poor.people"] == small
    shown_small = {
        key: value
        for key, value in inspector["figures"].items()
        if isinstance(value, int) and 0 < value < rule().threshold
    }
    assert shown_small == {}
    # Another commune: 404; a collaborator of A1: its village, not the commune's total.
    assert api_as("xa_a").get(f"{FIGURES}{world.commune_b.code}/").status_code == 404
    ctv = api_as("ctv")
    assert ctv.get(f"{FIGURES}{world.commune_a.code}/", year=YEAR).status_code == 404
    village = ctv.get(f"{FIGURES}{world.village_a1.code}/", year=YEAR).json()
    assert village["suppressed"] is True and village["figures"]["poor"] == small
    assert village["sub_areas"] == []
    # The province officer sees the province with its communes, exactly.
    province = api_as("tinh").get(f"{FIGURES}{world.province.code}/", year=YEAR).json()
    assert province["suppressed"] is False
    assert {s["code"] for s in province["sub_areas"]} == {
        world.commune_a.code,
        world.commune_b.code,
    }


def test_bad_year_and_unknown_area(world: World, api_as: Any) -> None:
    api = api_as("xa_a")
    for year, message in (
        ("abc", "Cần một số nguyên hợp lệ."),
        ("1990", "Giá trị phải lớn hơn hoặc bằng 2016."),
        ("3000", "Giá trị phải nhỏ hơn hoặc bằng 2100."),
    ):
        response = api.get(f"{FIGURES}{world.commune_a.code}/", year=year)
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {"year": [message]}
    assert api.get(f"{FIGURES}NO-SUCH/").status_code == 404


def test_the_catalogue_lists_every_form_and_filters_by_level(world: World, api_as: Any) -> None:
    api = api_as("ctv")
    listed = api.get(FORMS).json()
    assert [f["code"] for f in listed] == [e.code for e in catalogue.all_forms()]
    communal = {f["code"] for f in api.get(FORMS, level="commune").json()}
    assert communal == {e.code for e in catalogue.all_forms() if "commune" in e.levels}
    assert "list-poor" in communal
    first = catalogue.all_forms()[0]
    detail = api.get(f"{FORMS}{first.code}/").json()
    assert detail["title"] == first.title and detail["verified"] == first.verified
    assert api.get(f"{FORMS}no-such-form/").status_code == 404
    bad = api.get(FORMS, level="village")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["level"]


def test_a_hidden_count_cannot_be_found_by_subtraction(world: World, api_as: Any) -> None:
    """Village A1: 6 poor households, A2: 2, the commune: 8 (shown). A2's 2 is hidden, so A1's
    6 is hidden too ("*"): else 8 − 6 gives A2's."""
    set_status(world.household_a1, "poor", YEAR)
    set_status(world.household_a2, "poor", YEAR)
    set_status(make_household(world.village_a2, "A2-002", "Hà Thị Hai"), "poor", YEAR)
    for n in range(5):
        set_status(make_household(world.village_a1, f"A1-1{n}", f"Hộ {n}"), "poor", YEAR)
    report_services.figures_refresh(actor=None, area=world.commune_a, year=YEAR)
    body = api_as("inspector").get(f"{FIGURES}{world.commune_a.code}/", year=YEAR).json()
    by_code = {s["code"]: s["figures"] for s in body["sub_areas"]}
    assert body["figures"]["poor"] == 8
    assert by_code[world.village_a2.code]["poor"] == f"<{rule().threshold}"
    assert by_code[world.village_a1.code]["poor"] == "*"
    exact = api_as("xa_a").get(f"{FIGURES}{world.commune_a.code}/", year=YEAR).json()
    assert {s["code"]: s["figures"]["poor"] for s in exact["sub_areas"]} == {
        world.village_a1.code: 6,
        world.village_a2.code: 2,
    }


def test_the_queries_do_not_grow_with_the_sub_areas(
    world: World, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    refreshed(world)
    api = api_as("tinh")
    url = f"{FIGURES}{world.province.code}/"
    api.get(url, year=YEAR)  # warm-up (the token's last use is stamped once a minute)
    with CaptureQueriesContext(connection) as two:
        assert len(api.get(url, year=YEAR).json()["sub_areas"]) == 2
    # Three more communes with households and figures.
    communes = AdministrativeUnit.objects.filter(parent=world.province, level="commune")
    for n, commune in enumerate(
        communes.exclude(pk__in=[world.commune_a.pk, world.commune_b.pk])[:3]
    ):
        village = area_services.village_create(
            actor=None, commune=commune, name=f"Thôn Thử {n}", unit_type=UnitType.THON
        )
        set_status(make_household(village, f"Q-{n}", f"Hộ {n}"), "poor", YEAR)
        report_services.figures_refresh(actor=None, area=commune, year=YEAR)
    with django_assert_max_num_queries(len(two.captured_queries)):
        assert len(api.get(url, year=YEAR).json()["sub_areas"]) == 5
