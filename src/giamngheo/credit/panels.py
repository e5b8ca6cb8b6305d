"""The credit part of the household page: the household's loans and the revolving-fund turns
it received or passed on."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from giamngheo.credit import selectors
from giamngheo.registry.models import Household


def household_loans(request: HttpRequest, household: Household) -> dict[str, Any]:
    return {
        "credit_loans": selectors.loans_of_household(request.user, household),
        "credit_turns": selectors.turns_of_household(request.user, household),
    }
