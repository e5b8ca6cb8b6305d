"""Streaming Alkire–Foster (af_stream.py): the totals of any split of the data, added up, give
exactly the one-pass result of `measures.alkire_foster` (float for float), overall and by group;
and the streaming classification counts equal the one-pass counts."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.standards.af_stream import AFTotals, status_counts_by_group
from giamngheo.standards.classify import classify_columns
from giamngheo.standards.inputs import raw_columns_from_frames
from giamngheo.standards.measures import AFSpec, alkire_foster
from giamngheo.standards.packs import load_pack
from giamngheo.standards.schema import STATUSES
from giamngheo.standards.synthetic import generate

SPEC = AFSpec.create(
    ["a", "b", "c", "d"],
    k="1/3",
    weights={"a": "1/2", "b": "1/6", "c": "1/6", "d": "1/6"},
    dimensions={"a": "x", "b": "x", "c": "y", "d": "y"},
)


def _split(n: int, cuts: list[int]) -> list[tuple[int, int]]:
    bounds = sorted({0, n, *(c % (n + 1) for c in cuts)})
    return [(a, b) for a, b in itertools.pairwise(bounds)]


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.integers(0, 5)),
        min_size=1,
        max_size=60,
    ),
    cuts=st.lists(st.integers(0, 100), max_size=6),
    grouped=st.booleans(),
)
def test_any_split_adds_up_to_the_one_pass_result(
    rows: list[tuple[bool, bool, bool, bool, int]], cuts: list[int], grouped: bool
) -> None:
    if grouped:  # units sorted by group, as in a file sorted by commune (the fast path)
        rows = sorted(rows, key=lambda row: row[4])
    flags = {code: np.array([r[j] for r in rows], dtype=bool) for j, code in enumerate("abcd")}
    groups = np.array([r[4] * 7 + 100 for r in rows], dtype=np.int64)
    whole = alkire_foster(flags, SPEC, groups=groups, by="commune")

    totals = AFTotals(SPEC, by="commune")
    for first, stop in _split(len(rows), cuts):
        totals.add({c: v[first:stop] for c, v in flags.items()}, groups[first:stop])
    assert totals.result().to_dict() == whole.to_dict()

    # Rolled up to coarser groups (communes into provinces): as one pass grouped by those.
    parent = {int(g): int(g) % 3 for g in np.unique(groups)}
    coarse = np.array([parent[int(g)] for g in groups], dtype=np.int64)
    rolled = totals.rollup(parent, by="province").result().to_dict()
    assert rolled == alkire_foster(flags, SPEC, groups=coarse, by="province").to_dict()

    # Parts summed in other processes and merged: the same.
    merged = AFTotals(SPEC, by="commune")
    for first, stop in _split(len(rows), cuts):
        part = AFTotals(SPEC, by="commune")
        part.add({c: v[first:stop] for c, v in flags.items()}, groups[first:stop])
        merged.merge(part)
    assert merged.result().to_dict() == whole.to_dict()


def test_exact_totals_recomputed_by_hand() -> None:
    # H1 a → 1/2 poor; H2 b,c → 1/3 poor (exactly k); H3 d → 1/6; H4 none.
    flags = {
        "a": np.array([1, 0, 0, 0], dtype=bool),
        "b": np.array([0, 1, 0, 0], dtype=bool),
        "c": np.array([0, 1, 0, 0], dtype=bool),
        "d": np.array([0, 0, 1, 0], dtype=bool),
    }
    totals = AFTotals(SPEC)
    totals.add({c: v[:1] for c, v in flags.items()})
    totals.add({c: v[1:] for c, v in flags.items()})
    exact = totals.exact()
    assert exact["L"] == 6
    assert (exact["n"], exact["poor"], exact["score_numerator"]) == (4, 2, 3 + 2)
    assert exact["censored"] == {"a": 1, "b": 1, "c": 1, "d": 0}
    result = totals.result()
    assert result.H == 0.5
    assert float(Fraction(5, 6) / 4) == result.M0


def test_merging_another_specification_is_refused() -> None:
    other = AFSpec.create(["a", "b", "c", "d"], k="1/2")
    with pytest.raises(ValueError, match="different specifications"):
        AFTotals(SPEC).merge(AFTotals(other))


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(0, 400), max_size=5))
def test_streaming_classification_of_the_engine_equals_one_pass(seed: int, cuts: list[int]) -> None:
    pack = load_pack("2022-2025")
    households, members = generate(400, seed=seed)
    cols = raw_columns_from_frames(
        households,
        members,
        household_fields=pack.household_fields(),
        member_fields=pack.member_fields(),
    )
    provinces = households["province"].to_numpy()
    one_pass = classify_columns(pack, cols, workers=1)
    spec = AFSpec.from_pack(pack)
    whole = alkire_foster(one_pass.flags, spec, groups=provinces, by="province")

    totals = AFTotals(spec, by="province")
    status = np.zeros(len(STATUSES), dtype=np.int64)
    by_province: dict[object, list[int]] = {}
    for first, stop in _split(cols.n_households, cuts):
        part = cols.chunk(first, stop)
        result = classify_columns(pack, part, workers=1)
        status += np.bincount(result.status_codes, minlength=len(STATUSES))
        totals.add(result.flags, provinces[first:stop])
        for key, counts in status_counts_by_group(
            result.status_codes, provinces[first:stop], len(STATUSES)
        ).items():
            previous = by_province.setdefault(key, [0] * len(STATUSES))
            by_province[key] = [a + b for a, b in zip(previous, counts, strict=True)]
    assert dict(zip(STATUSES, status.tolist(), strict=True)) == one_pass.status_counts()
    assert totals.result().to_dict() == whole.to_dict()
    for key, counts in by_province.items():
        mask = provinces == key
        expected = np.bincount(one_pass.status_codes[mask], minlength=len(STATUSES)).tolist()
        assert counts == expected
