"""Classification: raw survey data or given flags → indicator flags → deprivation count → status.

Two paths with identical results:

- scalar (`classify_household`, `classify_flags`): one household as plain mappings, for forms
  and explanations;
- vectorised (`evaluate_flags`, `classify_columns`, `classify_flag_columns`): NumPy columns for
  millions of households.

The property tests in tests/standards/test_classify.py check that they agree everywhere,
boundaries included.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from giamngheo.standards.columns import Array, BoolArray, IntArray, RawColumns
from giamngheo.standards.evaluators import Cause, MemberCountEvaluator, Row
from giamngheo.standards.explain import DeprivationReason, Explanation, explain
from giamngheo.standards.packs import Pack
from giamngheo.standards.rules import (
    RuleOutcome,
    StatusArray,
    decide_by_income,
    decide_by_score,
    status_codes_by_income,
    status_codes_by_score,
)
from giamngheo.standards.schema import STATUSES
from giamngheo.standards.text import Text

CountArray = NDArray[np.integer[Any]]

_FLAG_CAUSE = Cause(
    Text("được đánh dấu thiếu hụt trong dữ liệu đầu vào", "marked deprived in the input data")
)


# -- scalar path --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdResult:
    """The classification of one household under one standard."""

    household_id: str | None
    standard: str
    status: str
    deprivation_count: int
    flags: Mapping[str, bool]
    outcome: RuleOutcome
    explanation: Explanation | None = None

    @property
    def deprived(self) -> tuple[str, ...]:
        return tuple(code for code, deprived in self.flags.items() if deprived)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "household_id": self.household_id,
            "status": self.status,
            "deprivation_count": self.deprivation_count,
            "deprived": list(self.deprived),
        }
        if self.explanation is not None:
            out["explanation"] = self.explanation.to_dict()
        return out


def household_flags(pack: Pack, household: Row, members: Sequence[Row]) -> dict[str, bool]:
    """Scalar path: the pack's indicator flags for one household from raw survey answers."""
    return {
        indicator.code: indicator.evaluator.is_deprived(household, members)
        for indicator in pack.indicators
    }


def classify_household(
    pack: Pack,
    household: Row,
    members: Sequence[Row],
    *,
    explain_result: bool = False,
    by_score: bool = False,
) -> HouseholdResult:
    """Scalar path from raw survey answers: `household` holds the household fields (and
    `score_a` when `by_score`), `members` one mapping per member, in household order."""
    flags = household_flags(pack, household, members)
    count = sum(flags.values())
    area_type = str(household["area_type"])
    if by_score:
        outcome = decide_by_score(pack, area_type, _int(household["score_a"]), count)
    else:
        outcome = decide_by_income(pack, area_type, _int(household["income"]), count)
    explanation = None
    if explain_result:
        reasons = tuple(
            DeprivationReason(
                indicator.code,
                indicator.label,
                indicator.evaluator.threshold(),
                indicator.evaluator.causes(household, members),
                indicator.fact.verified,
            )
            for indicator in pack.indicators
            if flags[indicator.code]
        )
        explanation = explain(pack, outcome, reasons, by_score=by_score)
    household_id = household.get("household_id")
    return HouseholdResult(
        None if household_id is None else str(household_id),
        pack.code,
        outcome.status,
        count,
        flags,
        outcome,
        explanation,
    )


def classify_flags(
    pack: Pack,
    *,
    area_type: str,
    flags: Mapping[str, bool],
    income: int | None = None,
    score_a: int | None = None,
    household_id: str | None = None,
    explain_result: bool = False,
) -> HouseholdResult:
    """Scalar path from given indicator flags plus income (or score A)."""
    missing = [code for code in pack.indicator_codes if code not in flags]
    if missing:
        raise KeyError(f"flags missing for indicators: {', '.join(missing)}")
    ordered = {code: bool(flags[code]) for code in pack.indicator_codes}
    count = sum(ordered.values())
    if score_a is not None:
        outcome = decide_by_score(pack, area_type, score_a, count)
    elif income is not None:
        outcome = decide_by_income(pack, area_type, income, count)
    else:
        raise ValueError("give income or score_a")
    explanation = None
    if explain_result:
        reasons = tuple(
            DeprivationReason(
                indicator.code,
                indicator.label,
                indicator.evaluator.threshold(),
                (_FLAG_CAUSE,),
                indicator.fact.verified,
            )
            for indicator in pack.indicators
            if ordered[indicator.code]
        )
        explanation = explain(pack, outcome, reasons, by_score=score_a is not None)
    return HouseholdResult(
        household_id, pack.code, outcome.status, count, ordered, outcome, explanation
    )


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"expected a whole number, got {value!r}")
    return int(value)


# -- vectorised path ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    """Vectorised result for many households (arrays aligned with `household_ids`)."""

    standard: str
    household_ids: Array
    indicators: tuple[str, ...]
    flags: Mapping[str, BoolArray]
    deprivation_count: CountArray
    status_codes: StatusArray

    @property
    def n(self) -> int:
        return int(self.household_ids.shape[0])

    def statuses(self) -> list[str]:
        names = np.array(STATUSES, dtype=object)
        result: list[str] = names[self.status_codes].tolist()
        return result

    def status_counts(self) -> dict[str, int]:
        counts = np.bincount(self.status_codes, minlength=len(STATUSES))
        return {status: int(counts[i]) for i, status in enumerate(STATUSES)}

    def flag_matrix(self) -> NDArray[np.bool_]:
        if not self.indicators:
            return np.zeros((self.n, 0), dtype=np.bool_)
        return np.column_stack([self.flags[code] for code in self.indicators])

    def deprived_lists(self) -> list[list[str]]:
        matrix = self.flag_matrix()
        codes = self.indicators
        return [[codes[j] for j in np.flatnonzero(row)] for row in matrix]

    def to_frame(self) -> pl.DataFrame:
        """One row per household: household_id, status, deprivation_count, deprived (list)."""
        deprived = pl.concat_list(
            [
                pl.when(pl.col(code)).then(pl.lit(code)).otherwise(pl.lit(None, dtype=pl.String))
                for code in self.indicators
            ]
        ).list.drop_nulls()
        frame = pl.DataFrame(
            {
                "household_id": pl.Series(
                    self.household_ids,
                    dtype=pl.String if self.household_ids.dtype.kind in "OUS" else None,
                ),
                "status": pl.Series(self.status_codes).replace_strict(
                    list(range(len(STATUSES))), list(STATUSES), return_dtype=pl.String
                ),
                "deprivation_count": self.deprivation_count,
                **{code: self.flags[code] for code in self.indicators},
            }
        )
        if not self.indicators:
            return frame.with_columns(deprived=pl.lit([], dtype=pl.List(pl.String)))
        return frame.with_columns(deprived=deprived).select(
            "household_id", "status", "deprivation_count", "deprived"
        )


def evaluate_flags(pack: Pack, cols: RawColumns) -> dict[str, BoolArray]:
    """Vectorised path: indicator flags for every household from raw columns.

    Indicators decided by counting members ("at least one member…", "more than half are
    dependants") have their member conditions counted together (`count_members_many`, up to 8
    per pass); the others are evaluated one by one.
    """
    counted = [
        (indicator.code, indicator.evaluator)
        for indicator in pack.indicators
        if isinstance(indicator.evaluator, MemberCountEvaluator)
    ]
    counts = cols.count_members_many([evaluator.count_mask(cols) for _, evaluator in counted])
    flags: dict[str, BoolArray] = {
        code: evaluator.from_count(cols, count)
        for (code, evaluator), count in zip(counted, counts, strict=True)
    }
    for indicator in pack.indicators:
        if indicator.code not in flags:
            flags[indicator.code] = indicator.evaluator.vector(cols)
    return {code: flags[code] for code in pack.indicator_codes}


def count_deprivations(flags: Mapping[str, BoolArray], n: int) -> CountArray:
    """Number of deprived indicators per household (uint8 while there are fewer than 256)."""
    count: CountArray = np.zeros(n, dtype=np.uint8 if len(flags) < 256 else np.int64)
    for values in flags.values():
        np.add(count, values.view(np.uint8), out=count, casting="unsafe")
    return count


def classify_columns(
    pack: Pack, cols: RawColumns, *, by_score: bool = False, workers: int | None = None
) -> Classification:
    """Vectorised path from raw columns: flags, count and status for every household.

    `cols.households` must hold `area_type` (codes: 0 rural, 1 urban) and `income` (int64), or
    `score_a` (int64) when `by_score`. Large inputs are cut into contiguous chunks of households
    evaluated on `workers` threads (NumPy releases the GIL in its loops); the result does not
    depend on the number of workers.
    """
    n = cols.n_households
    workers = default_workers(n) if workers is None else max(1, workers)
    if workers == 1 or n < 2 * workers:
        return _classify_raw(pack, cols, by_score)
    bounds = np.linspace(0, n, workers + 1).astype(np.intp).tolist()
    chunks = [cols.chunk(first, stop) for first, stop in itertools.pairwise(bounds)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(lambda chunk: _classify_raw(pack, chunk, by_score), chunks))
    return Classification(
        pack.code,
        cols.household_ids,
        pack.indicator_codes,
        {code: np.concatenate([p.flags[code] for p in parts]) for code in pack.indicator_codes},
        np.concatenate([p.deprivation_count for p in parts]),
        np.concatenate([p.status_codes for p in parts]),
    )


def default_workers(n_households: int) -> int:
    """Threads for the vectorised path: one per available core for large inputs."""
    if n_households < 200_000:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _classify_raw(pack: Pack, cols: RawColumns, by_score: bool) -> Classification:
    flags = evaluate_flags(pack, cols)
    return _classify(
        pack,
        household_ids=cols.household_ids,
        is_urban=cols.households["area_type"] == 1,
        value=cols.households["score_a" if by_score else "income"],
        flags=flags,
        by_score=by_score,
    )


def classify_flag_columns(
    pack: Pack,
    *,
    household_ids: Array,
    is_urban: BoolArray,
    flags: Mapping[str, BoolArray],
    income: IntArray | None = None,
    score_a: IntArray | None = None,
) -> Classification:
    """Vectorised path from given flags (one boolean array per indicator of the pack)."""
    missing = [code for code in pack.indicator_codes if code not in flags]
    if missing:
        raise KeyError(f"flags missing for indicators: {', '.join(missing)}")
    if score_a is not None:
        return _classify(
            pack,
            household_ids=household_ids,
            is_urban=is_urban,
            value=score_a,
            flags=flags,
            by_score=True,
        )
    if income is None:
        raise ValueError("give income or score_a")
    return _classify(
        pack,
        household_ids=household_ids,
        is_urban=is_urban,
        value=income,
        flags=flags,
        by_score=False,
    )


def _classify(
    pack: Pack,
    *,
    household_ids: Array,
    is_urban: BoolArray,
    value: NDArray[Any],
    flags: Mapping[str, BoolArray],
    by_score: bool,
) -> Classification:
    ordered = {code: flags[code] for code in pack.indicator_codes}
    count = count_deprivations(ordered, int(household_ids.shape[0]))
    if by_score:
        status = status_codes_by_score(pack, is_urban, value, count)
    else:
        status = status_codes_by_income(pack, is_urban, value, count)
    return Classification(pack.code, household_ids, pack.indicator_codes, ordered, count, status)
