"""The average-living-standard band (hộ có mức sống trung bình, MSTB) of a standard.

Decree 07/2021/NĐ-CP Art. 3(2)(c): "trên 1.500.000 đồng đến 2.250.000 đồng" (rural), "trên
2.000.000 đồng đến 3.000.000 đồng" (urban). "trên … đến …": the lower bound (the poverty line, or
under QĐ 59/2015 the near-poverty line) is exclusive, the upper bound inclusive, and there is no
deprivation condition. Both bounds are the pack's data (`income_lines`), with their source and
verification flag; a pack without an MSTB band (2027-2030: bounds not found) classifies nobody.

QĐ 24/2021 Art. 2.2: MSTB is identified from the household's income over the 12 months before the
review (state social assistance excluded), so the income here is a yearly total divided by the
members and the months: compared as exact fractions, never rounded, so a household exactly on a
bound lands on the side the law says.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Final

from giamngheo.standards.pack_model import RULE_INCOME_ONLY_OR_COUNT, Fact, Pack

BELOW: Final = "below"  # at or below the lower bound: a poverty / near-poverty matter, not MSTB
WITHIN: Final = "within"  # lower < income <= upper: average living standard
ABOVE: Final = "above"  # above the upper bound
NO_BAND: Final = "no_band"  # the standard sets no MSTB band
POSITIONS: Final = (BELOW, WITHIN, ABOVE, NO_BAND)


@dataclass(frozen=True)
class AverageBand:
    """The MSTB band of one area type: ``lower < income <= upper`` (đồng per person per month)."""

    area_type: str
    lower: int
    upper: int
    lower_fact: Fact
    upper_fact: Fact

    @property
    def verified(self) -> bool:
        return self.lower_fact.verified and self.upper_fact.verified

    def contains(self, income: Fraction | Decimal | int) -> bool:
        value = Fraction(income)
        return self.lower < value <= self.upper


@dataclass(frozen=True)
class AverageOutcome:
    """Where a household's income falls against the band, with the exact monthly income."""

    position: str
    monthly_income: Fraction
    band: AverageBand | None

    @property
    def is_average(self) -> bool:
        return self.position == WITHIN

    @property
    def monthly_income_rounded(self) -> int:
        """Whole đồng for display only (half up); the classification used the exact fraction."""
        return int((self.monthly_income + Fraction(1, 2)) // 1)


def average_band(pack: Pack, area_type: str) -> AverageBand | None:
    """The pack's MSTB band for ``area_type`` ("rural"/"urban"), or None when it sets none."""
    if pack.average_upper is None:
        return None
    lower_line = pack.poverty_line
    if pack.classification.rule == RULE_INCOME_ONLY_OR_COUNT and pack.near_poverty_line:
        # QĐ 59/2015: the MSTB band starts above the near-poverty line.
        lower_line = pack.near_poverty_line
    return AverageBand(
        area_type=area_type,
        lower=lower_line.for_area(area_type),
        upper=pack.average_upper.for_area(area_type),
        lower_fact=lower_line.fact,
        upper_fact=pack.average_upper.fact,
    )


def position_of(band: AverageBand | None, income: Fraction | Decimal | int) -> str:
    if band is None:
        return NO_BAND
    value = Fraction(income)
    if value <= band.lower:
        return BELOW
    if value <= band.upper:
        return WITHIN
    return ABOVE


def classify_average_living(
    pack: Pack, area_type: str, *, yearly_income: int, members: int, months: int = 12
) -> AverageOutcome:
    """Classify a household from its income over ``months`` (QĐ 24/2021 Art. 2.2: 12) and its
    number of members: per person per month = yearly_income / (members × months), exactly."""
    if members < 1:
        raise ValueError("a household has at least one member")
    if months < 1:
        raise ValueError("the income period has at least one month")
    if yearly_income < 0:
        raise ValueError("income is not negative")
    monthly = Fraction(yearly_income, members * months)
    band = average_band(pack, area_type)
    return AverageOutcome(position_of(band, monthly), monthly, band)
