"""Member aggregation (columns.py): lane counting equals plain counting, in every regime."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giamngheo.standards.columns import RawColumns


def columns(sizes: list[int]) -> RawColumns:
    ids = np.arange(len(sizes))
    return RawColumns.build(
        household_ids=ids,
        households={},
        member_household_ids=np.repeat(ids, sizes),
        members={},
    )


def plain_counts(cols: RawColumns, mask: np.ndarray) -> list[int]:
    return [int(mask[s : s + z].sum()) for s, z in zip(cols.starts, cols.size, strict=True)]


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 9), min_size=1, max_size=30),
    n_masks=st.integers(1, 19),
    seed=st.integers(0, 1000),
)
def test_lane_counts_equal_plain_counts(sizes: list[int], n_masks: int, seed: int) -> None:
    cols = columns(sizes)
    rng = np.random.default_rng(seed)
    masks = [rng.random(cols.n_members) < 0.5 for _ in range(n_masks)]
    counted = cols.count_members_many(masks)
    assert len(counted) == n_masks  # more than 8 masks take several passes
    for mask, count in zip(masks, counted, strict=True):
        assert count.tolist() == plain_counts(cols, mask)
        assert cols.count_members(mask).tolist() == plain_counts(cols, mask)
        assert cols.any_member(mask).tolist() == [c > 0 for c in plain_counts(cols, mask)]


@pytest.mark.parametrize("big", [255, 256, 300])
def test_large_households_are_counted_exactly(big: int) -> None:
    cols = columns([1, big, 2])
    everyone = np.ones(cols.n_members, dtype=bool)
    counts = cols.count_members_many([everyone, ~everyone])
    assert counts[0].tolist() == [1, big, 2]
    assert counts[1].tolist() == [0, 0, 0]
    assert cols.count_members(everyone).tolist() == [1, big, 2]


def test_no_households() -> None:
    cols = columns([])
    assert [c.tolist() for c in cols.count_members_many([np.zeros(0, dtype=bool)])] == [[]]
    assert cols.count_members(np.zeros(0, dtype=bool)).tolist() == []
