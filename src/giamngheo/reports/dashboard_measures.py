"""The dashboard's figures derived from the figures kept per area and year (``AreaFigures``,
read through ``reports.selectors``): rates, deprivations by indicator, sub-areas compared and the
Alkire–Foster measures with their decompositions. Pure: no query; every ratio an exact Fraction.

Alkire–Foster from the additive numerators of the contract (``af.*``): with n units, q poor,
S = Σ censored score numerators over the common denominator L of the weights,

- H = q / n, A = S / (L·q), M0 = S / (L·n);
- contribution of indicator j: w_j·h_j(k) / M0 = W_j·C_j / S, where W_j = w_j·L is its integer
  weight and C_j the number of poor units deprived in j (censored headcount numerator);
- contribution of sub-area l: φ_l·M0_l / M0 = S_l / S (φ_l = n_l / n).

Both decompositions add up to exactly 1 (tests check it, and check H, A, M0 and the
contributions against ``standards.measures.alkire_foster`` on the same households).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Generic, TypeVar

from giamngheo.standards.measures import AFSpec
from giamngheo.standards.pack_model import Pack

Figures = Mapping[str, int]
U = TypeVar("U")


def ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def value(figures: Figures, key: str) -> int:
    return int(figures.get(key, 0) or 0)


@dataclass(frozen=True)
class Rates:
    households: int
    poor: int
    near_poor: int
    poor_rate: Fraction | None
    near_poor_rate: Fraction | None


def rates(figures: Figures) -> Rates:
    households = value(figures, "households")
    poor, near_poor = value(figures, "poor"), value(figures, "near_poor")
    return Rates(households, poor, near_poor, ratio(poor, households), ratio(near_poor, households))


@dataclass(frozen=True)
class YearPoint:
    year: int
    standard: str
    rates: Rates
    changed: bool  # the standard differs from the previous year's


def year_points(series: Sequence[tuple[int, str, Figures]]) -> list[YearPoint]:
    """One point per year (oldest first), flagging the years whose standard is new."""
    points: list[YearPoint] = []
    previous: str | None = None
    for year, standard, figures in sorted(series, key=lambda item: item[0]):
        points.append(
            YearPoint(year, standard, rates(figures), previous is not None and standard != previous)
        )
        previous = standard
    return points


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    label: str
    poor: int
    near_poor: int

    @property
    def total(self) -> int:
        return self.poor + self.near_poor


def indicator_label(pack: Pack, code: str, english: bool = False) -> str:
    for indicator in pack.indicators:
        if indicator.code == code:
            return indicator.label.en if english else indicator.label.vi
    return code


def deprivations(figures: Figures, pack: Pack, english: bool = False) -> list[IndicatorRow]:
    """Poor and near-poor households deprived in each of the pack's indicators, most frequent
    first (ties in the pack's order)."""
    rows = [
        IndicatorRow(
            indicator.code,
            indicator.label.en if english else indicator.label.vi,
            value(figures, f"poor.deprived.{indicator.code}"),
            value(figures, f"near_poor.deprived.{indicator.code}"),
        )
        for indicator in pack.indicators
    ]
    order = {row.code: index for index, row in enumerate(rows)}
    return sorted(rows, key=lambda row: (-row.total, order[row.code]))


@dataclass(frozen=True)
class IndicatorContribution:
    code: str
    label: str
    weight: Fraction
    uncensored: Fraction  # h_j
    censored: Fraction  # h_j(k)
    contribution: Fraction  # w_j h_j(k) / M0


@dataclass(frozen=True)
class AFMeasures:
    units: int  # n
    poor: int  # q
    score_sum: int  # S, over L
    denominator: int  # L
    H: Fraction
    A: Fraction
    M0: Fraction
    indicators: list[IndicatorContribution]


class FiguresMismatch(ValueError):
    """The stored numerators were computed with other weights than the pack's."""


def af_measures(figures: Figures, pack: Pack, english: bool = False) -> AFMeasures | None:
    """H, A, M0 and the contribution of each indicator; None when no household was surveyed."""
    n = value(figures, "af.units")
    if n == 0:
        return None
    spec = AFSpec.from_pack(pack)
    big_l = value(figures, "af.denominator") or spec.denominator
    if big_l != spec.denominator:
        raise FiguresMismatch(f"af.denominator {big_l} is not the pack's {spec.denominator}")
    q, s = value(figures, "af.poor"), value(figures, "af.score_sum")
    rows = []
    for code, weight, integer_weight in zip(
        spec.indicators, spec.weights, spec.integer_weights, strict=True
    ):
        censored = value(figures, f"af.censored.{code}")
        rows.append(
            IndicatorContribution(
                code=code,
                label=indicator_label(pack, code, english),
                weight=weight,
                uncensored=Fraction(value(figures, f"af.deprived.{code}"), n),
                censored=Fraction(censored, n),
                contribution=Fraction(integer_weight * censored, s) if s else Fraction(0),
            )
        )
    rows.sort(key=lambda row: -row.contribution)
    return AFMeasures(
        units=n,
        poor=q,
        score_sum=s,
        denominator=big_l,
        H=Fraction(q, n),
        A=Fraction(s, big_l * q) if q else Fraction(0),
        M0=Fraction(s, big_l * n),
        indicators=rows,
    )


@dataclass(frozen=True)
class SubAreaRow(Generic[U]):
    unit: U
    rates: Rates
    af_units: int
    share: Fraction | None  # φ_l: the sub-area's share of the surveyed units
    H: Fraction | None
    M0: Fraction | None
    contribution: Fraction | None  # φ_l M0_l / M0


def sub_areas(
    area: Figures, parts: Sequence[tuple[U, Figures]], *, sort_key: str = "poor_rate"
) -> list[SubAreaRow[U]]:
    """One row per sub-area with its rates and its part of the area's M0, sorted by
    ``sort_key`` (``poor_rate``, ``near_poor_rate`` or ``contribution``), highest first."""
    n = value(area, "af.units")
    s = value(area, "af.score_sum")
    big_l = value(area, "af.denominator")
    rows: list[SubAreaRow[U]] = []
    for unit, figures in parts:
        n_l, s_l = value(figures, "af.units"), value(figures, "af.score_sum")
        rows.append(
            SubAreaRow(
                unit=unit,
                rates=rates(figures),
                af_units=n_l,
                share=ratio(n_l, n),
                H=ratio(value(figures, "af.poor"), n_l),
                M0=Fraction(s_l, big_l * n_l) if n_l and big_l else None,
                contribution=ratio(s_l, s) if n_l else None,
            )
        )

    def key(row: SubAreaRow[U]) -> tuple[Any, ...]:
        found = getattr(row.rates, sort_key) if sort_key.endswith("rate") else row.contribution
        return (found is None, -(found or 0), str(row.unit))

    return sorted(rows, key=key)
