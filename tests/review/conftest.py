"""Review fixtures: the ``world`` personas plus households on the 2024 list, and helpers that
record real surveys (Phiếu A, B2) through the surveys app so the engine proposes each status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from giamngheo.lib import clock
from giamngheo.registry import services as registry_services
from giamngheo.registry.models import Household
from giamngheo.review import services
from giamngheo.review.models import Round
from giamngheo.surveys import services as survey_services
from giamngheo.surveys.models import Survey
from tests.conftest import World, make_household
from tests.surveys.conftest import b2_answers

YEAR = 2025
SURVEY_DAY = dt.date(2025, 10, 1)
# The review's tests run on a fixed day (lib.clock), never on the machine's date.
TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def today() -> Iterator[dt.date]:
    """Fix today's date for the review's date rules; a test moves it with ``clock.set_today``."""
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


def set_status(household: Household, status: str, year: int = 2024) -> Household:
    """The household's status on the previous list (test setup through the registry service)."""
    return registry_services.household_status_set(
        actor=None,
        household=household,
        status=status,
        standard="2022-2025",
        year=year,
        basis="Quyết định công nhận năm trước (dữ liệu thử)",
    )


def record_b2(household: Household, status: str, on: dt.date = SURVEY_DAY) -> Survey:
    """A Phiếu B2 whose engine result is ``status`` (rural household: line 1.500.000 đ)."""
    income, deprived = {
        "poor": (1_200_000, 3),
        "near_poor": (1_200_000, 0),
        "not_poor": (6_000_000, 0),
    }[status]
    survey = survey_services.survey_record(
        actor=None,
        household=household,
        form="b2-2022",
        review_year=on.year,
        surveyed_on=on,
        answers=b2_answers(household, income=income, deprived=deprived, on=on),
        surveyor_name="Rà soát viên Hồ Thị Ánh",
    )
    assert survey.status == status, survey.status
    return survey


def record_a(household: Household, *, excluded: bool, on: dt.date = SURVEY_DAY) -> Survey:
    return survey_services.survey_record(
        actor=None,
        household=household,
        form="a-2022",
        review_year=on.year,
        surveyed_on=on,
        answers={
            "household": {
                "owns_car": excluded,
                "durable_large_house": False,
                "high_electricity_use": False,
                "other_wealth_marker": False,
                "note": "",
            },
            "members": [],
        },
        surveyor_name="Rà soát viên Hồ Thị Ánh",
    )


@dataclass
class ReviewWorld:
    world: World
    poor: Household  # A1, poor on the 2024 list
    near_poor: Household  # A2, near-poor on the 2024 list
    flagged: Household  # A1, not on the list
    other: Household  # A1, not on the list, never reviewed


@pytest.fixture
def review_world(world: World) -> ReviewWorld:
    poor = set_status(world.household_a1, "poor")
    near_poor = set_status(world.household_a2, "near_poor")
    set_status(world.household_b1, "poor")
    flagged = make_household(world.village_a1, "A1-002", "Đặng Thị Hoa")
    other = make_household(world.village_a1, "A1-003", "Vũ Văn Khải")
    return ReviewWorld(world, poor, near_poor, flagged, other)


def planned_round(rw: ReviewWorld, year: int = YEAR) -> Round:
    """An annual round of commune A with a steering committee head and one reviewer."""
    w = rw.world
    round_ = services.round_create(
        actor=w.xa_a,
        commune=w.commune_a,
        year=year,
        plan_number="12/KH-UBND",
        plan_date=dt.date(year, 8, 25),
    )
    services.steering_member_add(
        actor=w.xa_a,
        round_=round_,
        full_name="Nguyễn Văn Chủ",
        position="Chủ tịch UBND xã",
        role="head",
    )
    services.reviewer_add(actor=w.xa_a, round_=round_, full_name="Lê Thị Rà", kind="collaborator")
    return round_


def started_round(rw: ReviewWorld, year: int = YEAR) -> Round:
    round_ = planned_round(rw, year)
    return services.round_start(actor=rw.world.xa_a, round_=round_)


def entries_of(round_: Round) -> dict[str, Any]:
    return {e.household.code: e for e in round_.entries.select_related("household")}
