"""Alkire–Foster measures over data that arrive in parts (partitions of a national dataset).

Every Alkire–Foster aggregate is a sum over units of whole numbers once the weights are turned
into integers over their common denominator L (see `measures`): the number of units, of poor
units, Σ c_i(k)·L over the poor, and the uncensored and censored headcounts of each indicator.
Sums are additive, so the totals of the parts, added up, are exactly the totals of the whole;
the ratios (H, A, M0, contributions) are taken only at the end, from exact fractions, with the
same formulas as `measures.alkire_foster`. The result is therefore identical (float for float)
to one pass over all the data, whatever the split (tests/standards/test_af_stream.py).

Units are households (unweighted); groups are labels such as commune or province codes.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from giamngheo.standards.columns import Array, BoolArray
from giamngheo.standards.measures import (
    AFResult,
    AFSpec,
    GroupMeasures,
    IndicatorMeasures,
    group_codes,
    identify,
    scores,
)


def _ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, correctly rounded: Python divides whole numbers exactly and rounds
    once, which is what float(Fraction(numerator, denominator)) gives, only much faster."""
    if denominator == 0:
        return 0.0
    return numerator / denominator


@dataclass
class _Sums:
    """Whole-number totals of one group (or of everything)."""

    n: int = 0
    poor: int = 0
    score: int = 0  # Σ over the poor of c_i·L
    uncensored: list[int] = field(default_factory=list)
    censored: list[int] = field(default_factory=list)

    def add(self, other: _Sums) -> None:
        self.n += other.n
        self.poor += other.poor
        self.score += other.score
        if not self.uncensored:
            self.uncensored = [0] * len(other.uncensored)
            self.censored = [0] * len(other.censored)
        for j, value in enumerate(other.uncensored):
            self.uncensored[j] += value
        for j, value in enumerate(other.censored):
            self.censored[j] += value


@dataclass
class AFTotals:
    """Running Alkire–Foster totals, overall and by group; `add` one part at a time."""

    spec: AFSpec
    by: str | None = None
    overall: _Sums = field(default_factory=_Sums)
    groups: dict[Hashable, _Sums] = field(default_factory=dict)

    def add(self, flags: Mapping[str, BoolArray], groups: Array | None = None) -> None:
        """Add one part: the indicator flags of its units and, when grouping, their labels."""
        score = scores(flags, self.spec)
        poor = identify(score, self.spec)
        n = int(score.shape[0])
        columns = [flags[code] for code in self.spec.indicators]
        part = _Sums(
            n=n,
            poor=int(np.count_nonzero(poor)),
            score=int(score[poor].sum()),
            uncensored=[int(np.count_nonzero(c)) for c in columns],
            censored=[int(np.count_nonzero(c & poor)) for c in columns],
        )
        self.overall.add(part)
        if groups is None:
            return
        if groups.shape[0] != n:
            raise ValueError("group labels and indicator columns have different lengths")
        codes, labels = group_codes(groups)
        m = len(labels)
        counts = np.bincount(codes, minlength=m)
        if n and bool(np.all(codes[1:] >= codes[:-1])):
            # Units come grouped (a file sorted by commune): count over each run of rows;
            # count_nonzero on a slice of booleans is far faster than reduceat or bincount.
            bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
            both = [c & poor for c in columns]
            running = np.concatenate(([0], np.cumsum(np.where(poor, score, 0))))
            runs = list(itertools.pairwise(bounds))
            uncensored = np.array(
                [[np.count_nonzero(c[a:b]) for c in columns] for a, b in runs], dtype=np.int64
            )
            censored = np.array(
                [[np.count_nonzero(c[a:b]) for c in both] for a, b in runs], dtype=np.int64
            )
            poor_counts = np.array([np.count_nonzero(poor[a:b]) for a, b in runs], dtype=np.int64)
            score_sums = running[bounds[1:]] - running[bounds[:-1]]
        else:
            poor_codes = codes[poor]
            poor_counts = np.bincount(poor_codes, minlength=m)
            # Through float64, exact: every partial sum is a whole number far below 2**53.
            score_sums = np.bincount(poor_codes, weights=score[poor], minlength=m).astype(np.int64)
            uncensored = np.stack([np.bincount(codes[c], minlength=m) for c in columns], axis=1)
            censored = np.stack(
                [np.bincount(poor_codes[c[poor]], minlength=m) for c in columns], axis=1
            )
        for index, label in enumerate(labels):
            key = _label(label)
            self.groups.setdefault(key, _Sums()).add(
                _Sums(
                    n=int(counts[index]),
                    poor=int(poor_counts[index]),
                    score=int(score_sums[index]),
                    uncensored=[int(v) for v in uncensored[index]],
                    censored=[int(v) for v in censored[index]],
                )
            )

    def merge(self, other: AFTotals) -> None:
        """Add another part's totals (e.g. computed in another process)."""
        if (other.spec.indicators, other.spec.weights, other.spec.k) != (
            self.spec.indicators,
            self.spec.weights,
            self.spec.k,
        ):
            raise ValueError("totals of different specifications cannot be merged")
        self.overall.add(other.overall)
        for key, sums in other.groups.items():
            self.groups.setdefault(key, _Sums()).add(sums)

    def rollup(self, parent: Mapping[Hashable, Hashable], *, by: str | None = None) -> AFTotals:
        """The same totals grouped by a coarser label (e.g. commune → province): every group's
        sums are added into its parent's, exactly, without reading the data again."""
        out = AFTotals(self.spec, by=by)
        out.overall.add(self.overall)
        for key, sums in self.groups.items():
            out.groups.setdefault(parent[key], _Sums()).add(sums)
        return out

    def result(self, *, with_groups: bool = True) -> AFResult:
        """The measures of everything added so far (as `measures.alkire_foster` reports them).

        Every ratio is a quotient of whole numbers (scores over L: M0 = Σc·L / (L·n), A =
        Σc·L / (L·q)), divided once and correctly rounded."""
        spec = self.spec
        total = self.overall
        big_l = spec.denominator
        indicators: dict[str, IndicatorMeasures] = {}
        uncensored = total.uncensored or [0] * len(spec.indicators)
        censored = total.censored or [0] * len(spec.indicators)
        for j, (code, weight) in enumerate(zip(spec.indicators, spec.integer_weights, strict=True)):
            indicators[code] = IndicatorMeasures(
                uncensored=_ratio(uncensored[j], total.n),
                censored=_ratio(censored[j], total.n),
                contribution=_ratio(censored[j] * weight, total.score),
            )
        dimensions: dict[str, float] | None = None
        if spec.dimensions is not None:
            dimensions = {}
            for code in spec.indicators:
                dimension = spec.dimensions[code]
                dimensions[dimension] = (
                    dimensions.get(dimension, 0.0) + indicators[code].contribution
                )
        groups: dict[str, GroupMeasures] | None = None
        if with_groups and (self.groups or self.by is not None):
            groups = {}
            for key in sorted(self.groups, key=_sort_key):
                sums = self.groups[key]
                groups[str(key)] = GroupMeasures(
                    n=sums.n,
                    population=float(sums.n),
                    share=_ratio(sums.n, total.n),
                    H=_ratio(sums.poor, sums.n),
                    A=_ratio(sums.score, big_l * sums.poor),
                    M0=_ratio(sums.score, big_l * sums.n),
                    contribution=_ratio(sums.score, total.score),
                )
        return AFResult(
            spec=spec,
            n=total.n,
            population=float(total.n),
            poor=float(total.poor),
            H=_ratio(total.poor, total.n),
            A=_ratio(total.score, big_l * total.poor),
            M0=_ratio(total.score, big_l * total.n),
            indicators=indicators,
            dimensions=dimensions,
            groups=groups,
            by=self.by,
            weighted=False,
        )

    def exact(self) -> dict[str, Any]:
        """The whole-number totals themselves (numerators over L for the scores)."""
        return {
            "L": self.spec.denominator,
            "n": self.overall.n,
            "poor": self.overall.poor,
            "score_numerator": self.overall.score,
            "uncensored": dict(zip(self.spec.indicators, self.overall.uncensored, strict=False)),
            "censored": dict(zip(self.spec.indicators, self.overall.censored, strict=False)),
        }


def _label(value: Any) -> Hashable:
    if isinstance(value, np.generic):
        result: Hashable = value.item()
        return result
    return value  # type: ignore[no-any-return]


def _sort_key(value: Hashable) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int | float) else (1, str(value))


def status_counts_by_group(
    status_codes: NDArray[np.integer[Any]], groups: Array, n_statuses: int
) -> dict[Hashable, list[int]]:
    """Households per status in each group (additive like the totals above)."""
    codes, labels = group_codes(groups)
    m = len(labels)
    matrix = np.bincount(
        codes.astype(np.int64) * n_statuses + status_codes.astype(np.int64),
        minlength=m * n_statuses,
    ).reshape(m, n_statuses)
    return {_label(label): [int(v) for v in matrix[i]] for i, label in enumerate(labels)}
