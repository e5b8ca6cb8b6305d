"""Alkire–Foster counting measures: H, A, M0, headcounts, contributions, decomposition, changes.

Identification is exact. Weights and the cut-off k are fractions; the weights are turned into
integers over their least common denominator L, so a unit's score is an integer c·L and "poor"
means c·L·den(k) >= num(k)·L — no float is ever compared. (With floats, 1/6 + 1/6 can fall a hair
short of 1/3 and a household on the cut-off would wrongly be non-poor.)

Aggregates are exact rationals when every unit weight is a whole number (households, household
size) and are turned into floats only at the end. Survey weights with decimals are summed as
floats. When nobody is poor, A is reported as 0 and contributions as 0.

References: Alkire & Foster (2011), J. Public Econ. 95:476-487; Alkire et al. (2015), ch. 5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from giamngheo.standards.columns import Array, BoolArray
from giamngheo.standards.evaluators import parse_exact_fraction
from giamngheo.standards.packs import Pack

Number = Fraction | float


class SpecError(ValueError):
    """The indicators, weights or k of an Alkire–Foster job are inconsistent."""


@dataclass(frozen=True)
class AFSpec:
    """Indicators, their weights (summing to exactly 1) and the poverty cut-off k."""

    indicators: tuple[str, ...]
    weights: tuple[Fraction, ...]
    k: Fraction
    dimensions: Mapping[str, str] | None = None  # indicator -> dimension

    @classmethod
    def create(
        cls,
        indicators: Sequence[str],
        *,
        k: Fraction | str | int,
        weights: Mapping[str, Fraction | str | int] | None = None,
        dimensions: Mapping[str, str] | None = None,
    ) -> AFSpec:
        codes = tuple(indicators)
        if not codes:
            raise SpecError("give at least one indicator")
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise SpecError(f"indicator listed twice: {', '.join(duplicates)}")
        if weights is None:
            parsed = tuple(Fraction(1, len(codes)) for _ in codes)
        else:
            unknown = [c for c in weights if c not in codes]
            if unknown:
                raise SpecError(
                    f"weight given for an indicator not in the list: {', '.join(unknown)}"
                )
            missing = [c for c in codes if c not in weights]
            if missing:
                raise SpecError(f"no weight given for: {', '.join(missing)}")
            values: list[Fraction] = []
            for code in codes:
                try:
                    weight = parse_exact_fraction(weights[code])
                except ValueError as error:
                    raise SpecError(f"weight of {code}: {error}") from error
                if weight <= 0:
                    raise SpecError(f"weight of {code} must be greater than 0, got {weight}")
                values.append(weight)
            parsed = tuple(values)
            total = sum(parsed, Fraction(0))
            if total != 1:
                raise SpecError(f"weights must add up to exactly 1; they add up to {total}")
        try:
            cutoff = parse_exact_fraction(k)
        except ValueError as error:
            raise SpecError(f"k: {error}") from error
        if not 0 < cutoff <= 1:
            raise SpecError(f"k must be greater than 0 and at most 1, got {cutoff}")
        if dimensions is not None:
            missing_dims = [c for c in codes if c not in dimensions]
            if missing_dims:
                raise SpecError(f"no dimension given for: {', '.join(missing_dims)}")
        return cls(codes, parsed, cutoff, dimensions)

    @classmethod
    def from_pack(cls, pack: Pack, k: Fraction | str | None = None) -> AFSpec:
        """The pack's indicators, weights and dimensions; k defaults to the deprivation cut-off
        times an equal weight (3/12 = 1/4 for 2022-2025), i.e. the national count rule."""
        cutoff = (
            Fraction(pack.classification.deprivation_cutoff, len(pack.indicators))
            if k is None
            else k
        )
        return cls.create(
            pack.indicator_codes,
            k=cutoff,
            weights={i.code: i.weight for i in pack.indicators},
            dimensions={i.code: i.dimension for i in pack.indicators},
        )

    @property
    def denominator(self) -> int:
        """L: the least common denominator of the weights."""
        return lcm(*(w.denominator for w in self.weights))

    @property
    def integer_weights(self) -> tuple[int, ...]:
        big_l = self.denominator
        return tuple(int(w * big_l) for w in self.weights)

    def to_dict(self) -> dict[str, object]:
        return {
            "indicators": list(self.indicators),
            "weights": {
                c: _fraction_text(w) for c, w in zip(self.indicators, self.weights, strict=True)
            },
            "k": _fraction_text(self.k),
        }


def _fraction_text(value: Fraction) -> str:
    return (
        f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
    )


def scores(flags: Mapping[str, BoolArray], spec: AFSpec) -> NDArray[np.int64]:
    """Deprivation scores as integers over L (score c_i = result / L).

    Indicators sharing a weight are counted together in a small integer type and multiplied
    once, so equal weights cost one multiplication."""
    n = _length(flags, spec)
    by_weight: dict[int, list[str]] = {}
    for code, weight in zip(spec.indicators, spec.integer_weights, strict=True):
        by_weight.setdefault(weight, []).append(code)
    total = np.zeros(n, dtype=np.int64)
    for weight, codes in by_weight.items():
        count = np.zeros(n, dtype=np.uint8 if len(codes) < 256 else np.int64)
        for code in codes:
            np.add(count, _bools(flags[code]).view(np.uint8), out=count, casting="unsafe")
        total += count.astype(np.int64) * weight
    return total


def _bools(values: NDArray[Any]) -> BoolArray:
    result: BoolArray = values if values.dtype == np.bool_ else values.astype(np.bool_)
    return result


def identify(score_numerators: NDArray[np.int64], spec: AFSpec) -> BoolArray:
    """Poor when c_i >= k, decided on integers: score·den(k) >= num(k)·L."""
    result: BoolArray = score_numerators * spec.k.denominator >= spec.k.numerator * spec.denominator
    return result


def _length(flags: Mapping[str, BoolArray], spec: AFSpec) -> int:
    missing = [code for code in spec.indicators if code not in flags]
    if missing:
        raise SpecError(f"no data for indicators: {', '.join(missing)}")
    lengths = {int(flags[code].shape[0]) for code in spec.indicators}
    if len(lengths) != 1:
        raise SpecError("indicator columns have different lengths")
    return lengths.pop()


@dataclass(frozen=True)
class IndicatorMeasures:
    uncensored: float
    censored: float
    contribution: float

    def to_dict(self) -> dict[str, float]:
        return {
            "uncensored": self.uncensored,
            "censored": self.censored,
            "contribution": self.contribution,
        }


@dataclass(frozen=True)
class GroupMeasures:
    n: int
    population: float
    share: float
    H: float
    A: float
    M0: float
    contribution: float

    def to_dict(self, weighted: bool) -> dict[str, float | int]:
        out: dict[str, float | int] = {"n": self.n}
        if weighted:
            out["population"] = self.population
        out.update(
            {
                "share": self.share,
                "H": self.H,
                "A": self.A,
                "M0": self.M0,
                "contribution": self.contribution,
            }
        )
        return out


@dataclass(frozen=True)
class AFResult:
    spec: AFSpec
    n: int
    population: float
    poor: float
    H: float
    A: float
    M0: float
    indicators: Mapping[str, IndicatorMeasures]
    dimensions: Mapping[str, float] | None
    groups: Mapping[str, GroupMeasures] | None
    by: str | None
    weighted: bool

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"n": self.n}
        if self.weighted:
            out["population"] = self.population
        out.update(
            {
                "H": self.H,
                "A": self.A,
                "M0": self.M0,
                "k": _fraction_text(self.spec.k),
                "weights": self.spec.to_dict()["weights"],
                "indicators": {code: m.to_dict() for code, m in self.indicators.items()},
            }
        )
        if self.dimensions is not None:
            out["dimensions"] = dict(self.dimensions)
        if self.groups is not None:
            out["by"] = self.by
            out["groups"] = {key: g.to_dict(self.weighted) for key, g in self.groups.items()}
        return out


def _ratio(numerator: Number, denominator: Number) -> float:
    if denominator == 0:
        return 0.0
    if isinstance(numerator, Fraction) and isinstance(denominator, Fraction):
        return float(numerator / denominator)
    return float(numerator) / float(denominator)


def alkire_foster(
    flags: Mapping[str, BoolArray],
    spec: AFSpec,
    *,
    unit_weights: NDArray[Any] | None = None,
    groups: Array | None = None,
    by: str | None = None,
) -> AFResult:
    """Alkire–Foster measures of the units in `flags` (one boolean array per indicator).

    `unit_weights` (e.g. household size or a survey weight) replaces every 1/n by Σs;
    `groups` (one label per unit) adds the population-weighted decomposition.
    """
    n = _length(flags, spec)
    score = scores(flags, spec)
    poor = identify(score, spec)
    big_l = spec.denominator
    exact = unit_weights is None or unit_weights.dtype.kind in "iub"
    if unit_weights is not None and unit_weights.shape[0] != n:
        raise SpecError("unit weights and indicator columns have different lengths")
    if unit_weights is not None and bool(np.any(unit_weights < 0)):
        raise SpecError("unit weights must not be negative")
    weights_array = (
        None if unit_weights is None else unit_weights.astype(np.int64 if exact else np.float64)
    )

    def total(values: BoolArray) -> Number:
        """Σ s_i over the units where `values` is true (Σ 1 without unit weights)."""
        if weights_array is None:
            return Fraction(int(np.count_nonzero(values)))
        # A dot product with the 0/1 vector beats gathering or masked sums.
        if exact:
            return Fraction(int(np.dot(values.view(np.uint8).astype(np.int64), weights_array)))
        return float(np.dot(values.astype(np.float64), weights_array))

    population: Number = Fraction(n) if weights_array is None else total(np.ones(n, dtype=bool))
    poor_population = total(poor)
    poor_rows = np.flatnonzero(poor)
    poor_scores = score[poor_rows]
    score_sum: Number  # Σ s_i c_i(k) · L
    if weights_array is None:
        score_sum = Fraction(int(poor_scores.sum()))
    elif exact:
        score_sum = Fraction(int(np.dot(poor_scores, weights_array[poor_rows])))
    else:
        score_sum = float(np.dot(poor_scores.astype(np.float64), weights_array[poor_rows]))
    m0_numerator = score_sum / big_l

    indicator_measures: dict[str, IndicatorMeasures] = {}
    for code, weight in zip(spec.indicators, spec.integer_weights, strict=True):
        deprived = _bools(flags[code])
        uncensored = total(deprived)
        censored = total(deprived & poor)
        contribution_numerator = censored * weight
        indicator_measures[code] = IndicatorMeasures(
            uncensored=_ratio(uncensored, population),
            censored=_ratio(censored, population),
            contribution=_ratio(contribution_numerator, score_sum),
        )

    dimension_contributions: dict[str, float] | None = None
    if spec.dimensions is not None:
        dimension_contributions = {}
        for code in spec.indicators:
            dimension = spec.dimensions[code]
            dimension_contributions[dimension] = (
                dimension_contributions.get(dimension, 0.0) + indicator_measures[code].contribution
            )

    group_measures = None
    if groups is not None:
        if groups.shape[0] != n:
            raise SpecError("group labels and indicator columns have different lengths")
        group_measures = _decompose(
            groups, poor_rows, poor_scores, weights_array, population, score_sum, big_l
        )

    return AFResult(
        spec=spec,
        n=n,
        population=float(population),
        poor=float(poor_population),
        H=_ratio(poor_population, population),
        A=_ratio(m0_numerator, poor_population),
        M0=_ratio(m0_numerator, population),
        indicators=indicator_measures,
        dimensions=dimension_contributions,
        groups=group_measures,
        by=by,
        weighted=unit_weights is not None,
    )


def _decompose(
    groups: Array,
    poor_rows: NDArray[np.intp],
    poor_scores: NDArray[np.int64],
    weights: NDArray[Any] | None,
    population: Number,
    score_sum: Number,
    big_l: int,
) -> dict[str, GroupMeasures]:
    codes, labels = group_codes(groups)
    m = len(labels)
    counts = np.bincount(codes, minlength=m)
    poor_codes = codes[poor_rows]
    if weights is None:
        pop: NDArray[Any] = counts
        poor_pop: NDArray[Any] = np.bincount(poor_codes, minlength=m)
        score_pop: NDArray[Any] = np.bincount(poor_codes, weights=poor_scores, minlength=m)
    else:
        w = weights.astype(np.float64)
        pop = np.bincount(codes, weights=w, minlength=m)
        poor_pop = np.bincount(poor_codes, weights=w[poor_rows], minlength=m)
        score_pop = np.bincount(poor_codes, weights=w[poor_rows] * poor_scores, minlength=m)
    out: dict[str, GroupMeasures] = {}
    for index, label in enumerate(labels):
        group_pop = _exact(float(pop[index]))
        group_poor = _exact(float(poor_pop[index]))
        group_score = _exact(float(score_pop[index]))
        m0_numerator = group_score / big_l
        out[str(label)] = GroupMeasures(
            n=int(counts[index]),
            population=float(group_pop),
            share=_ratio(group_pop, population),
            H=_ratio(group_poor, group_pop),
            A=_ratio(m0_numerator, group_poor),
            M0=_ratio(m0_numerator, group_pop),
            contribution=_ratio(group_score, score_sum),
        )
    return out


def group_codes(groups: Array) -> tuple[NDArray[np.intp], list[Any]]:
    """Dense codes 0..m-1 for group labels, in sorted label order, and the labels."""
    n = groups.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.intp), []
    if groups.dtype.kind in "iu":
        low, high = int(groups.min()), int(groups.max())
        if high - low < 10_000_000:  # small integer labels (area codes): counting, no sort
            offset = groups.astype(np.int64) - low
            present = np.bincount(offset, minlength=high - low + 1) > 0
            remap = np.cumsum(present) - 1
            labels = (np.flatnonzero(present) + low).tolist()
            codes: NDArray[np.intp] = remap[offset].astype(np.intp)
            return codes, labels
    series = pl.Series("g", groups)
    labels_series = series.unique().sort()
    codes = (
        series.replace_strict(labels_series, pl.int_range(labels_series.len(), eager=True))
        .to_numpy()
        .astype(np.intp)
    )
    return codes, labels_series.to_list()


def _exact(value: float) -> Number:
    """Sums of whole numbers (below 2**53) are exact in float64: keep them as fractions."""
    return Fraction(int(value)) if value.is_integer() else value


# -- changes over time ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    before: float
    after: float
    absolute: float
    relative: float | None
    annualised_absolute: float | None
    annualised_relative: float | None

    def to_dict(self) -> dict[str, float | None]:
        return {
            "before": self.before,
            "after": self.after,
            "absolute": self.absolute,
            "relative": self.relative,
            "annualised_absolute": self.annualised_absolute,
            "annualised_relative": self.annualised_relative,
        }


def change_between(before: float, after: float, years: int) -> Change:
    """Absolute Δ, relative Δ/before, annualised Δ/years and (after/before)^(1/years) − 1.
    Relative changes are None when `before` is 0; annualised ones when `years` is 0."""
    absolute = after - before
    relative = None if before == 0 else absolute / before
    annual_absolute = None if years == 0 else absolute / years
    annual_relative = None
    if years != 0 and before > 0:
        annual_relative = (after / before) ** (1 / years) - 1
    return Change(before, after, absolute, relative, annual_absolute, annual_relative)


def af_change(
    before: AFResult, after: AFResult, *, year_before: int, year_after: int
) -> dict[str, Change]:
    """Changes of H, A, M0 and each censored headcount between two years (same specification)."""
    if (before.spec.indicators, before.spec.weights, before.spec.k) != (
        after.spec.indicators,
        after.spec.weights,
        after.spec.k,
    ):
        raise SpecError("changes are only comparable with identical indicators, weights and k")
    years = year_after - year_before
    out = {
        "H": change_between(before.H, after.H, years),
        "A": change_between(before.A, after.A, years),
        "M0": change_between(before.M0, after.M0, years),
    }
    for code in before.spec.indicators:
        out[f"censored.{code}"] = change_between(
            before.indicators[code].censored, after.indicators[code].censored, years
        )
    return out
