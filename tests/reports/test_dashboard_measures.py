"""Alkire–Foster from the contract's additive numerators, cross-checked against the engine
(``standards.measures.alkire_foster``) on the same households; rates and standard changes."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from giamngheo.reports import dashboard_measures as dm
from giamngheo.standards.measures import AFSpec, alkire_foster
from giamngheo.standards.packs import load_pack


def numerators(flags: dict[str, np.ndarray], spec: AFSpec) -> dict[str, int]:
    """The ``af.*`` keys of the contract, counted here with plain loops (not the engine)."""
    n = len(next(iter(flags.values())))
    weights = dict(zip(spec.indicators, spec.integer_weights, strict=True))
    big_l = spec.denominator
    out = {"af.units": n, "af.poor": 0, "af.score_sum": 0, "af.denominator": big_l}
    for code in spec.indicators:
        out[f"af.deprived.{code}"] = 0
        out[f"af.censored.{code}"] = 0
    for i in range(n):
        score = sum(weights[c] for c in spec.indicators if flags[c][i])
        poor = Fraction(score, big_l) >= spec.k
        for code in spec.indicators:
            if flags[code][i]:
                out[f"af.deprived.{code}"] += 1
                if poor:
                    out[f"af.censored.{code}"] += 1
        if poor:
            out["af.poor"] += 1
            out["af.score_sum"] += score
    return out


def add(parts: list[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for key, number in part.items():
            total[key] = total.get(key, 0) + number
    total["af.denominator"] = parts[0]["af.denominator"]
    return total


@pytest.mark.parametrize("standard", ["2022-2025", "2016-2020"])
def test_af_from_numerators_matches_the_engine_on_the_same_households(standard: str) -> None:
    pack = load_pack(standard)
    spec = AFSpec.from_pack(pack)
    rng = np.random.default_rng(14)
    sizes = {"A": 120, "B": 45, "C": 7}
    flags: dict[str, np.ndarray] = {}
    labels = np.concatenate([np.full(size, label) for label, size in sizes.items()])
    for index, code in enumerate(spec.indicators):
        flags[code] = rng.random(len(labels)) < 0.1 + 0.03 * index
    engine = alkire_foster(flags, spec, groups=labels, by="area")

    parts = []
    start = 0
    for label, size in sizes.items():
        part = {code: column[start : start + size] for code, column in flags.items()}
        parts.append((label, numerators(part, spec)))
        start += size
    area = add([figures for _, figures in parts])
    found = dm.af_measures(area, pack)
    assert found is not None
    assert float(found.H) == pytest.approx(engine.H, abs=1e-12)
    assert float(found.A) == pytest.approx(engine.A, abs=1e-12)
    assert float(found.M0) == pytest.approx(engine.M0, abs=1e-12)
    assert found.M0 == found.H * found.A  # exact
    assert sum(row.contribution for row in found.indicators) == 1  # exact
    for row in found.indicators:
        expected = engine.indicators[row.code]
        assert float(row.contribution) == pytest.approx(expected.contribution, abs=1e-12)
        assert float(row.censored) == pytest.approx(expected.censored, abs=1e-12)
        assert float(row.uncensored) == pytest.approx(expected.uncensored, abs=1e-12)
    # M0 = Σ w_j h_j(k), exactly.
    assert sum(row.weight * row.censored for row in found.indicators) == found.M0

    rows = dm.sub_areas(area, parts, sort_key="contribution")
    assert sum(row.contribution or 0 for row in rows) == 1
    assert engine.groups is not None
    for row in rows:
        group = engine.groups[row.unit]
        assert float(row.contribution or 0) == pytest.approx(group.contribution, abs=1e-12)
        assert float(row.M0 or 0) == pytest.approx(group.M0, abs=1e-12)
        assert float(row.share or 0) == pytest.approx(group.share, abs=1e-12)
    # M0 = Σ φ_l M0_l, exactly.
    assert sum((row.share or 0) * (row.M0 or 0) for row in rows) == found.M0
    contributions = [row.contribution for row in rows]
    assert contributions == sorted(contributions, reverse=True)


def test_no_surveyed_household_gives_no_measure_and_no_poor_gives_a_zero_intensity() -> None:
    pack = load_pack("2022-2025")
    assert dm.af_measures({}, pack) is None
    found = dm.af_measures({"af.units": 10, "af.denominator": 12}, pack)
    assert found is not None
    assert (found.H, found.A, found.M0) == (0, 0, 0)


def test_numerators_of_other_weights_are_refused() -> None:
    with pytest.raises(dm.FiguresMismatch):
        dm.af_measures({"af.units": 3, "af.denominator": 7}, load_pack("2022-2025"))


def test_year_points_flag_the_years_of_a_new_standard() -> None:
    # Seed 000: 12.84 % (2011) → 10.01 % (2012) → 7.48 % (2013) of 10,000 households.
    series = [
        (2013, "B", {"households": 10000, "poor": 748}),
        (2011, "A", {"households": 10000, "poor": 1284}),
        (2012, "B", {"households": 10000, "poor": 1001, "near_poor": 2}),
    ]
    points = dm.year_points(series)
    assert [p.year for p in points] == [2011, 2012, 2013]
    assert [p.changed for p in points] == [False, True, False]
    assert [p.rates.poor_rate for p in points] == [
        Fraction(1284, 10000),
        Fraction(1001, 10000),
        Fraction(748, 10000),
    ]
    assert dm.rates({}).poor_rate is None


def test_deprivations_are_sorted_most_frequent_first() -> None:
    pack = load_pack("2022-2025")
    codes = pack.indicator_codes
    figures = {
        f"poor.deprived.{codes[3]}": 5,
        f"near_poor.deprived.{codes[3]}": 1,
        f"poor.deprived.{codes[0]}": 2,
    }
    rows = dm.deprivations(figures, pack)
    assert [(r.code, r.poor, r.near_poor) for r in rows[:2]] == [
        (codes[3], 5, 1),
        (codes[0], 2, 0),
    ]
    assert len(rows) == len(codes)
