"""Status rules (rules.py) at every line, ±1 đồng, and at deprivation counts 2 and 3.

Expected statuses are read off the legal wording in vn_poverty_rules.md: QĐ 59/2015 Art. 2 for
2016-2020, Decree 07/2021 Art. 3(2) for 2022-2025, Decree 351/2025 for 2027-2030 and Circular
07/2021 Art. 1.1 for scores. Each case is checked on the scalar and the vectorised rule.
"""

from __future__ import annotations

import numpy as np
import pytest

from giamngheo.standards.packs import Pack
from giamngheo.standards.rules import (
    decide_by_income,
    decide_by_score,
    status_codes_by_income,
    status_codes_by_score,
)
from giamngheo.standards.schema import STATUSES


def both_paths(pack: Pack, area: str, income: int, count: int) -> str:
    scalar = decide_by_income(pack, area, income, count).status
    vector = status_codes_by_income(
        pack, np.array([area == "urban"]), np.array([income], dtype=np.int64), np.array([count])
    )
    assert STATUSES[int(vector[0])] == scalar
    return scalar


CASES_2016 = [
    # rural: poverty line 700,000; near-poverty line 1,000,000; MSTB up to 1,500,000
    ("rural", 699_999, 0, "poor"),
    ("rural", 700_000, 0, "poor"),  # at or below the line: poor whatever the deprivations
    ("rural", 700_001, 2, "near_poor"),
    ("rural", 700_001, 3, "poor"),
    ("rural", 1_000_000, 2, "near_poor"),
    ("rural", 1_000_000, 3, "poor"),
    ("rural", 1_000_001, 10, "average_living_standard"),
    ("rural", 1_500_000, 0, "average_living_standard"),
    ("rural", 1_500_001, 10, "not_poor"),
    # urban: 900,000 / 1,300,000 / 1,950,000
    ("urban", 900_000, 0, "poor"),
    ("urban", 900_001, 0, "near_poor"),
    ("urban", 1_300_000, 3, "poor"),
    ("urban", 1_300_001, 3, "average_living_standard"),
    ("urban", 1_950_000, 0, "average_living_standard"),
    ("urban", 1_950_001, 0, "not_poor"),
]


@pytest.mark.parametrize(("area", "income", "count", "status"), CASES_2016)
def test_2016_2020(pack_2016: Pack, area: str, income: int, count: int, status: str) -> None:
    assert both_paths(pack_2016, area, income, count) == status


CASES_2022 = [
    # rural: line 1,500,000; MSTB up to 2,250,000
    ("rural", 0, 0, "near_poor"),
    ("rural", 1_500_000, 2, "near_poor"),  # at or below the line but fewer than 3: near-poor
    ("rural", 1_500_000, 3, "poor"),
    ("rural", 1_499_999, 12, "poor"),
    ("rural", 1_500_001, 12, "average_living_standard"),  # no deprivation condition for MSTB
    ("rural", 2_250_000, 0, "average_living_standard"),
    ("rural", 2_250_001, 5, "not_poor"),
    # urban: line 2,000,000; MSTB up to 3,000,000
    ("urban", 1_500_001, 3, "poor"),
    ("urban", 2_000_000, 3, "poor"),
    ("urban", 2_000_000, 2, "near_poor"),
    ("urban", 2_000_001, 3, "average_living_standard"),
    ("urban", 3_000_000, 3, "average_living_standard"),
    ("urban", 3_000_001, 3, "not_poor"),
]


@pytest.mark.parametrize(("area", "income", "count", "status"), CASES_2022)
def test_2022_2025(pack_2022: Pack, area: str, income: int, count: int, status: str) -> None:
    assert both_paths(pack_2022, area, income, count) == status


CASES_2027 = [
    ("rural", 2_200_000, 3, "poor"),
    ("rural", 2_200_000, 2, "near_poor"),
    ("rural", 2_200_001, 12, "not_poor"),  # no MSTB band known for 2027-2030
    ("urban", 2_800_000, 3, "poor"),
    ("urban", 2_800_000, 0, "near_poor"),
    ("urban", 2_800_001, 0, "not_poor"),
]


@pytest.mark.parametrize(("area", "income", "count", "status"), CASES_2027)
def test_2027_2030(pack_2027: Pack, area: str, income: int, count: int, status: str) -> None:
    assert both_paths(pack_2027, area, income, count) == status


SCORE_CASES = [
    ("rural", 140, 3, "poor"),  # A <= 140 and B = 30 >= 30
    ("rural", 140, 2, "near_poor"),  # B = 20 < 30
    ("rural", 141, 12, "not_poor"),
    ("urban", 175, 3, "poor"),
    ("urban", 175, 0, "near_poor"),
    ("urban", 176, 3, "not_poor"),
    ("rural", 0, 0, "near_poor"),
]


@pytest.mark.parametrize(("area", "score_a", "count", "status"), SCORE_CASES)
def test_score_method(pack_2022: Pack, area: str, score_a: int, count: int, status: str) -> None:
    scalar = decide_by_score(pack_2022, area, score_a, count)
    vector = status_codes_by_score(
        pack_2022,
        np.array([area == "urban"]),
        np.array([score_a], dtype=np.int64),
        np.array([count]),
    )
    assert scalar.status == status
    assert STATUSES[int(vector[0])] == status
    assert scalar.values["score_b"] == 10 * count


def test_score_method_is_refused_where_the_law_defines_none(pack_2027: Pack) -> None:
    with pytest.raises(ValueError, match="no score method"):
        decide_by_score(pack_2027, "rural", 100, 3)


def test_the_outcome_names_the_clause_and_the_numbers(pack_2022: Pack) -> None:
    outcome = decide_by_income(pack_2022, "urban", 1_999_999, 4)
    assert outcome.clause == "at_or_below_line_with_deprivations"
    assert outcome.values["poverty_line"] == 2_000_000
    assert outcome.values["count"] == 4
