"""Helpers for the survey tests: complete Phiếu B2 answers with a chosen number of deprivations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from giamngheo.registry.models import Household
from giamngheo.surveys import definitions, services

DAY = dt.date(2025, 10, 1)
YEAR = 2025
RURAL_LINE = 1_500_000  # Nghị định 07/2021 Art. 3.1: rural poverty line 2022-2025

# Switches that each add exactly one deprivation to the baseline household (2022-2025 pack).
DEPRIVATIONS: list[dict[str, Any]] = [
    {"water_source": "surface_water"},  # water
    {"latrine_type": "none"},  # latrine
    {"wall_durable": False, "roof_durable": False},  # housing_quality (2 of 3 structures)
    {"uses_internet": False},  # telecom
    {"floor_area_m2": 10.0},  # housing_area (5 m² per person for 2 people)
]


def b2_answers(
    household: Household, *, income: int | None = RURAL_LINE, deprived: int = 0, on: dt.date = DAY
) -> dict[str, Any]:
    """Answers for ``household`` (the ``world`` households: a head born 1980 and a child born
    2015) with no deprivation, then the first ``deprived`` switches of ``DEPRIVATIONS``."""
    spec = definitions.load_form("b2-2022")
    answers = services.prefill_answers(household=household, form=spec, on=on)
    answers["household"].update(
        income=income,
        score_a=None,
        wall_durable=True,
        column_durable=True,
        roof_durable=True,
        floor_area_m2=40.0,
        water_source="piped",
        latrine_type="septic",
        uses_internet=True,
        owns_tv=True,
        owns_radio=False,
        owns_computer=False,
        owns_phone=True,
        loudspeaker_access=True,
    )
    for switch in DEPRIVATIONS[:deprived]:
        answers["household"].update(switch)
    for member in answers["members"]:
        child = member["age"] < 16
        member.update(
            employment="not_working" if child else "self_employed",
            education="primary" if child else "upper_secondary",
            studying=child,
            attends_age_appropriate=child,
            has_health_insurance=True,
        )
    return answers
