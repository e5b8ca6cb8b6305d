"""Reads of surveys, always scoped to what the user may see (``accounts.access``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.registry.models import Household, Membership
from giamngheo.surveys.models import FormKind, Survey


def household_for(user: Viewer, pk: int) -> Household:
    """The household if ``user`` may see it, else 404."""
    return access.get_visible_or_404(
        Household.objects.select_related("province", "commune", "village"), user, pk=pk
    )


def members_at(household: Household, on: dt.date) -> list[Membership]:
    """The household's members on ``on`` (membership covering the day, person born by then),
    head first then by birth year: the order of the form and of the engine's inputs."""
    return list(
        Membership.objects.filter(household=household)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=on))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .filter(Q(person__birth_date__isnull=True) | Q(person__birth_date__lte=on))
        .filter(person__birth_year__lte=on.year)
        .select_related("person")
        .order_by("-is_head", "person__birth_year", "person_id")
    )


def surveys_for_household(user: Viewer, household: Household) -> list[Survey]:
    """The household's surveys, newest review year first (one query)."""
    surveys = access.scoped(
        Survey.objects.filter(province_id=household.province_id, household=household), user
    )
    return list(
        surveys.select_related("form", "surveyor").order_by("-review_year", "-surveyed_on", "-id")
    )


def survey_for(user: Viewer, pk: int) -> Survey:
    return access.get_visible_or_404(
        Survey.objects.select_related(
            "household",
            "household__village",
            "household__commune",
            "form",
            "surveyor",
            "created_by",
            "standard_snapshot",
        ),
        user,
        pk=pk,
    )


@dataclass(frozen=True)
class YearStatus:
    review_year: int
    status: str
    status_label: str
    standard_code: str
    standard_version: str
    survey: Survey


def status_by_year(surveys: list[Survey]) -> list[YearStatus]:
    """Per review year, the status proposed by the latest survey that decides one (a Phiếu B2
    before a Phiếu B1), newest year first. ``surveys`` as from ``surveys_for_household``."""
    best: dict[int, Survey] = {}
    rank = {FormKind.DEPRIVATION: 0, FormKind.INCOME: 1}
    for survey in surveys:
        if not survey.status:
            continue
        current = best.get(survey.review_year)
        key = (rank.get(FormKind(survey.form.kind), 2), -survey.surveyed_on.toordinal(), -survey.pk)
        if current is None or key < (
            rank.get(FormKind(current.form.kind), 2),
            -current.surveyed_on.toordinal(),
            -current.pk,
        ):
            best[survey.review_year] = survey
    return [
        YearStatus(
            year,
            s.status,
            str(s.get_status_display()),
            s.standard_code,
            s.standard_version,
            s,
        )
        for year, s in sorted(best.items(), reverse=True)
    ]
