"""Alkire–Foster measures (measures.py) against examples worked by hand.

The 4-household example: indicators a, b, c with weights 1/2, 1/4, 1/4 and k = 1/2.
    H1: a, b  -> c = 3/4 (poor)     H2: b, c -> c = 1/2 (poor: exactly k)
    H3: c     -> c = 1/4            H4: none -> c = 0
q = 2, H = 2/4 = 1/2; censored scores 3/4 + 1/2 = 5/4, so M0 = 5/16 and A = (5/4)/2 = 5/8.
Uncensored: a 1/4, b 2/4, c 2/4. Censored: a 1/4, b 2/4, c 1/4 (H3 is censored out).
Contributions w_j h_j(k) / M0: a (1/2·1/4)/(5/16) = 2/5, b (1/4·1/2)/(5/16) = 2/5, c 1/5.
Groups x = {H1, H3}, y = {H2, H4}: x has H 1/2, M0 = (3/4)/2 = 3/8, A 3/4, contribution
(3/4)/(5/4) = 3/5; y has H 1/2, M0 1/4, A 1/2, contribution 2/5.
With household sizes 1, 3, 2, 2 as unit weights (8 people): poor people 4, H = 1/2;
Σ s·c(k) = 3/4 + 3/2 = 9/4, M0 = 9/32, A = 9/16.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.standards.measures import (
    AFSpec,
    SpecError,
    af_change,
    alkire_foster,
    change_between,
    identify,
    scores,
)
from giamngheo.standards.packs import Pack

FLAGS = {
    "a": np.array([1, 0, 0, 0], dtype=bool),
    "b": np.array([1, 1, 0, 0], dtype=bool),
    "c": np.array([0, 1, 1, 0], dtype=bool),
}
SPEC = AFSpec.create(["a", "b", "c"], k="1/2", weights={"a": "1/2", "b": "1/4", "c": "1/4"})


def test_the_hand_worked_example() -> None:
    result = alkire_foster(FLAGS, SPEC)
    assert result.n == 4
    assert result.H == 0.5
    assert result.M0 == 5 / 16
    assert result.A == 5 / 8
    assert {c: m.uncensored for c, m in result.indicators.items()} == {
        "a": 0.25,
        "b": 0.5,
        "c": 0.5,
    }
    assert {c: m.censored for c, m in result.indicators.items()} == {"a": 0.25, "b": 0.5, "c": 0.25}
    assert {c: m.contribution for c, m in result.indicators.items()} == {
        "a": 0.4,
        "b": 0.4,
        "c": 0.2,
    }


def test_decomposition_by_group() -> None:
    result = alkire_foster(FLAGS, SPEC, groups=np.array(["x", "y", "x", "y"]), by="village")
    assert result.groups is not None
    x, y = result.groups["x"], result.groups["y"]
    assert (x.n, x.share, x.H, x.M0, x.A, x.contribution) == (2, 0.5, 0.5, 3 / 8, 0.75, 0.6)
    assert (y.n, y.share, y.H, y.M0, y.A, y.contribution) == (2, 0.5, 0.5, 0.25, 0.5, 0.4)
    shown = result.to_dict()
    assert set(shown["groups"]["x"]) == {"n", "share", "H", "A", "M0", "contribution"}  # type: ignore[index]
    assert shown["by"] == "village"


def test_unit_weights_replace_one_over_n() -> None:
    result = alkire_foster(FLAGS, SPEC, unit_weights=np.array([1, 3, 2, 2]))
    assert result.population == 8
    assert result.H == 0.5
    assert result.M0 == 9 / 32
    assert result.A == 9 / 16
    assert result.to_dict()["population"] == 8


def test_decimal_survey_weights_are_summed_as_floats() -> None:
    result = alkire_foster(FLAGS, SPEC, unit_weights=np.array([0.5, 1.5, 1.0, 1.0]))
    assert pytest.approx(0.5) == result.H
    assert pytest.approx((0.5 * 0.75 + 1.5 * 0.5) / 4) == result.M0


def test_nobody_poor_gives_zero_intensity_and_contributions() -> None:
    spec = AFSpec.create(["a", "b", "c"], k=1, weights={"a": "1/2", "b": "1/4", "c": "1/4"})
    result = alkire_foster(FLAGS, spec)
    assert (result.H, result.A, result.M0) == (0.0, 0.0, 0.0)
    assert all(m.contribution == 0.0 for m in result.indicators.values())
    assert result.indicators["b"].uncensored == 0.5


def test_k_on_the_boundary_is_decided_exactly() -> None:
    """1/9 + 1/12 + 1/12 + 1/18 is exactly 1/3, but summed as floats it is 0.33333333333333326."""
    weights = {"a": "1/9", "b": "1/12", "c": "1/12", "d": "1/18", "e": "2/3"}
    float_sum = 0.0
    for value in (1 / 9, 1 / 12, 1 / 12, 1 / 18):
        float_sum += value
    assert float_sum < 1 / 3  # the pitfall a float implementation falls into
    spec = AFSpec.create(list(weights), k="1/3", weights=weights)
    flags = {code: np.array([code != "e", False]) for code in weights}
    poor = identify(scores(flags, spec), spec)
    assert poor.tolist() == [True, False]
    assert alkire_foster(flags, spec).H == 0.5


def test_one_sixth_plus_one_sixth_is_one_third() -> None:
    spec = AFSpec.create(["a", "b", "c"], k="1/3", weights={"a": "1/6", "b": "1/6", "c": "2/3"})
    flags = {"a": np.array([True]), "b": np.array([True]), "c": np.array([False])}
    assert identify(scores(flags, spec), spec).tolist() == [True]


def test_one_sixth_and_one_eighteenth_stay_below_one_third() -> None:
    weights = {"a": "1/6", "b": "1/18", "c": "1/18", "d": "1/18", "e": "2/3"}
    spec = AFSpec.create(list(weights), k="1/3", weights=weights)
    just_below = {c: np.array([c in ("a", "b", "c")]) for c in weights}  # 5/18 < 1/3
    exactly = {c: np.array([c in ("a", "b", "c", "d")]) for c in weights}  # 6/18 = 1/3
    assert identify(scores(just_below, spec), spec).tolist() == [False]
    assert identify(scores(exactly, spec), spec).tolist() == [True]


def test_decimals_are_read_as_exact_fractions() -> None:
    spec = AFSpec.create(["a", "b", "c"], k="0.5", weights={"a": "0.5", "b": "0.25", "c": "0.25"})
    assert spec == SPEC


@pytest.mark.parametrize(
    ("weights", "k", "message"),
    [
        ({"a": "1/2", "b": "1/4", "c": "1/5"}, "1/2", "add up to exactly 1; they add up to 19/20"),
        ({"a": "1/2", "b": "1/2"}, "1/2", "no weight given for: c"),
        ({"a": "1/2", "b": "1/4", "c": "1/4", "z": "0"}, "1/2", "not in the list: z"),
        ({"a": "1/2", "b": "1/4", "c": "1/4"}, "3/2", "at most 1"),
        ({"a": "1/2", "b": "1/4", "c": "1/4"}, "0", "greater than 0"),
        ({"a": "1", "b": "0", "c": "0"}, "1/2", "weight of b must be greater than 0"),
        ({"a": "half", "b": "1/4", "c": "1/4"}, "1/2", "weight of a"),
    ],
)
def test_spec_errors(weights: dict[str, str], k: str, message: str) -> None:
    with pytest.raises(SpecError, match=message.replace("(", r"\(")):
        AFSpec.create(["a", "b", "c"], k=k, weights=weights)


def test_equal_weights_by_default() -> None:
    spec = AFSpec.create(["a", "b", "c"], k="1/3")
    assert spec.weights == (Fraction(1, 3),) * 3
    assert spec.denominator == 3 and spec.integer_weights == (1, 1, 1)


def test_spec_from_a_pack_matches_the_national_count_rule(pack_2022: Pack) -> None:
    spec = AFSpec.from_pack(pack_2022)
    assert spec.k == Fraction(1, 4)  # 3 deprivations of 12
    flags = {code: np.array([i < 3, i < 2]) for i, code in enumerate(pack_2022.indicator_codes)}
    assert identify(scores(flags, spec), spec).tolist() == [True, False]
    result = alkire_foster(flags, spec)
    assert result.dimensions is not None
    assert result.dimensions["employment"] == pytest.approx(2 / 3)
    assert result.dimensions["health"] == pytest.approx(1 / 3)


def test_changes_over_time() -> None:
    before = alkire_foster(FLAGS, SPEC)
    after_flags = {**FLAGS, "b": np.array([1, 0, 0, 0], dtype=bool)}  # H2 drops to 1/4
    after = alkire_foster(after_flags, SPEC)
    changes = af_change(before, after, year_before=2022, year_after=2024)
    m0 = changes["M0"]
    assert m0.before == 5 / 16 and m0.after == 3 / 16
    assert m0.absolute == pytest.approx(-2 / 16)
    assert m0.relative == pytest.approx(-2 / 5)
    assert m0.annualised_absolute == pytest.approx(-1 / 16)
    assert m0.annualised_relative == pytest.approx((3 / 5) ** 0.5 - 1)
    assert changes["H"].absolute == pytest.approx(-0.25)


def test_changes_need_the_same_specification() -> None:
    other = AFSpec.create(["a", "b", "c"], k="1/3")
    with pytest.raises(SpecError, match="identical"):
        af_change(
            alkire_foster(FLAGS, SPEC), alkire_foster(FLAGS, other), year_before=1, year_after=2
        )


def test_relative_change_from_zero_is_undefined() -> None:
    change = change_between(0.0, 0.1, 2)
    assert change.relative is None and change.annualised_relative is None
    assert change.annualised_absolute == pytest.approx(0.05)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.lists(st.booleans(), min_size=4, max_size=4),
            st.integers(1, 8),
            st.sampled_from("PQR"),
        ),
        min_size=1,
        max_size=40,
    ),
    k=st.sampled_from(["1/6", "1/4", "1/3", "1/2", "2/3", "1"]),
    weighted=st.booleans(),
)
def test_decomposition_identities(
    rows: list[tuple[list[bool], int, str]], k: str, weighted: bool
) -> None:
    """M0 = Σ φ_l M0_l = H·A = Σ_j w_j h_j(k); contributions add up to 1 (when M0 > 0)."""
    weights = {"a": "1/6", "b": "1/3", "c": "1/4", "d": "1/4"}
    spec = AFSpec.create(list(weights), k=k, weights=weights)
    flags = {code: np.array([bits[j] for bits, _, _ in rows]) for j, code in enumerate(weights)}
    sizes = np.array([size for _, size, _ in rows]) if weighted else None
    groups = np.array([group for _, _, group in rows])
    result = alkire_foster(flags, spec, unit_weights=sizes, groups=groups)
    assert result.groups is not None
    assert pytest.approx(sum(g.share * g.M0 for g in result.groups.values())) == result.M0
    assert pytest.approx(sum(g.share * g.H for g in result.groups.values())) == result.H
    assert pytest.approx(result.H * result.A) == result.M0
    assert (
        pytest.approx(
            sum(float(Fraction(w)) * result.indicators[c].censored for c, w in weights.items())
        )
        == result.M0
    )
    if result.M0 > 0:
        assert sum(m.contribution for m in result.indicators.values()) == pytest.approx(1)
        assert sum(g.contribution for g in result.groups.values()) == pytest.approx(1)
    # Identification agrees with exact rational arithmetic.
    for i, (bits, _, _) in enumerate(rows):
        score = sum(
            (Fraction(w) for (c, w), bit in zip(weights.items(), bits, strict=True) if bit),
            Fraction(0),
        )
        assert bool(identify(scores(flags, spec), spec)[i]) == (score >= Fraction(k))
