"""Status rules: income (or score A) and the deprivation count decide the household's status.

The rule is named in the pack (`classification.rule`); the lines and cut-offs come from the pack.
"At or below" is `<=` on whole đồng, exactly as the law words it ("từ … trở xuống").
Both a scalar (`decide_by_income`, `decide_by_score`) and a vectorised version
(`status_codes_by_income`, `status_codes_by_score`) are given; they must agree exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from giamngheo.standards.columns import BoolArray, IntArray
from giamngheo.standards.pack_model import (
    RULE_INCOME_AND_COUNT,
    RULE_INCOME_ONLY_OR_COUNT,
    ByArea,
    Pack,
    ScoreMethod,
)
from giamngheo.standards.schema import STATUSES

POOR: Final = STATUSES.index("poor")
NEAR_POOR: Final = STATUSES.index("near_poor")
AVERAGE: Final = STATUSES.index("average_living_standard")
NOT_POOR: Final = STATUSES.index("not_poor")

StatusArray = NDArray[np.uint8]

# The vectorised rules compute codes by arithmetic and rely on this order.
if STATUSES != ("poor", "near_poor", "average_living_standard", "not_poor"):  # pragma: no cover
    raise ImportError("status order changed: update the vectorised rules")


@dataclass(frozen=True)
class RuleOutcome:
    """The status and which clause of the rule gave it, with the numbers compared."""

    status: str
    clause: str
    area_type: str
    values: Mapping[str, int] = field(default_factory=dict)


def decide_by_income(pack: Pack, area_type: str, income: int, count: int) -> RuleOutcome:
    """Status from income per person per month (đồng) and the number of deprivations."""
    rule = pack.classification.rule
    cutoff = pack.classification.deprivation_cutoff
    poverty = pack.poverty_line.for_area(area_type)
    values: dict[str, int] = {
        "income": income,
        "poverty_line": poverty,
        "count": count,
        "cutoff": cutoff,
    }

    def outcome(status: str, clause: str) -> RuleOutcome:
        return RuleOutcome(status, clause, area_type, values)

    if rule == RULE_INCOME_ONLY_OR_COUNT:
        near = _required(pack.near_poverty_line, "near_poverty").for_area(area_type)
        values["near_poverty_line"] = near
        # QĐ 59/2015 Art. 2: at or below the poverty line is poor whatever the deprivations;
        # above it and at or below the near-poverty line, poor with >= 3 deprivations.
        if income <= poverty:
            return outcome("poor", "income_at_or_below_poverty_line")
        if income <= near:
            if count >= cutoff:
                return outcome("poor", "near_poverty_band_with_deprivations")
            return outcome("near_poor", "near_poverty_band_few_deprivations")
        values["lower_line"] = near
    elif rule == RULE_INCOME_AND_COUNT:
        # Decree 07/2021 Art. 3(2) and Decree 351/2025: poor needs income at or below the line
        # AND >= 3 deprivations; at or below the line with fewer is near-poor.
        if income <= poverty:
            if count >= cutoff:
                return outcome("poor", "at_or_below_line_with_deprivations")
            return outcome("near_poor", "at_or_below_line_few_deprivations")
        values["lower_line"] = poverty
    else:  # pragma: no cover - packs are validated
        raise ValueError(f"unknown rule {rule!r}")
    if pack.average_upper is not None:
        upper = pack.average_upper.for_area(area_type)
        values["average_upper"] = upper
        if income <= upper:
            return outcome("average_living_standard", "average_band")
        return outcome("not_poor", "above_average_band")
    return outcome("not_poor", "above_lines")


def status_codes_by_income(
    pack: Pack, is_urban: BoolArray, income: IntArray, count: NDArray[np.integer[Any]]
) -> StatusArray:
    """Vectorised `decide_by_income`: codes index `schema.STATUSES`.

    Computed by arithmetic on the nested income bands (each line above the previous one, as
    pack validation ensures): status = not_poor − [at or below each line] − [poor-making
    condition], which is cheaper than masked assignments.
    """
    many = count >= pack.classification.deprivation_cutoff
    near_line = (
        pack.near_poverty_line if pack.classification.rule == RULE_INCOME_ONLY_OR_COUNT else None
    )
    # The top band edge: the MSTB upper bound, or (no MSTB band) the highest line below it, so
    # that households in the lower bands still drop by one before the rule terms below.
    top = pack.average_upper or near_line or pack.poverty_line
    status = np.full(income.shape[0], NOT_POOR, dtype=np.uint8)
    status -= _at_or_below(income, top, is_urban)
    below_line = income <= _line(pack.poverty_line, is_urban)
    if pack.classification.rule == RULE_INCOME_ONLY_OR_COUNT:
        # QĐ 59/2015 Art. 2: poor at or below the poverty line, or in the near-poverty band with
        # enough deprivations; near-poor in that band otherwise.
        near_band = income <= _line(_required(pack.near_poverty_line, "near_poverty"), is_urban)
        status -= near_band.view(np.uint8)
        status -= (near_band & (below_line | many)).view(np.uint8)
    else:
        # Decree 07/2021 Art. 3(2), Decree 351/2025: at or below the line AND >= 3 deprivations.
        status -= below_line.view(np.uint8)
        status -= (below_line & many).view(np.uint8)
    return status


def decide_by_score(pack: Pack, area_type: str, score_a: int, count: int) -> RuleOutcome:
    """Circular 07/2021 Art. 1.1: A at or below the cut-off and B >= 30 is poor, B < 30
    near-poor; otherwise neither. No MSTB by score (MSTB is identified from measured income)."""
    method = score_method_of(pack)
    cutoff = method.income_score_cutoff.for_area(area_type)
    score_b = method.points_per_deprivation * count
    values = {
        "score_a": score_a,
        "score_cutoff": cutoff,
        "score_b": score_b,
        "score_b_cutoff": method.deprivation_score_cutoff,
        "count": count,
        "points": method.points_per_deprivation,
    }
    if score_a <= cutoff:
        if score_b >= method.deprivation_score_cutoff:
            return RuleOutcome("poor", "score_poor", area_type, values)
        return RuleOutcome("near_poor", "score_near_poor", area_type, values)
    return RuleOutcome("not_poor", "score_not_poor", area_type, values)


def status_codes_by_score(
    pack: Pack, is_urban: BoolArray, score_a: IntArray, count: NDArray[np.integer[Any]]
) -> StatusArray:
    method = score_method_of(pack)
    low_a = score_a <= _line(method.income_score_cutoff, is_urban)
    high_b = (
        method.points_per_deprivation * count.astype(np.int64) >= method.deprivation_score_cutoff
    )
    status = np.full(score_a.shape[0], NOT_POOR, dtype=np.uint8)
    status -= low_a.view(np.uint8) * np.uint8(2)
    status -= (low_a & high_b).view(np.uint8)
    return status


def score_method_of(pack: Pack) -> ScoreMethod:
    if pack.score_method is None:
        raise ValueError(f"standard {pack.code} defines no score method (scores A and B)")
    return pack.score_method


def _line(by_area: ByArea, is_urban: BoolArray) -> IntArray:
    """Each household's line: a lookup by area code (0 rural, 1 urban)."""
    lines = np.array([by_area.rural, by_area.urban], dtype=np.int64)
    result: IntArray = lines[is_urban.view(np.uint8)]
    return result


def _at_or_below(values: IntArray, by_area: ByArea, is_urban: BoolArray) -> NDArray[np.uint8]:
    result: NDArray[np.uint8] = (values <= _line(by_area, is_urban)).view(np.uint8)
    return result


def _required(line: ByArea | None, name: str) -> ByArea:
    if line is None:  # pragma: no cover - packs are validated
        raise ValueError(f"the pack has no {name} line")
    return line
