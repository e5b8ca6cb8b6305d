"""The dashboard panels read from the review, workforce, training and programmes apps: what they
count, scoped to the viewer, in a number of queries that does not grow with the communes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.registry.models import Household
from giamngheo.reports import dashboard_panels
from giamngheo.review import services as review_services
from tests.conftest import World

pytestmark = pytest.mark.django_db
YEAR = 2025


def communes_of(province: AdministrativeUnit) -> int:
    return AdministrativeUnit.objects.filter(
        parent=province, level=Level.COMMUNE, valid_to__isnull=True
    ).count()


def counts(table: object) -> dict[str, int]:
    return {row["state"]: row["communes"] for row in table.rows}  # type: ignore[attr-defined]


def test_review_progress_counts_the_communes_by_step(world: World) -> None:
    review_services.round_create(actor=world.xa_a, commune=world.commune_a, year=YEAR)
    table = dashboard_panels.review_progress(world.tinh, world.province, YEAR)
    found = counts(table)
    assert found["Lập kế hoạch"] == 1
    assert found["Chưa mở đợt rà soát"] == communes_of(world.province) - 1
    assert table.total == {"state": "Tổng số xã", "communes": communes_of(world.province)}
    # The commune's officer sees their commune; commune B's officer sees no round in A.
    assert counts(dashboard_panels.review_progress(world.xa_a, world.commune_a, YEAR)) == {
        **{key: 0 for key in found},
        "Lập kế hoạch": 1,
    }
    mine = counts(dashboard_panels.review_progress(world.xa_b, world.commune_b, YEAR))
    assert mine["Lập kế hoạch"] == 0 and mine["Chưa mở đợt rà soát"] == 1
    # A village shows its commune's round.
    assert (
        counts(dashboard_panels.review_progress(world.ctv, world.village_a1, YEAR))["Lập kế hoạch"]
        == 1
    )


def test_review_progress_queries_do_not_grow_with_the_rounds(world: World) -> None:
    review_services.round_create(actor=world.xa_a, commune=world.commune_a, year=YEAR)
    dashboard_panels.review_progress(world.tinh, world.province, YEAR)  # the grants, cached
    with CaptureQueriesContext(connection) as one:
        dashboard_panels.review_progress(world.tinh, world.province, YEAR)
    review_services.round_create(actor=world.xa_b, commune=world.commune_b, year=YEAR)
    with CaptureQueriesContext(connection) as two:
        table = dashboard_panels.review_progress(world.tinh, world.province, YEAR)
    assert counts(table)["Lập kế hoạch"] == 2
    assert len(two.captured_queries) == len(one.captured_queries)


def test_workforce_and_training_panels_are_kept_by_commune(world: World) -> None:
    today = dt.date(2026, 12, 7)
    assert dashboard_panels.workforce_reporting(world.ctv, world.village_a1, today) is None
    assert dashboard_panels.training_coverage(world.ctv, world.village_a1, YEAR) is None
    reporting = dashboard_panels.workforce_reporting(world.tinh, world.province, today)
    assert reporting is not None
    assert "11/2026" in reporting.title
    assert reporting.total is not None and reporting.total["expected"] == 0
    coverage = dashboard_panels.training_coverage(world.tinh, world.province, YEAR)
    assert coverage is not None and coverage.rows == []


def test_programme_reach_without_support_is_empty(world: World) -> None:
    table = dashboard_panels.programme_reach(world.tinh, world.province, YEAR, households=3)
    assert table.rows == []
    assert dashboard_panels.previous_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)


def test_the_what_if_answers_for_households_without_birth_dates(world: World) -> None:
    """The world's members have a birth year only (no date): the page answers, no 5xx."""
    client = Client()
    client.force_login(world.xa_a)
    response = client.get("/reports/dashboard/what-if/", {"area": world.commune_a.code})
    assert response.status_code == 200
    found = response.context["found"]
    assert found.households == Household.objects.filter(commune=world.commune_a).count()
    assert found.skipped + (found.result.n if found.result else 0) == found.households
