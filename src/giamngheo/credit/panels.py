"""The credit part of the household page: the household's loans and the revolving-fund turns
it received or passed on (a section the registry's page includes, ``registry.panels``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from giamngheo.accounts import access
from giamngheo.credit import selectors
from giamngheo.registry.models import Household


def household_loans(request: HttpRequest, household: Household) -> dict[str, Any]:
    return {
        "credit_loans": selectors.loans_of_household(request.user, household),
        "credit_turns": selectors.turns_of_household(request.user, household),
        "credit_can_add": access.can_change_area(request.user, household.village),
        "household_sections": ["credit/_household_panel.html"],
    }
