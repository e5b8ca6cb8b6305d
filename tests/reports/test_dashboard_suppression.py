"""Small counts hidden in exported and public aggregates; a hidden cell cannot be recovered as
the total minus the other cells."""

from __future__ import annotations

import random
import tomllib
from fractions import Fraction
from typing import Any

import pytest

from giamngheo.reports import dashboard_suppression as ds
from giamngheo.reports.dashboard_tables import Column, Hidden, NumbersTable

RULE = ds.Rule(threshold=5, legal_basis="test", verified=False)


def sub_area_table(poor: list[int]) -> NumbersTable:
    households = [100 + 10 * i for i in range(len(poor))]
    rows = [
        {"name": f"Thôn {i}", "households": h, "poor": p, "poor_rate": Fraction(p, h)}
        for i, (h, p) in enumerate(zip(households, poor, strict=True))
    ]
    total = {"name": "Tổng", "households": sum(households), "poor": sum(poor)}
    return NumbersTable(
        slug="t",
        title="t",
        columns=(
            Column("name", "Tên", "text"),
            Column("households", "Số hộ"),
            Column("poor", "Hộ nghèo"),
            Column("poor_rate", "Tỷ lệ", "percent", of="poor"),
        ),
        rows=rows,
        total=total,
        partition=True,
    )


def recoverable(table: NumbersTable, key: str) -> list[int]:
    """The rows whose hidden ``key`` equals the visible total minus the visible other rows."""
    assert table.total is not None
    total = table.total[key]
    if isinstance(total, Hidden):
        return []
    hidden = [i for i, row in enumerate(table.rows) if isinstance(row[key], Hidden)]
    return hidden if len(hidden) == 1 else []


def test_the_rule_is_data_with_its_basis_and_unverified() -> None:
    with ds.RULE_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    found = ds.rule()
    assert found.threshold == data["threshold"] >= 1
    assert found.legal_basis and found.verified is False


def test_a_small_count_shows_as_below_the_threshold_and_a_second_cell_is_hidden() -> None:
    table = ds.suppress(sub_area_table([3, 40, 12, 0]), RULE)
    cells = [row["poor"] for row in table.rows]
    assert cells[0] == Hidden("<5")
    # The total minus the visible rows would give 3: the smallest other non-zero row is hidden.
    assert cells[2] == Hidden("*")
    assert cells[1] == 40 and cells[3] == 0  # zero identifies nobody
    assert recoverable(table, "poor") == []
    # The rate of a hidden count is hidden with it.
    assert table.rows[0]["poor_rate"] == Hidden("<5")
    assert table.rows[2]["poor_rate"] == Hidden("*")
    assert table.rows[1]["poor_rate"] == Fraction(40, 110)
    assert table.total is not None and table.total["poor"] == 55
    assert table.suppressed


def test_two_small_counts_need_no_complement() -> None:
    table = ds.suppress(sub_area_table([1, 2, 30]), RULE)
    assert [row["poor"] for row in table.rows] == [Hidden("<5"), Hidden("<5"), 30]


def test_a_lone_sub_area_hides_the_total() -> None:
    table = ds.suppress(sub_area_table([6]), RULE)
    assert table.rows[0]["poor"] == 6  # not small: shown
    table = ds.suppress(sub_area_table([4]), RULE)
    assert table.rows[0]["poor"] == Hidden("<5")
    assert table.total is not None and isinstance(table.total["poor"], Hidden)


def test_a_row_sum_next_to_its_parts_is_hidden_with_one_part() -> None:
    table = NumbersTable(
        slug="d",
        title="d",
        columns=(
            Column("label", "Chỉ số", "text"),
            Column("poor", "Nghèo"),
            Column("near_poor", "Cận nghèo"),
            Column("total", "Cộng"),
        ),
        rows=[
            {"label": "Nhà ở", "poor": 2, "near_poor": 9, "total": 11},
            {"label": "Nước", "poor": 7, "near_poor": 9, "total": 16},
        ],
        sums=(("total", ("poor", "near_poor")),),
    )
    found = ds.suppress(table, RULE)
    assert found.rows[0] == {
        "label": "Nhà ở",
        "poor": Hidden("<5"),
        "near_poor": 9,
        "total": Hidden("*"),
    }
    assert found.rows[1]["total"] == 16


@pytest.mark.parametrize("seed", range(30))
def test_no_hidden_cell_is_recoverable_by_subtraction(seed: int) -> None:
    rng = random.Random(seed)
    poor = [rng.choice([0, 1, 2, 3, 4, 5, 6, 20, 50]) for _ in range(rng.randint(1, 8))]
    table = ds.suppress(sub_area_table(poor), RULE)
    assert recoverable(table, "poor") == []
    for original, row in zip(poor, table.rows, strict=True):
        cell: Any = row["poor"]
        if 0 < original < 5:
            assert cell == Hidden("<5")
        elif not isinstance(cell, Hidden):
            assert cell == original
