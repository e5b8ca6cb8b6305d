"""The MSTB band (standards.average_living) at its bounds, exactly.

Decree 07/2021 Art. 3(2)(c): "trên 1.500.000 đồng đến 2.250.000 đồng" (rural), "trên 2.000.000
đồng đến 3.000.000 đồng" (urban): the lower bound is exclusive, the upper inclusive. The income is
the 12-month total over members × 12 (QĐ 24/2021 Art. 2.2), compared without rounding.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from giamngheo.standards.average_living import (
    ABOVE,
    BELOW,
    NO_BAND,
    WITHIN,
    average_band,
    classify_average_living,
    position_of,
)
from giamngheo.standards.packs import Pack

BANDS_2022 = {"rural": (1_500_000, 2_250_000), "urban": (2_000_000, 3_000_000)}


def test_the_2022_pack_carries_the_quoted_bands_with_their_source(pack_2022: Pack) -> None:
    for area, (lower, upper) in BANDS_2022.items():
        band = average_band(pack_2022, area)
        assert band is not None
        assert (band.lower, band.upper) == (lower, upper)
        assert band.verified
    assert pack_2022.average_upper is not None
    source = pack_2022.average_upper.fact.source
    assert "trên 1.500.000 đồng đến 2.250.000 đồng" in source
    assert "trên 2.000.000 đồng đến 3.000.000 đồng" in source


@pytest.mark.parametrize("area", ["rural", "urban"])
def test_lower_bound_exclusive_upper_inclusive(pack_2022: Pack, area: str) -> None:
    lower, upper = BANDS_2022[area]
    band = average_band(pack_2022, area)
    assert position_of(band, lower) == BELOW
    assert position_of(band, Fraction(lower) + Fraction(1, 12)) == WITHIN
    assert position_of(band, lower + 1) == WITHIN
    assert position_of(band, upper) == WITHIN
    assert position_of(band, Decimal(upper) + Decimal("0.01")) == ABOVE
    assert position_of(band, upper + 1) == ABOVE


@pytest.mark.parametrize("members", [1, 3, 7])
def test_twelve_month_income_on_the_bounds(pack_2022: Pack, members: int) -> None:
    months = 12
    lower, upper = BANDS_2022["rural"]
    at_lower = lower * members * months
    at_upper = upper * members * months

    def position(total: int) -> str:
        return classify_average_living(
            pack_2022, "rural", yearly_income=total, members=members
        ).position

    assert position(at_lower) == BELOW
    assert position(at_lower + 1) == WITHIN  # one đồng a year above the line is above it
    assert position(at_upper) == WITHIN
    assert position(at_upper + 1) == ABOVE


def test_2016_band_starts_above_the_near_poverty_line(pack_2016: Pack) -> None:
    band = average_band(pack_2016, "rural")
    assert band is not None
    assert pack_2016.near_poverty_line is not None
    assert band.lower == pack_2016.near_poverty_line.rural


def test_the_2027_pack_sets_no_band(pack_2027: Pack) -> None:
    outcome = classify_average_living(pack_2027, "rural", yearly_income=20_000_000, members=1)
    assert outcome.position == NO_BAND
    assert outcome.band is None


def test_refuses_impossible_inputs(pack_2022: Pack) -> None:
    with pytest.raises(ValueError):
        classify_average_living(pack_2022, "rural", yearly_income=1, members=0)
    with pytest.raises(ValueError):
        classify_average_living(pack_2022, "rural", yearly_income=-1, members=1)


@given(
    total=st.integers(min_value=0, max_value=10**11),
    members=st.integers(min_value=1, max_value=30),
    urban=st.booleans(),
)
def test_position_agrees_with_integer_arithmetic(
    pack_2022: Pack, total: int, members: int, urban: bool
) -> None:
    area = "urban" if urban else "rural"
    lower, upper = BANDS_2022[area]
    outcome = classify_average_living(pack_2022, area, yearly_income=total, members=members)
    denominator = members * 12
    # Cross-multiplied: lower < total / d <= upper  ⇔  lower × d < total <= upper × d.
    if total <= lower * denominator:
        expected = BELOW
    elif total <= upper * denominator:
        expected = WITHIN
    else:
        expected = ABOVE
    assert outcome.position == expected
    assert abs(outcome.monthly_income_rounded - Fraction(total, denominator)) <= Fraction(1, 2)
