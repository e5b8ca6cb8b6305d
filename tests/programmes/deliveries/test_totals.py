"""Totals per programme (rolled up the tree), area and year reconcile with the rows.

The fixture is counted by hand (amounts in đồng):

| household | programme       | date       | amount    |
|-----------|-----------------|------------|-----------|
| A1        | da3.tda2        | 2025-03-01 | 1,000,000 |
| A1        | da3.tda2        | 2026-02-01 |   500,000 |
| A1        | da3 (project)   | 2026-03-01 |   200,000 |
| A2        | da2             | 2026-04-01 | 3,000,000 |
| A2        | bhyt (policy)   | 2026-01-10 |      none |
| B1        | da3.tda2        | 2026-05-01 |   700,000 |
| X1 (other province) | da2   | 2026-05-02 | 9,000,000 |
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from giamngheo.programmes.deliveries import selectors
from giamngheo.programmes.models import SupportRecord
from tests.conftest import World
from tests.programmes.deliveries.conftest import Tree, give

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def rows(world: World, tree: Tree) -> None:
    give(world.household_a1, tree.subproject, 1_000_000, D(2025, 3, 1))
    give(world.household_a1, tree.subproject, 500_000, D(2026, 2, 1))
    give(world.household_a1, tree.project, 200_000, D(2026, 3, 1))
    give(world.household_a2, tree.other_project, 3_000_000, D(2026, 4, 1))
    give(world.household_a2, tree.policy, None, D(2026, 1, 10), kind="insurance")
    give(world.household_b1, tree.subproject, 700_000, D(2026, 5, 1))
    give(world.household_x1, tree.other_project, 9_000_000, D(2026, 5, 2))


def _lines(lines: list[selectors.Total]) -> dict[str, tuple[int, int, Decimal]]:
    return {line.key.code: (line.records, line.households, line.amount) for line in lines}  # type: ignore[attr-defined]


def test_the_tree_rolls_up_for_the_province(world: World, tree: Tree, rows: None) -> None:
    found = _lines(selectors.totals_by_programme(selectors.support_rows(world.tinh)))
    assert found == {
        "ctmtqg-test": (5, 3, Decimal(5_400_000)),
        "ctmtqg-test.da2": (1, 1, Decimal(3_000_000)),
        "ctmtqg-test.da3": (4, 2, Decimal(2_400_000)),
        "ctmtqg-test.da3.tda2": (3, 2, Decimal(2_200_000)),
        "bhyt-test": (1, 1, Decimal(0)),
    }


def test_a_parent_is_its_own_rows_plus_its_children(world: World, tree: Tree, rows: None) -> None:
    lines = selectors.totals_by_programme(selectors.support_rows(world.tinh))
    by_pk = {line.key.pk: line for line in lines}  # type: ignore[attr-defined]
    for line in lines:
        kids = [by_pk[pk] for pk in line.children]
        assert line.records == line.own_records + sum(k.records for k in kids)
        assert line.amount == line.own_amount + sum(k.amount for k in kids)
    # Tree order: the programme, its projects in their order, then the policy.
    assert [line.key.code for line in lines] == [  # type: ignore[attr-defined]
        "ctmtqg-test",
        "ctmtqg-test.da2",
        "ctmtqg-test.da3",
        "ctmtqg-test.da3.tda2",
        "bhyt-test",
    ]


def test_totals_equal_the_sum_of_the_rows(world: World, tree: Tree, rows: None) -> None:
    for user in (world.tinh, world.xa_a, world.admin, world.ctv):
        for year in (None, 2025, 2026):
            rows_seen = selectors.support_rows(user, year=year)
            listed = list(rows_seen)
            grand = selectors.grand_total(rows_seen)
            assert grand.records == len(listed)
            assert grand.amount == sum((r.amount or 0 for r in listed), Decimal(0))
            assert grand.households == len({r.household_id for r in listed})
            roots = [t for t in selectors.totals_by_programme(rows_seen) if t.depth == 0]
            assert sum(t.records for t in roots) == len(listed)
            assert sum(t.amount for t in roots) == grand.amount
            by_area = selectors.totals_by_area(rows_seen, None)
            assert sum(t.amount for t in by_area) == grand.amount
            by_year = selectors.totals_by_year(rows_seen)
            assert sum(t.records for t in by_year) == len(listed)


def test_the_commune_sees_its_own_rows_only(world: World, tree: Tree, rows: None) -> None:
    rows_a = selectors.support_rows(world.xa_a)
    assert selectors.grand_total(rows_a).amount == Decimal(4_700_000)
    assert set(rows_a.values_list("household_id", flat=True)) == {
        world.household_a1.pk,
        world.household_a2.pk,
    }
    # The collaborator of village A1 sees A1's three rows.
    assert selectors.grand_total(selectors.support_rows(world.ctv)).records == 3


def test_by_area_year_and_programme_filter(world: World, tree: Tree, rows: None) -> None:
    rows_2026 = selectors.support_rows(world.tinh, year=2026, area=world.province)
    by_area = {
        t.key: (t.records, t.amount) for t in selectors.totals_by_area(rows_2026, world.province)
    }
    assert by_area == {
        world.commune_a.code: (4, Decimal(3_700_000)),
        world.commune_b.code: (1, Decimal(700_000)),
    }
    # Without a chosen area, the province's officer sees its communes, and the commune's
    # officer its villages, rather than one line with the name of the province.
    assert {t.key for t in selectors.totals_by_area(selectors.support_rows(world.tinh), None)} == {
        world.commune_a.code,
        world.commune_b.code,
    }
    assert {t.key for t in selectors.totals_by_area(selectors.support_rows(world.xa_a), None)} == {
        world.village_a1.code,
        world.village_a2.code,
    }
    by_village = {
        t.key: t.amount
        for t in selectors.totals_by_area(
            selectors.support_rows(world.tinh, area=world.commune_a), world.commune_a
        )
    }
    assert by_village == {
        world.village_a1.code: Decimal(1_700_000),
        world.village_a2.code: Decimal(3_000_000),
    }
    years = {
        t.key: (t.records, t.amount)
        for t in selectors.totals_by_year(selectors.support_rows(world.admin))
    }
    assert years == {2025: (1, Decimal(1_000_000)), 2026: (6, Decimal(13_400_000))}
    project = selectors.support_rows(world.tinh, programme=tree.project)
    assert selectors.grand_total(project).amount == Decimal(2_400_000)
    assert SupportRecord.objects.count() == 7
