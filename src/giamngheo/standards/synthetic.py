"""Synthetic survey data: plausible households and members for benchmarks, demos and tests.

Deterministic for a given seed. Households are numbered 1..n; members come grouped in household
order (about 3.8 members per household). The proportions are rough orders of magnitude for rural
and urban Vietnam, not statistics: use real survey data for any analysis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from giamngheo.standards.schema import (
    AREA_TYPES,
    EDUCATION_LEVELS,
    EMPLOYMENT_STATUSES,
    LATRINE_TYPES,
    SEXES,
    WATER_SOURCES,
)

PROVINCES = 34  # provinces and centrally run cities after 1 July 2025

_SIZE_P = np.array([0.08, 0.17, 0.22, 0.27, 0.14, 0.07, 0.03, 0.02])
_WATER_P = np.array([0.45, 0.25, 0.07, 0.05, 0.03, 0.03, 0.04, 0.03, 0.03, 0.02])
_LATRINE_P = np.array([0.55, 0.12, 0.08, 0.03, 0.03, 0.01, 0.09, 0.04, 0.04, 0.01])


def _enum(values: NDArray[Any], categories: tuple[str, ...]) -> pl.Series:
    names = np.array(categories, dtype=object)[values.astype(np.intp)]
    return pl.Series(names, dtype=pl.String).cast(pl.Enum(list(categories)))


def generate(households: int, *, seed: int = 20250701) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Households and members with every raw survey field (see `schema`), plus `province`."""
    rng = np.random.default_rng(seed)
    n = households
    size = rng.choice(np.arange(1, 9), size=n, p=_SIZE_P).astype(np.int64)
    urban = rng.random(n) < 0.37
    median = np.where(urban, 4_200_000, 2_600_000)
    income = np.round(median * rng.lognormal(0.0, 0.65, n), -3).astype(np.int64)
    # A few households sit exactly on a line, as reviewers often record round amounts.
    on_line = rng.random(n) < 0.01
    lines = np.array([700_000, 900_000, 1_500_000, 2_000_000, 2_200_000, 2_800_000, 3_000_000])
    income[on_line] = rng.choice(lines, size=int(on_line.sum()))
    floor_area = np.round(size * 18.0 * rng.lognormal(0.0, 0.5, n) * 2) / 2

    total = int(size.sum())
    household_of = np.repeat(np.arange(n), size)
    first = np.zeros(total, dtype=np.bool_)
    starts = np.concatenate(([0], np.cumsum(size)[:-1]))
    first[starts] = True

    band = rng.random(total)
    age = np.where(
        band < 0.30,
        rng.integers(0, 16, total),
        np.where(band < 0.85, rng.integers(16, 60, total), rng.integers(60, 96, total)),
    )
    age = np.where(first & (age < 18), rng.integers(18, 80, total), age).astype(np.int16)
    sex = (rng.random(total) < 0.5).astype(np.uint8)

    employment = rng.choice(len(EMPLOYMENT_STATUSES), size=total, p=[0.25, 0.12, 0.42, 0.03, 0.18])
    employment = np.where(age < 15, EMPLOYMENT_STATUSES.index("not_working"), employment)
    employment = np.where(
        (age >= 65) & (rng.random(total) < 0.7),
        EMPLOYMENT_STATUSES.index("not_working"),
        employment,
    )

    disability = rng.random(total) < 0.03
    allowance_p = np.where(age >= 80, 0.6, np.where(age >= 60, 0.05, 0.0))
    allowance = rng.random(total) < np.where(disability, 0.7, allowance_p)
    insured = rng.random(total) < 0.9

    school_age = (age >= 3) & (age < 16)
    studying_p = np.where(school_age, 0.93, np.where(age < 18, 0.6, np.where(age < 23, 0.25, 0.01)))
    studying = rng.random(total) < studying_p
    appropriate = school_age & studying & (rng.random(total) < 0.97)

    education_p = np.array([0.06, 0.14, 0.30, 0.28, 0.05, 0.07, 0.04, 0.06])
    education = rng.choice(len(EDUCATION_LEVELS), size=total, p=education_p)
    education = np.where(age < 11, 0, np.where(age < 15, np.minimum(education, 1), education))
    on_the_job = rng.random(total) < 0.02
    child = age < 16
    stunted = child & (rng.random(total) < 0.08)
    underweight = child & (rng.random(total) < 0.06)
    ill_untreated = rng.random(total) < 0.02

    household_frame = pl.DataFrame(
        {
            "household_id": np.arange(1, n + 1, dtype=np.int64),
            "area_type": _enum(urban.astype(np.uint8), AREA_TYPES),
            "income": income,
            "wall_durable": rng.random(n) < 0.85,
            "column_durable": rng.random(n) < 0.88,
            "roof_durable": rng.random(n) < 0.82,
            "floor_area_m2": floor_area,
            "water_source": _enum(
                rng.choice(len(WATER_SOURCES), size=n, p=_WATER_P), WATER_SOURCES
            ),
            "latrine_type": _enum(
                rng.choice(len(LATRINE_TYPES), size=n, p=_LATRINE_P), LATRINE_TYPES
            ),
            "uses_phone": rng.random(n) < 0.95,
            "uses_internet": rng.random(n) < 0.75,
            "owns_tv": rng.random(n) < 0.88,
            "owns_radio": rng.random(n) < 0.2,
            "owns_computer": rng.random(n) < 0.3,
            "owns_phone": rng.random(n) < 0.93,
            "loudspeaker_access": rng.random(n) < 0.7,
            "waste_handled": rng.random(n) < 0.8,
            "province": rng.integers(1, PROVINCES + 1, n).astype(np.int16),
        }
    )
    member_frame = pl.DataFrame(
        {
            "household_id": household_of.astype(np.int64) + 1,
            "age": age,
            "sex": _enum(sex, SEXES),
            "employment": _enum(employment, EMPLOYMENT_STATUSES),
            "receives_social_allowance": allowance,
            "disability": disability,
            "has_health_insurance": insured,
            "education": _enum(education, EDUCATION_LEVELS),
            "studying": studying,
            "attends_age_appropriate": appropriate,
            "on_the_job_training": on_the_job,
            "stunted": stunted,
            "underweight": underweight,
            "ill_untreated": ill_untreated,
        }
    )
    return household_frame, member_frame
