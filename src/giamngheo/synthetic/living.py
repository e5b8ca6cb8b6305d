"""Living conditions and deprivations, driven by the household's latent wealth."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from giamngheo.standards import schema
from giamngheo.synthetic.profiles import (
    KINH,
    BoolArray,
    FloatArray,
    IntArray,
    pick,
    random_stream,
    sigmoid,
)

# -- living conditions ------------------------------------------------------------------------

_HYGIENIC_LATRINES = (
    "septic",
    "semi_septic",
    "pour_flush",
    "ventilated_improved_pit",
    "double_vault",
    "biogas",
)


def _codes(values: Sequence[str], enumeration: Sequence[str]) -> NDArray[np.uint8]:
    return np.array([enumeration.index(v) for v in values], dtype=np.uint8)


def with_living_conditions(
    seed: int, hh: dict[str, NDArray[Any]], mem: dict[str, NDArray[Any]]
) -> dict[str, NDArray[Any]]:
    """Income, housing, services, member attributes, flags; all tied to one wealth score."""
    rng = random_stream(seed, "conditions")
    n = int(hh["village"].shape[0])
    m = int(mem["household"].shape[0])
    h = mem["household"]
    age = mem["age"]
    urban, mountain, minority = hh["urban"], hh["mountain"], hh["minority"]
    size = hh["size"]
    z = hh["wealth"]
    d = -z  # deprivation propensity
    mm = (mountain & minority).astype(np.float64)
    mtn = mountain.astype(np.float64)
    urb = urban.astype(np.float64)

    def chance(logit: FloatArray) -> BoolArray:
        result: BoolArray = rng.random(logit.shape[0]) < sigmoid(logit)
        return result

    # Income per person per month (đồng): log-normal around an area median.
    median = np.select(
        [urban, mountain & minority, mountain, minority],
        [5_600_000.0, 1_620_000.0, 2_900_000.0, 2_900_000.0],
        3_750_000.0,
    )
    log_income = np.log(median) + 0.52 * (0.85 * z + 0.53 * hh["noise"]) - 0.04 * (size - 4)
    income = (np.round(np.exp(log_income) / 1000.0) * 1000.0).astype(np.int64)

    # Housing: how many of walls, columns, roof are not durable.
    p2 = sigmoid(-5.0 + 1.35 * d + 1.6 * mm + 0.5 * mtn - 1.0 * urb)
    r = rng.random(n)
    non_durable = np.select([r < 0.35 * p2, r < p2, r < p2 + 0.06], [3, 2, 1], 0)
    # Which ones: the k lowest of three biased keys, so roofs give way first, columns last.
    keys = rng.random((n, 3)) * np.array([0.6, 0.8, 1.0])
    rank = (keys[:, :, None] > keys[:, None, :]).sum(axis=2)
    weak_roof, weak_wall, weak_column = (rank < non_durable[:, None]).T

    area = size**0.6 * np.exp(np.log(30.0) + 0.32 * z + 0.3 * rng.standard_normal(n))
    area = area * np.where(urban, 1.2, 1.0) * np.where(mm > 0, 0.8, 1.0)
    floor_area = np.round(np.clip(area, 6.0, 900.0), 1)

    unclean_water = chance(np.select([urban, mm > 0, mountain], [-6.0, -1.3, -2.6], -4.0) + d)
    water = np.where(
        unclean_water,
        np.where(
            mountain,
            _codes(
                ["unprotected_spring", "surface_water", "unprotected_dug_well"],
                schema.WATER_SOURCES,
            )[pick(rng, (0.55, 0.35, 0.10), n)],
            _codes(["unprotected_dug_well", "surface_water", "other"], schema.WATER_SOURCES)[
                pick(rng, (0.6, 0.2, 0.2), n)
            ],
        ),
        np.select(
            [urban, mountain],
            [
                _codes(
                    ["piped", "drilled_well", "bottled", "protected_dug_well"], schema.WATER_SOURCES
                )[pick(rng, (0.85, 0.08, 0.05, 0.02), n)],
                _codes(
                    [
                        "piped",
                        "protected_spring",
                        "drilled_well",
                        "protected_dug_well",
                        "rainwater",
                    ],
                    schema.WATER_SOURCES,
                )[pick(rng, (0.45, 0.3, 0.1, 0.1, 0.05), n)],
            ],
            _codes(
                ["piped", "drilled_well", "protected_dug_well", "rainwater", "bottled"],
                schema.WATER_SOURCES,
            )[pick(rng, (0.45, 0.35, 0.12, 0.03, 0.05), n)],
        ),
    ).astype(np.uint8)

    unhygienic = chance(np.select([urban, mm > 0, mountain], [-5.5, -0.6, -2.0], -3.0) + 1.2 * d)
    latrine = np.where(
        unhygienic,
        _codes(["simple_pit", "overhang", "none", "other"], schema.LATRINE_TYPES)[
            pick(rng, (0.55, 0.05, 0.35, 0.05), n)
        ],
        np.where(
            urban,
            _codes(["septic", "semi_septic"], schema.LATRINE_TYPES)[pick(rng, (0.95, 0.05), n)],
            _codes(list(_HYGIENIC_LATRINES), schema.LATRINE_TYPES)[
                pick(rng, (0.62, 0.15, 0.12, 0.03, 0.05, 0.03), n)
            ],
        ),
    ).astype(np.uint8)

    # Member attributes -----------------------------------------------------------------------
    zm, dm = z[h], d[h]
    m_urban, m_mountain, m_minority = urban[h], mountain[h], mem["ethnicity"] != KINH
    m_mm = (m_mountain & m_minority).astype(np.float64)
    u = rng.random(m)

    # Schooling: preschool 3-5, primary 6-10, lower secondary 11-14, upper secondary 15-17.
    p_study = np.select(
        [age < 3, age <= 5, age <= 10, age <= 14, age <= 17, age <= 22, age <= 25],
        [
            np.zeros(m),
            0.93 - 0.12 * m_mm,
            np.full(m, 0.995),
            0.975 - 0.07 * m_mm - 0.02 * np.clip(dm, 0, None),
            0.84 - 0.22 * m_mm - 0.08 * np.clip(dm, 0, None),
            sigmoid(-0.8 + 0.8 * zm + 0.5 * m_urban),
            np.full(m, 0.05),
        ],
        0.0,
    )
    studying = u < p_study
    held_back = rng.random(m) < 0.02 + 0.03 * (dm > 1)
    attends = studying & (age >= 3) & (age <= 17) & ~held_back

    # Highest completed level: children by age; adults from a cohort-and-wealth score.
    score = (
        np.select([age <= 30, age <= 45, age <= 60, age <= 75], [2.9, 2.2, 1.7, 1.0], 0.3)
        + 0.5 * zm
        - 0.9 * m_minority
        - 0.3 * m_mountain
        + 0.85 * rng.standard_normal(m)
    )
    level = np.select([score < 0, score < 1, score < 2, score < 3.2], [0, 1, 2, 3], 4)
    post = np.array([4, 5, 6, 7])[pick(rng, (0.25, 0.2, 0.15, 0.4), m)]
    post = np.where((post == 7) & (age < 22), 6, post)
    post = np.where((post == 6) & (age < 21), 5, post)
    post = np.where((post == 5) & (age < 19), 4, post)
    adult_level = np.where(level == 4, post, level)
    # Students of 18+ have at least finished upper secondary.
    adult_level = np.where(studying & (age >= 18), np.maximum(adult_level, 3), adult_level)
    education = np.select(
        [age <= 10, age <= 14, age <= 17],
        [
            np.zeros(m, dtype=np.int64),
            np.where(held_back | (u > 0.97 + 0.03 * studying), 0, 1),
            np.where(studying & ~held_back, 2, np.where(score < 0.6, 1, 2)),
        ],
        adult_level,
    ).astype(np.uint8)
    # Leavers at 15-17 who never finished lower secondary.
    education = np.where(
        (age >= 15) & (age <= 17) & ~studying & (rng.random(m) < 0.35 + 0.3 * m_mm), 1, education
    ).astype(np.uint8)

    # Disability and social allowances (Decree 20/2021: 80+, or 75+ in poor households
    # since 2025, people with severe disabilities, orphans).
    disability = rng.random(m) < np.select(
        [age < 15, age < 60, age < 80], [0.01, 0.025, 0.08], 0.18
    ) * np.where(dm > 1, 1.5, 1.0)
    allowance = rng.random(m) < np.select(
        [age >= 80, (age >= 75) & (dm > 0.8), disability, age < 16],
        [0.85, 0.3, 0.45, 0.004 * (dm > 1)],
        0.0,
    )

    # Employment for 15+.
    v = rng.random(m)
    p_contract = np.clip(
        np.where(m_urban, 0.40, np.where(m_mountain, 0.10, 0.22)) + 0.1 * zm, 0.02, 0.8
    )
    p_informal = np.clip(0.07 + 0.04 * dm + 0.04 * m_mm, 0.01, 0.4)
    p_unemployed = np.clip(0.015 + 0.015 * dm, 0.002, 0.1)
    p_inactive = 0.07 + 0.5 * disability
    working_age = np.select(
        [
            v < p_inactive,
            v < p_inactive + p_unemployed,
            v < p_inactive + p_unemployed + p_informal,
            v < p_inactive + p_unemployed + p_informal + p_contract,
        ],
        [4, 3, 1, 0],
        2,
    )
    senior = np.where(
        v < np.select([age >= 75, age >= 65], [0.9, 0.65], 0.4),
        4,
        np.where(v > 0.97, 1, 2),
    )
    employment = np.select([age < 15, studying, age >= 60], [4, 4, senior], working_age).astype(
        np.uint8
    )
    on_the_job = (employment == 0) & (rng.random(m) < 0.06)

    # Health insurance: cards are free for children under 6, minority households of mountain
    # communes and poor households; gaps cluster in households that pay their own.
    gap_household = chance(-2.5 + 0.5 * d - 1.5 * mm - 0.6 * urb)
    insured = ~(gap_household[h] & (age >= 6) & (rng.random(m) < 0.6) & ~(studying & (age < 18)))

    under5 = age < 5
    stunted = under5 & (rng.random(m) < sigmoid(-2.3 + 0.6 * dm + 1.1 * m_mm))
    stunted |= (age >= 5) & (age < 16) & (rng.random(m) < 0.01 * (dm > 1))
    underweight = (age < 16) & (
        (stunted & (rng.random(m) < 0.5)) | (under5 & (rng.random(m) < 0.03))
    )
    ill_untreated = rng.random(m) < 0.004 + 0.01 * (dm > 1) + 0.005 * m_mm

    mem.update(
        sex=np.where(mem["male"], 0, 1).astype(np.uint8),
        employment=employment,
        receives_social_allowance=allowance,
        disability=disability,
        has_health_insurance=insured,
        education=education,
        studying=studying,
        attends_age_appropriate=attends,
        on_the_job_training=on_the_job,
        stunted=stunted,
        underweight=underweight,
        ill_untreated=ill_untreated,
    )

    # Information and services ----------------------------------------------------------------
    elderly_only = np.logical_and.reduceat(age >= 60, group_starts(size))
    uses_internet = ~chance(-3.2 + 1.1 * d + 0.4 * (1 - urb) + 1.4 * mm + 1.8 * elderly_only)
    uses_phone = ~chance(-4.5 + d + 1.5 * elderly_only + 0.8 * mm)
    owns_phone = uses_phone & (rng.random(n) < 0.99)
    owns_tv = ~chance(-2.6 + 1.0 * d + 0.9 * mm)
    owns_radio = rng.random(n) < 0.08
    owns_computer = chance(-1.8 + 0.9 * z + 1.0 * urb - 1.0 * mm)
    loudspeaker = rng.random(n) < np.where(urban, 0.8, 0.92)
    waste = chance(np.select([urban, mountain], [3.5, 0.0], 1.8) + 0.5 * z)

    # Group flags and candidate reasons ---------------------------------------------------------
    able = (age >= 15) & (age <= 60) & ~disability
    starts = group_starts(size)
    any_able = np.logical_or.reduceat(able, starts)
    any_allowance = np.logical_or.reduceat(allowance, starts)
    any_ill = np.logical_or.reduceat(ill_untreated | disability, starts)
    any_uninsured = np.logical_or.reduceat(~insured & (age >= 6), starts)
    any_school_gap = np.logical_or.reduceat((age >= 3) & (age < 16) & ~attends, starts)
    any_job_gap = np.logical_or.reduceat(np.isin(employment, (1, 3)) & (age >= 15), starts)
    dependant = (age < 16) | (allowance & ((age >= 60) | disability))
    dependants = np.add.reduceat(dependant.astype(np.int64), starts)
    head_age = age[starts]
    merit = rng.random(n) < np.where(head_age >= 60, 0.035, 0.012)

    reasons = _bits(
        rng,
        n,
        [
            np.where(urban, 0.05, np.where(mm > 0, 0.5, 0.35)),  # land
            np.full(n, 0.55),  # capital
            np.where(~any_able | (2 * dependants > size), 0.9, 0.1),  # labour
            np.full(n, 0.15),  # tools
            np.where(mm > 0, 0.45, 0.2),  # knowledge
            np.where(mm > 0, 0.4, 0.25),  # skills
            np.where(any_ill, 0.8, 0.05),  # illness
            np.full(n, 0.04),  # other
        ],
        fallback=1,
    )
    small_home = floor_area < 8 * size
    weak_home = non_durable >= 1
    needs = _bits(
        rng,
        n,
        [
            np.where(any_uninsured | any_ill, 0.85, 0.1),  # health
            np.where(any_school_gap, 0.8, 0.1),  # education
            np.where(urban, 0.15, 0.55),  # production
            np.full(n, 0.6),  # credit
            np.where(weak_home | small_home, 0.85, 0.05),  # housing
            np.where(unclean_water | unhygienic, 0.8, 0.03),  # water
            np.where(any_job_gap, 0.6, 0.08),  # employment
            np.where(~uses_internet, 0.5, 0.03),  # information
            np.full(n, 0.02),  # other
        ],
        fallback=3,
    )

    hh.update(
        area_type=urban.astype(np.uint8),  # schema.AREA_TYPES: rural 0, urban 1
        income=income,
        wall_durable=~weak_wall,
        column_durable=~weak_column,
        roof_durable=~weak_roof,
        floor_area_m2=floor_area,
        water_source=water,
        latrine_type=latrine,
        uses_phone=uses_phone,
        uses_internet=uses_internet,
        owns_tv=owns_tv,
        owns_radio=owns_radio,
        owns_computer=owns_computer,
        owns_phone=owns_phone,
        loudspeaker_access=loudspeaker,
        waste_handled=waste,
        is_ethnic_minority=minority,
        is_merit_family=merit,
        has_social_assistance_member=any_allowance,
        has_no_labour_capacity=~any_able,
        poverty_reason_bits=reasons,
        support_need_bits=needs,
    )
    return hh


def group_starts(size: IntArray) -> IntArray:
    starts = np.zeros(size.shape[0], dtype=np.int64)
    if size.shape[0]:
        starts[1:] = np.cumsum(size)[:-1]
    return starts


def _bits(
    rng: np.random.Generator, n: int, probabilities: Sequence[FloatArray], *, fallback: int
) -> NDArray[np.uint16]:
    """A bit set per household: bit i with probability ``probabilities[i]``; at least one."""
    bits = np.zeros(n, dtype=np.uint16)
    for i, p in enumerate(probabilities):
        bits |= (rng.random(n) < p).astype(np.uint16) << np.uint16(i)
    bits[bits == 0] = np.uint16(1 << fallback)
    return bits
