"""Reports fixtures: the review's decided round of commune A (2025) plus households of every
status, with members and surveys, so that the figures have something to count; and an
independent count of them in plain Python over the rows (not the reports' SQL)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.jobs import kinds
from giamngheo.jobs.context import JobContext
from giamngheo.jobs.models import Job
from giamngheo.lib import clock
from giamngheo.registry.models import Household, Membership, StatusChange
from giamngheo.review.models import Decision, DecisionEntry
from giamngheo.surveys.models import Survey
from tests.conftest import World, make_household
from tests.review.conftest import ReviewWorld, record_b2, review_world, set_status
from tests.review.helpers import decided_round

__all__ = ["review_world"]

YEAR = 2025


@pytest.fixture(autouse=True)
def today() -> Iterator[dt.date]:
    clock.set_today(dt.date(2026, 12, 7))
    yield dt.date(2026, 12, 7)
    clock.set_today(None)


@dataclass
class ReportWorld:
    world: World
    decision: Decision


@pytest.fixture
def report_world(review_world: ReviewWorld) -> ReportWorld:
    """Commune A decided for 2025 (A1-001 stays poor, A2-001 near-poor → poor); more
    households in commune B and A with statuses and 2025 surveys (no decision in B)."""
    w = review_world.world
    _round, decision = decided_round(review_world)
    extra = [
        (w.village_b1, "B1-002", "near_poor"),
        (w.village_b1, "B1-003", "not_poor"),
        (w.village_b1, "B1-004", "average_living_standard"),
        (w.village_a2, "A2-002", "near_poor"),
    ]
    for village, code, status in extra:
        household = make_household(village, code, f"Chủ hộ {code}")
        set_status(household, status, year=2025)
        if status in ("poor", "near_poor", "not_poor"):
            record_b2(household, status)
    record_b2(w.household_b1, "poor")
    Household.objects.filter(code="B1-003").update(
        is_ethnic_minority=True, poverty_reasons=["land"]
    )
    Household.objects.filter(code="B1-001").update(
        is_ethnic_minority=True, is_merit_family=True, poverty_reasons=["land", "capital"]
    )
    return ReportWorld(w, decision)


def existed(household: Household, year: int) -> bool:
    """Whether ``household`` existed at the end of ``year``: not one entered in the registry
    after it whose every member joined after it, without any trace (status change, decision
    entry, survey) of a year up to it."""
    after = dt.datetime(year + 1, 1, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    stays = list(Membership.objects.filter(household=household))
    if household.created_at < after or not stays:
        return True
    if any(m.joined_on is None or m.joined_on.year <= year for m in stays):
        return True
    return (
        any(
            (c.year or c.effective_on.year) <= year
            for c in StatusChange.objects.filter(household=household)
        )
        or DecisionEntry.objects.filter(household=household, decision__year__lte=year).exists()
        or Survey.objects.filter(household=household, review_year__lte=year).exists()
    )


def independent_status(year: int, province: AdministrativeUnit) -> dict[int, dict[str, Any]]:
    """Each household's start and end status, persons and flags in ``year``, in Python from
    the decision entries, the status history and the registry rows (the rule of
    ``reports.measures``' docstring); households that did not exist then are left out."""
    entries = list(
        DecisionEntry.objects.filter(province=province)
        .select_related("decision")
        .order_by("decision__signed_on", "pk")
    )
    by_household: dict[int, list[DecisionEntry]] = {}
    for entry in entries:
        by_household.setdefault(entry.household_id, []).append(entry)
    changes: dict[int, list[StatusChange]] = {}
    for change in StatusChange.objects.filter(province=province).order_by("effective_on", "pk"):
        changes.setdefault(change.household_id, []).append(change)

    def year_of(change: StatusChange) -> int:
        return change.year or change.effective_on.year

    out: dict[int, dict[str, Any]] = {}
    for household in Household.objects.filter(province=province):
        if not existed(household, year):
            continue
        mine = by_household.get(household.pk, [])
        this = [e for e in mine if e.decision.year == year]
        later = [e for e in mine if e.decision.year > year]
        earlier = [e for e in mine if e.decision.year < year]
        history = changes.get(household.pk, [])
        after = [c for c in history if year_of(c) > year]
        upto = [c for c in history if year_of(c) <= year]
        from_year = [c for c in history if year_of(c) >= year]
        if this:
            end, start = this[-1].status_after, this[0].status_before
            people = len(this[-1].members)
        else:
            end = (
                after[0].previous_status
                if after
                else upto[-1].status
                if upto
                else later[0].status_before
                if later
                else earlier[-1].status_after
                if earlier
                else household.status
            )
            start = from_year[0].previous_status if from_year else end
            people = household.member_count
        out[household.pk] = {
            "village": household.village_id,
            "commune": household.commune_id,
            "start": start,
            "end": end,
            "people": people,
            "reentered": any(e.reentered for e in this),
            "ethnic_minority": household.is_ethnic_minority,
            "merit": household.is_merit_family,
            "reasons": list(household.poverty_reasons),
        }
    return out


def independent_counts(states: dict[int, dict[str, Any]], where: Any) -> Counter[str]:
    """Counts over the households whose state passes ``where``."""
    counts: Counter[str] = Counter()
    for state in states.values():
        if not where(state):
            continue
        counts["households"] += 1
        counts["people"] += state["people"]
        for status in ("poor", "near_poor"):
            if state["end"] == status:
                counts[status] += 1
                counts[f"{status}.people"] += state["people"]
                if state["ethnic_minority"]:
                    counts[f"{status}.ethnic_minority"] += 1
                for reason in state["reasons"]:
                    counts[f"{status}.cause.{reason}"] += 1
            if state["start"] == status:
                counts[f"{status}.start"] += 1
        if state["start"] == "near_poor" and state["end"] == "poor":
            counts["poor.from_near_poor"] += 1
    return counts


def latest_surveys(year: int) -> dict[int, dict[str, bool]]:
    flags: dict[int, dict[str, bool]] = {}
    for survey in Survey.objects.filter(review_year=year, deprivation_flags__isnull=False).order_by(
        "surveyed_on", "pk"
    ):
        flags[survey.household_id] = survey.deprivation_flags
    return flags


def current_members(household_ids: list[int]) -> Counter[int]:
    return Counter(
        Membership.objects.filter(household_id__in=household_ids, left_on__isnull=True).values_list(
            "household_id", flat=True
        )
    )


class Book:
    """The progress bookkeeping a job body reports to (the worker's is a separate autocommit
    connection, which a test's transaction hides the job from)."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, str | None]] = []

    def progress(self, job_id: int, done: int, total: int, message: str | None) -> bool:
        self.calls.append((done, total, message))
        return False


def run_job(job: Job) -> dict[str, Any] | None:
    return kinds.get_kind(job.kind).function(JobContext(job, Book()))
