"""Columnar household and member data for the vectorised path.

`RawColumns` holds one NumPy array per raw field (see `schema`): booleans as `bool`, enumerated
values as `uint8` codes (the position in `Field.values`), income as `int64`, floor area as
`float64`, ages as any integer type. Members are stored grouped by household, in household
order, so that "any member…" and "how many members…" are single `reduceat` passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from giamngheo.standards.errors import InputError, InputProblem

_LANES = 8  # bytes of a uint64: member conditions counted per pass

Array = NDArray[Any]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class RawColumns:
    """Raw survey data of many households, ready for the vectorised evaluators."""

    household_ids: Array
    households: Mapping[str, Array]
    members: Mapping[str, Array]
    # Index of the first member of each household in the member arrays; every household has at
    # least one member, so `starts` is strictly increasing.
    starts: NDArray[np.intp]
    size: IntArray
    # 0-based row of each (regrouped) member in the caller's member input.
    member_rows: NDArray[np.intp]

    @property
    def n_households(self) -> int:
        return int(self.household_ids.shape[0])

    @property
    def n_members(self) -> int:
        return int(self.member_rows.shape[0])

    def any_member(self, mask: BoolArray) -> BoolArray:
        """Per household: does at least one member satisfy `mask`?"""
        if self.n_households == 0:
            return np.zeros(0, dtype=np.bool_)
        result: BoolArray = np.logical_or.reduceat(mask, self.starts)
        return result

    def count_members_many(self, masks: Sequence[BoolArray]) -> list[NDArray[np.integer[Any]]]:
        """Per household, how many members satisfy each of `masks`, in few passes.

        Up to 8 masks share one pass: each member gets a uint64 whose bytes ("lanes") hold its
        0/1 answers; a running sum of these and one difference per household give every lane's
        count at once. A lane's count is at most the household size, so while no household has
        256 members no lane overflows into the next, and the modular uint64 arithmetic of the
        running sum still yields every count exactly.
        """
        if self.n_households == 0:
            return [np.zeros(0, dtype=np.uint8) for _ in masks]
        if int(self.size.max()) >= 256:
            return [self.count_members(mask) for mask in masks]
        counts: list[NDArray[np.integer[Any]]] = []
        for first in range(0, len(masks), _LANES):
            chunk = masks[first : first + _LANES]
            running = np.zeros(self.n_members + 1, dtype=np.uint64)
            lanes = running[1:].view(np.uint8).reshape(self.n_members, _LANES)
            for lane, mask in enumerate(chunk):
                lanes[:, lane] = mask.view(np.uint8)
            np.cumsum(running, out=running)
            per_household = running[self.starts + self.size] - running[self.starts]
            household_lanes = per_household.view(np.uint8).reshape(self.n_households, _LANES)
            counts.extend(household_lanes[:, lane] for lane in range(len(chunk)))
        return counts

    def count_members(self, mask: BoolArray) -> NDArray[np.integer[Any]]:
        """Per household: how many members satisfy `mask`."""
        if self.n_households == 0:
            return np.zeros(0, dtype=np.int64)
        if int(self.size.max()) < 256:
            # Differences of a running count: a uint8 running count wraps around, but every
            # household's difference is below 256, so modular arithmetic gives it exactly.
            # (Faster than reduceat, whose cost is dominated by the number of households.)
            running = np.empty(self.n_members + 1, dtype=np.uint8)
            running[0] = 0
            np.cumsum(mask, dtype=np.uint8, out=running[1:])
            small: NDArray[np.integer[Any]] = (
                running[self.starts + self.size] - running[self.starts]
            )
            return small
        result: NDArray[np.integer[Any]] = np.add.reduceat(mask, self.starts, dtype=np.int64)
        return result

    def chunk(self, first: int, stop: int) -> RawColumns:
        """Households first..stop-1 and their members, as views (no copy)."""
        member_first = int(self.starts[first]) if first < self.n_households else self.n_members
        member_stop = int(self.starts[stop]) if stop < self.n_households else self.n_members
        return RawColumns(
            household_ids=self.household_ids[first:stop],
            households={name: values[first:stop] for name, values in self.households.items()},
            members={
                name: values[member_first:member_stop] for name, values in self.members.items()
            },
            starts=self.starts[first:stop] - member_first,
            size=self.size[first:stop],
            member_rows=self.member_rows[member_first:member_stop],
        )

    @classmethod
    def build(
        cls,
        *,
        household_ids: Array,
        households: Mapping[str, Array],
        member_household_ids: Array,
        members: Mapping[str, Array],
        households_file: str | None = None,
        members_file: str | None = None,
    ) -> RawColumns:
        """Group members under their households.

        Household ids must be unique; every member must belong to a listed household and every
        household must have at least one member (its size is the number of members). Members that
        already come grouped in household order (the usual export order) are used as they are;
        otherwise they are regrouped by a stable sort, which keeps their order within a household.
        """
        n = int(household_ids.shape[0])
        _check_unique(household_ids, households_file)
        grouped = _grouped_in_order(household_ids, member_household_ids)
        if grouped is not None:
            starts = grouped
            member_rows = np.arange(member_household_ids.shape[0], dtype=np.intp)
            ordered = dict(members)
        else:
            index = _household_index(household_ids, member_household_ids, members_file)
            member_rows = np.argsort(index, kind="stable").astype(np.intp)
            sorted_index = index[member_rows]
            counts = np.bincount(sorted_index, minlength=n)
            _check_no_empty(counts, household_ids, households_file)
            starts = np.zeros(n, dtype=np.intp)
            if n:
                starts[1:] = np.cumsum(counts)[:-1]
            ordered = {name: values[member_rows] for name, values in members.items()}
        total = int(member_household_ids.shape[0])
        size = np.diff(np.append(starts, total)).astype(np.int64)
        return cls(
            household_ids=household_ids,
            households=dict(households),
            members=ordered,
            starts=starts,
            size=size,
            member_rows=member_rows,
        )


def _check_unique(household_ids: Array, file: str | None) -> None:
    if household_ids.shape[0] < 2:
        return
    if household_ids.dtype.kind in "iu" and bool(np.all(household_ids[1:] > household_ids[:-1])):
        return  # strictly increasing, hence unique
    series = pl.Series(household_ids)
    repeated = ~series.is_first_distinct()
    if repeated.any():
        row = int(np.flatnonzero(repeated.to_numpy())[0])
        first = int(np.flatnonzero((series == series[row]).to_numpy())[0])
        raise InputError(
            [
                InputProblem(
                    f"household_id {household_ids[row]!s} appears more than once "
                    f"(first at row {first + 1})",
                    row=row + 1,
                    column="household_id",
                    file=file,
                )
            ]
        )


def _grouped_in_order(household_ids: Array, member_household_ids: Array) -> NDArray[np.intp] | None:
    """Starts of each household's members if members are already grouped in household order."""
    n = household_ids.shape[0]
    total = member_household_ids.shape[0]
    if n == 0 or total < n:
        return None
    if member_household_ids.dtype.kind != household_ids.dtype.kind:
        return None
    changes = np.flatnonzero(member_household_ids[1:] != member_household_ids[:-1]) + 1
    if changes.shape[0] != n - 1:
        return None
    starts = np.concatenate(([0], changes)).astype(np.intp)
    if not np.array_equal(member_household_ids[starts], household_ids):
        return None
    return starts


def _household_index(
    household_ids: Array, member_household_ids: Array, members_file: str | None
) -> NDArray[np.intp]:
    households = pl.DataFrame({"household_id": pl.Series(household_ids)}).with_row_index("_row")
    try:
        joined = pl.DataFrame({"household_id": pl.Series(member_household_ids)}).join(
            households, on="household_id", how="left", maintain_order="left"
        )
    except pl.exceptions.PolarsError as error:  # incompatible id types
        raise InputError.single(
            f"household_id of members cannot be matched to households: {error}",
            column="household_id",
            file=members_file,
        ) from error
    rows = joined["_row"]
    if rows.null_count():
        missing = np.flatnonzero(rows.is_null().to_numpy())
        first = int(missing[0])
        raise InputError(
            [
                InputProblem(
                    f"household_id {member_household_ids[first]!s} is not in the household "
                    f"file ({missing.shape[0]} member rows have an unknown household)",
                    row=first + 1,
                    column="household_id",
                    file=members_file,
                )
            ]
        )
    result: NDArray[np.intp] = rows.to_numpy().astype(np.intp)
    return result


def _check_no_empty(counts: IntArray, household_ids: Array, file: str | None) -> None:
    empty = np.flatnonzero(counts == 0)
    if empty.shape[0]:
        first = int(empty[0])
        raise InputError(
            [
                InputProblem(
                    f"household {household_ids[first]!s} has no member rows "
                    f"({empty.shape[0]} households have none); the household size is the "
                    "number of its members",
                    row=first + 1,
                    column="household_id",
                    file=file,
                )
            ]
        )
