"""Households (size, area, wealth) and their members (composition, ages, sexes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from giamngheo.synthetic.living import (
    group_starts,
)
from giamngheo.synthetic.profiles import (
    KINH,
    R_CHILD,
    R_CHILD_IN_LAW,
    R_GRANDCHILD,
    R_GRANDPARENT,
    R_HEAD,
    R_PARENT,
    R_SIBLING,
    R_SPOUSE,
    BoolArray,
    CommuneInput,
    CommuneProfile,
    FloatArray,
    IntArray,
    VillagePlan,
    allocate,
    pick,
    random_stream,
)

# -- households -------------------------------------------------------------------------------


def household_columns(
    province_code: str,
    plans: Sequence[VillagePlan],
    communes: Mapping[str, CommuneInput],
    profiles: Mapping[str, CommuneProfile],
    n: int,
    seed: int,
) -> dict[str, NDArray[Any]]:
    """Village, commune and ethnicity of each household (as arrays, grouped by village)."""
    rng = random_stream(seed, "households")
    commune_codes = sorted({p.commune_code for p in plans})
    commune_index = {code: i for i, code in enumerate(commune_codes)}
    jitter = random_stream(seed, "commune-size").lognormal(0.0, 0.2, len(commune_codes))
    commune_weight = np.array([profiles[c].weight for c in commune_codes]) * jitter
    village_commune = np.array([commune_index[p.commune_code] for p in plans], dtype=np.int64)
    # Villages of a commune differ in size (Dirichlet shares, seeded, independent of n).
    village_share = random_stream(seed, "village-size").gamma(4.0, 1.0, len(plans))
    totals = np.bincount(village_commune, weights=village_share, minlength=len(commune_codes))
    village_weight = commune_weight[village_commune] * village_share / totals[village_commune]
    per_village = allocate(n, village_weight)
    village = np.repeat(np.arange(len(plans), dtype=np.int32), per_village)

    commune = village_commune[village]
    urban = np.array([p.area_kind == "urban" for p in plans], dtype=np.bool_)[village]
    mountain = np.array([profiles[c].mountain for c in commune_codes], dtype=np.bool_)[commune]
    minority_p = np.array([p.minority_share for p in plans], dtype=np.float64)
    is_minority = rng.random(n) < minority_p[village]

    # Ethnicity: each commune's own mix for its minority households.
    ethnicity = np.full(n, KINH, dtype="<U2")
    u = rng.random(n)
    for ci, code in enumerate(commune_codes):
        mix = profiles[code].minority_mix
        rows = np.flatnonzero((commune == ci) & is_minority)
        if rows.size == 0:
            continue
        chosen = _pick_from(u[rows], [w for _, w in mix])
        ethnicity[rows] = np.array([e for e, _ in mix], dtype="<U2")[chosen]

    # Serial numbers restart in every commune: code "44-19435-00012".
    starts = np.flatnonzero(np.r_[True, commune[1:] != commune[:-1]])
    serial = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1
    return {
        "village": village,
        "commune": commune,
        "commune_code": np.array(commune_codes, dtype="<U5")[commune],
        "urban": urban,
        "mountain": mountain,
        "minority": is_minority,
        "ethnicity": ethnicity,
        "serial": serial,
        "wealth": rng.standard_normal(n),
        "noise": rng.standard_normal(n),
    }


def _pick_from(u: FloatArray, weights: Sequence[float]) -> NDArray[np.intp]:
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    result: NDArray[np.intp] = np.minimum(
        np.searchsorted(cum / cum[-1], u, side="right"), len(weights) - 1
    )
    return result


# -- members ----------------------------------------------------------------------------------

# Household sizes 1-10 (2019 census shape for Kinh; larger for minority households).
_SIZE_KINH = (0.10, 0.19, 0.21, 0.28, 0.12, 0.06, 0.025, 0.01, 0.004, 0.001)
_SIZE_MINORITY = (0.04, 0.10, 0.15, 0.22, 0.19, 0.13, 0.08, 0.05, 0.025, 0.015)


def _birth_spacing(
    rng: np.random.Generator, parent_age: FloatArray, count: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Age of the eldest child and the years between children: the eldest born when the
    parent was 19-30 (at least 15), the next ones 1.5-4 years apart, the youngest 0 or older."""
    n = parent_age.shape[0]
    room = parent_age - 2 * np.maximum(count - 1, 0)
    gap = np.maximum(np.minimum(np.floor(19 + 11 * rng.random(n)), room), 15)
    eldest = np.maximum(parent_age - gap, 0)
    spacing = np.minimum(1.5 + 2.5 * rng.random(n), eldest / np.maximum(count - 1, 1))
    return eldest, spacing


class MemberBuilder:
    """Household composition, then ages, sexes, ethnicity of every member (vectorised)."""

    def __init__(self, seed: int, hh: dict[str, NDArray[Any]]) -> None:
        self.rng = random_stream(seed, "members")
        self.hh = hh
        self.n = int(hh["village"].shape[0])

    def build(self) -> dict[str, NDArray[Any]]:
        rng, hh, n = self.rng, self.hh, self.n
        minority = hh["minority"]
        size = (
            np.where(minority, pick(rng, _SIZE_MINORITY, n), pick(rng, _SIZE_KINH, n)).astype(
                np.int64
            )
            + 1
        )
        head_age = self._head_age(size)
        head_male = rng.random(n) < np.where(size == 1, 0.42, np.where(head_age >= 75, 0.6, 0.78))

        # Composition: counts of each relation per household, summing to size.
        p_spouse = np.where(head_male, 0.9, 0.35) * np.where(head_age >= 75, 0.65, 1.0)
        spouse = ((size >= 2) & (rng.random(n) < p_spouse)).astype(np.int64)
        rest = size - 1 - spouse
        with_parents = (head_age < 45) & (rest >= 1) & (rng.random(n) < 0.25)
        parents = np.where(with_parents, np.minimum(1 + (rng.random(n) < 0.4), rest), 0)
        grandparent = ((head_age < 30) & (parents == 1) & (rng.random(n) < 0.25)).astype(np.int64)
        parents = parents - grandparent
        rest = rest - parents - grandparent
        older = (rest >= 1) & (rng.random(n) < np.clip((head_age - 50) / 20.0, 0.0, 0.85))
        # An older head's household: one married child, the child's spouse, grandchildren.
        child_in_law = (older & (rest >= 3)).astype(np.int64)
        grand_children = np.where(older & (rest >= 2), rest - 1 - child_in_law, 0)
        children = rest - child_in_law - grand_children
        extra = (children >= 2) & (rng.random(n) < 0.04)
        sibling = (extra & (head_age < 45)).astype(np.int64)
        other = (extra & (head_age >= 45)).astype(np.int64)
        children = children - sibling - other
        counts = np.column_stack(
            [
                np.ones(n, dtype=np.int64),
                spouse,
                parents,
                grandparent,
                children,
                child_in_law,
                grand_children,
                sibling,
                other,
            ]
        )

        # Member rows: household index and position; relation from the cumulative counts.
        m = int(size.sum())
        household = np.repeat(np.arange(n, dtype=np.int64), size)
        starts = group_starts(size)
        position = np.arange(m, dtype=np.int64) - starts[household]
        bounds = np.cumsum(counts, axis=1)  # end (exclusive) of each relation block
        relation = (position[:, None] >= bounds[household]).sum(axis=1).astype(np.int8)
        block_start = np.where(relation > 0, bounds[household, np.maximum(relation - 1, 0)], 0)
        ordinal = position - block_start

        ages, male = self._ages_and_sexes(household, relation, ordinal, counts, head_age, head_male)
        ethnicity = hh["ethnicity"][household].copy()
        # Mixed marriages: some spouses and children-in-law of another group.
        married_in = np.isin(relation, (R_SPOUSE, R_CHILD_IN_LAW)) & (rng.random(m) < 0.05)
        ethnicity[married_in & (ethnicity != KINH)] = KINH
        hh["size"] = size
        return {
            "household": household,
            "position": position,
            "relation": relation,
            "ordinal": ordinal,
            "age": ages,
            "male": male,
            "ethnicity": ethnicity,
        }

    def _head_age(self, size: IntArray) -> IntArray:
        rng, n = self.rng, self.n
        young = 20 + 20 * rng.random(n)
        old = 60 + 30 * rng.beta(1.5, 2.2, n)
        middle = 22 + 46 * rng.beta(2.2, 3.0, n)
        big = 30 + 50 * rng.beta(2.5, 2.4, n)
        u = rng.random(n)
        single = np.where(u < 0.3, young, old)
        couple = np.where(u < 0.25, 20 + 18 * rng.random(n), 48 + 38 * rng.beta(1.6, 2.0, n))
        age = np.select([size == 1, size == 2, size >= 6], [single, couple, big], middle)
        result: IntArray = np.clip(np.floor(age), 18, 98).astype(np.int64)
        return result

    def _ages_and_sexes(
        self,
        household: IntArray,
        relation: NDArray[np.int8],
        ordinal: IntArray,
        counts: NDArray[np.int64],
        head_age: IntArray,
        head_male: BoolArray,
    ) -> tuple[IntArray, BoolArray]:
        rng, n = self.rng, self.n
        m = household.shape[0]
        n_kids, n_grand = counts[:, R_CHILD], counts[:, R_GRANDCHILD]
        spouse_age = np.clip(
            head_age + np.where(head_male, -3, 3) + np.round(rng.normal(0, 3, n)), 18, 99
        )
        mother_age = np.where(counts[:, R_SPOUSE] > 0, np.minimum(head_age, spouse_age), head_age)
        # Children come from age 19 on, about two years apart: make the parents old enough
        # for the number of children drawn.
        bump = np.maximum(19 + 2 * np.maximum(n_kids - 1, 0) - mother_age, 0)
        head_age, spouse_age, mother_age = head_age + bump, spouse_age + bump, mother_age + bump
        eldest, spacing = _birth_spacing(rng, mother_age, n_kids)
        # An older head's married child (20+), then that child's children.
        adult_child_age = np.clip(
            np.maximum(eldest, 19 + 2 * np.maximum(n_grand - 1, 0)), 20, mother_age - 15
        )
        grand_eldest, grand_spacing = _birth_spacing(rng, adult_child_age, n_grand)
        parent_age = np.minimum(head_age + 20 + np.floor(15 * rng.random(n)), 99)

        h = household
        noise = rng.random(m)
        # In an older head's household the (one) child is the grandchildren's parent.
        child_age = np.where(
            (counts[h, R_CHILD_IN_LAW] > 0) | (counts[h, R_GRANDCHILD] > 0),
            adult_child_age[h],
            np.floor(eldest[h] - ordinal * spacing[h]),
        )
        age = np.select(
            [
                relation == R_HEAD,
                relation == R_SPOUSE,
                relation == R_PARENT,
                relation == R_GRANDPARENT,
                relation == R_CHILD,
                relation == R_CHILD_IN_LAW,
                relation == R_GRANDCHILD,
                relation == R_SIBLING,
            ],
            [
                head_age[h],
                spouse_age[h],
                parent_age[h] + 3 * (ordinal == 0),
                np.minimum(head_age[h] + 45 + np.floor(12 * noise), 100),
                child_age,
                np.clip(adult_child_age[h] + np.floor(7 * noise) - 3, 18, 99),
                np.floor(grand_eldest[h] - ordinal * grand_spacing[h]),
                np.clip(head_age[h] + np.floor(16 * noise) - 8, 0, 99),
            ],
            np.floor(80 * noise),
        )
        ages: IntArray = np.clip(age, 0, 100).astype(np.int64)

        u = rng.random(m)
        male = np.select(
            [
                relation == R_HEAD,
                relation == R_SPOUSE,
                relation == R_PARENT,
                relation == R_GRANDPARENT,
                (relation == R_CHILD) & (counts[h, R_CHILD_IN_LAW] > 0),
                relation == R_CHILD_IN_LAW,
            ],
            [
                head_male[h],
                ~head_male[h],
                np.where(counts[h, R_PARENT] == 2, ordinal == 0, u < 0.3),
                u < 0.3,
                u < 0.85,  # usually a son living with his parents…
                u >= 0.85,  # …and his wife (the same draw: opposite sexes)
            ],
            u < 0.53,  # sex ratio at birth about 112 boys per 100 girls
        )
        return ages, male.astype(np.bool_)
