"""Graduation and reach on a hand-counted fixture (support year 2025; reviews 2024 and 2025):

| household | review 2024 | review 2025 | support 2025 | counts as |
|-----------|-------------|-------------|--------------|-----------|
| H1 (A1)   | poor        | not poor    | 3,000,000    | escaped   |
| H2 (A2)   | poor        | poor        | 1,000,000    | —         |
| H3 (A1)   | near-poor   | poor        | 2,000,000    | fell back |
| H4 (A1)   | poor        | near-poor   | none         | not reached |
| H5 (A1)   | —           | —           |   500,000    | reached, no reviews |

Reached 4, amount 6,500,000: 1,625,000 per household reached, 6,500,000 per household escaped.
On the registry, H2 and H4 are poor; H4 received nothing in 2025 and is listed, H2 is not.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from giamngheo.programmes.deliveries import reach
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household
from giamngheo.surveys import services as survey_services
from tests.conftest import World, make_household
from tests.programmes.deliveries.conftest import Tree, give
from tests.surveys.conftest import b2_answers

pytestmark = pytest.mark.django_db
D = dt.date


def _b2(household: Household, status: str, year: int) -> None:
    income, deprived = {
        "poor": (1_200_000, 3),
        "near_poor": (1_200_000, 0),
        "not_poor": (6_000_000, 0),
    }[status]
    on = D(year, 10, 1)
    survey = survey_services.survey_record(
        actor=None,
        household=household,
        form="b2-2022",
        review_year=year,
        surveyed_on=on,
        answers=b2_answers(household, income=income, deprived=deprived, on=on),
        surveyor_name="Rà soát viên",
    )
    assert survey.status == status


def _status(household: Household, status: str) -> None:
    registry_services.household_status_set(
        actor=None,
        household=household,
        status=status,
        standard="2022-2025",
        year=2025,
        basis="Quyết định công nhận (dữ liệu thử)",
    )


@pytest.fixture
def households(world: World, tree: Tree) -> dict[str, Household]:
    h = {
        "H1": world.household_a1,
        "H2": world.household_a2,
        "H3": make_household(world.village_a1, "A1-003", "Đỗ Văn Ba"),
        "H4": make_household(world.village_a1, "A1-004", "Vũ Thị Bốn"),
        "H5": make_household(world.village_a1, "A1-005", "Hà Văn Năm"),
    }
    for name, before, after in (
        ("H1", "poor", "not_poor"),
        ("H2", "poor", "poor"),
        ("H3", "near_poor", "poor"),
        ("H4", "poor", "near_poor"),
    ):
        _b2(h[name], before, 2024)
        _b2(h[name], after, 2025)
    for name in ("H2", "H4"):
        _status(h[name], "poor")
    _status(h["H1"], "near_poor")
    give(h["H1"], tree.subproject, 3_000_000, D(2025, 4, 1))
    give(h["H2"], tree.project, 1_000_000, D(2025, 5, 1))
    give(h["H3"], tree.other_project, 2_000_000, D(2025, 6, 1))
    give(h["H5"], tree.subproject, 500_000, D(2025, 7, 1))
    # Outside the year or the area: not counted.
    give(h["H4"], tree.subproject, 800_000, D(2026, 1, 5))
    give(world.household_b1, tree.subproject, 900_000, D(2025, 4, 1))
    return h


def test_reach_escaped_fell_back_and_cost(world: World, tree: Tree, households: dict) -> None:
    found = reach.programme_reach(world.xa_a, year=2025, programme=tree.root)
    assert found.reached == 4
    assert found.amount == Decimal(6_500_000)
    assert found.with_both_reviews == 3
    assert found.escaped_households == [households["H1"].pk]
    assert found.fell_back_households == [households["H3"].pk]
    assert (found.escaped, found.fell_back) == (1, 1)
    assert found.cost_per_reached == Decimal(1_625_000)
    assert found.cost_per_escaped == Decimal(6_500_000)
    # By registry status: H1 near-poor, H2 poor, H3 and H5 without a status.
    assert found.by_status == {"near_poor": 1, "poor": 1, "": 2}


def test_reach_of_a_project_and_of_a_village(world: World, tree: Tree, households: dict) -> None:
    project = reach.programme_reach(world.xa_a, year=2025, programme=tree.project)
    assert (project.reached, project.amount, project.escaped) == (3, Decimal(4_500_000), 1)
    village = reach.programme_reach(world.tinh, year=2025, area=world.village_a2)
    assert (village.reached, village.escaped, village.fell_back) == (1, 0, 0)
    province = reach.programme_reach(world.tinh, year=2025)
    assert province.reached == 5  # B1 too


def test_priority_groups_are_counted(world: World, tree: Tree, households: dict) -> None:
    Household.objects.filter(pk=households["H3"].pk).update(is_ethnic_minority=True)
    found = reach.programme_reach(world.xa_a, year=2025)
    assert found.by_priority["is_ethnic_minority"] == 1
    assert found.by_priority["is_merit_family"] == 0


def test_poor_households_that_received_nothing(world: World, tree: Tree, households: dict) -> None:
    listed = list(reach.poor_without_support(world.xa_a, year=2025))
    assert listed == [households["H4"]]
    # In 2026 H4 received something and H2 nothing.
    assert list(reach.poor_without_support(world.xa_a, year=2026)) == [households["H2"]]
    # Commune B's officer does not see commune A's households.
    assert not list(reach.poor_without_support(world.xa_b, year=2025))


def test_no_support_no_cost(world: World, tree: Tree, households: dict) -> None:
    found = reach.programme_reach(world.xa_a, year=2024)
    assert (found.reached, found.cost_per_reached, found.cost_per_escaped) == (0, None, None)
