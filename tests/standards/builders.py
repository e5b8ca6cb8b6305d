"""Households and members for the standards tests: plain builders and Hypothesis strategies.

Defaults describe a household that is deprived in nothing under any shipped standard; each test
changes only what it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from giamngheo.standards.schema import (
    AREA_TYPES,
    EDUCATION_LEVELS,
    EMPLOYMENT_STATUSES,
    LATRINE_TYPES,
    SEXES,
    WATER_SOURCES,
)

Record = dict[str, Any]
Household = tuple[Record, list[Record]]


def member(**changes: Any) -> Record:
    values: Record = {
        "age": 35,
        "sex": "male",
        "employment": "self_employed",
        "receives_social_allowance": False,
        "disability": False,
        "has_health_insurance": True,
        "education": "upper_secondary",
        "studying": False,
        "attends_age_appropriate": False,
        "on_the_job_training": False,
        "stunted": False,
        "underweight": False,
        "ill_untreated": False,
    }
    values.update(changes)
    return values


def household(**changes: Any) -> Record:
    values: Record = {
        "household_id": "H1",
        "area_type": "rural",
        "income": 5_000_000,
        "wall_durable": True,
        "column_durable": True,
        "roof_durable": True,
        "floor_area_m2": 100.0,
        "water_source": "piped",
        "latrine_type": "septic",
        "uses_phone": True,
        "uses_internet": True,
        "owns_tv": True,
        "owns_radio": True,
        "owns_computer": True,
        "owns_phone": True,
        "loudspeaker_access": True,
        "waste_handled": True,
    }
    values.update(changes)
    return values


def flatten(records: Sequence[Household]) -> tuple[list[Record], list[Record]]:
    """Household rows and member rows (with household_id) for building tables."""
    households: list[Record] = []
    members: list[Record] = []
    for house, people in records:
        households.append(house)
        members.extend({"household_id": house["household_id"], **person} for person in people)
    return households, members


# -- Hypothesis strategies: values cluster on every threshold of every shipped pack --------------

AGE_LIMITS = (0, 2, 3, 4, 5, 6, 7, 14, 15, 16, 17, 18, 29, 30, 31, 32, 59, 60, 61, 79, 80)
LINES = (
    700_000,
    900_000,
    1_000_000,
    1_300_000,
    1_500_000,
    1_950_000,
    2_000_000,
    2_200_000,
    2_250_000,
    2_800_000,
    3_000_000,
)
INCOMES = tuple(sorted({line + delta for line in LINES for delta in (-1, 0, 1)}))

ages = st.one_of(st.sampled_from(AGE_LIMITS), st.integers(0, 100))
incomes = st.one_of(st.sampled_from(INCOMES), st.integers(0, 4_000_000))
flag = st.booleans()


@st.composite
def members(draw: st.DrawFn) -> Record:
    return {
        "age": draw(ages),
        "sex": draw(st.sampled_from(SEXES)),
        "employment": draw(st.sampled_from(EMPLOYMENT_STATUSES)),
        "receives_social_allowance": draw(flag),
        "disability": draw(flag),
        "has_health_insurance": draw(flag),
        "education": draw(st.sampled_from(EDUCATION_LEVELS)),
        "studying": draw(flag),
        "attends_age_appropriate": draw(flag),
        "on_the_job_training": draw(flag),
        "stunted": draw(flag),
        "underweight": draw(flag),
        "ill_untreated": draw(flag),
    }


@st.composite
def households(draw: st.DrawFn, household_id: str = "H1") -> Household:
    people = draw(st.lists(members(), min_size=1, max_size=7))
    size = len(people)
    # Floor area exactly on the 8 m² per person threshold, half a m² either side, or anything.
    area = draw(
        st.one_of(
            st.sampled_from([8.0 * size, 8.0 * size - 0.5, 8.0 * size + 0.5, 0.0]),
            st.integers(0, 400).map(lambda half_m2: half_m2 / 2),
        )
    )
    house = {
        "household_id": household_id,
        "area_type": draw(st.sampled_from(AREA_TYPES)),
        "income": draw(incomes),
        "wall_durable": draw(flag),
        "column_durable": draw(flag),
        "roof_durable": draw(flag),
        "floor_area_m2": area,
        "water_source": draw(st.sampled_from(WATER_SOURCES)),
        "latrine_type": draw(st.sampled_from(LATRINE_TYPES)),
        "uses_phone": draw(flag),
        "uses_internet": draw(flag),
        "owns_tv": draw(flag),
        "owns_radio": draw(flag),
        "owns_computer": draw(flag),
        "owns_phone": draw(flag),
        "loudspeaker_access": draw(flag),
        "waste_handled": draw(flag),
        "score_a": draw(st.sampled_from([139, 140, 141, 174, 175, 176, 0, 300])),
    }
    return house, people


@st.composite
def batches(draw: st.DrawFn, max_size: int = 12) -> list[Household]:
    count = draw(st.integers(1, max_size))
    return [draw(households(household_id=f"H{i:03d}")) for i in range(count)]
