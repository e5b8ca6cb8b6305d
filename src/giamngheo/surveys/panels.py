"""The surveys' part of the household page: the status by year, each with its survey."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from giamngheo.registry.models import Household
from giamngheo.surveys import selectors


def household_status_by_year(request: HttpRequest, household: Household) -> dict[str, Any]:
    years = selectors.status_by_year(selectors.surveys_for_household(request.user, household))
    return {
        "years": years,
        "current_year": next((y for y in years if y.review_year == household.status_year), None),
    }
