"""The livelihoods' part of the household page: the models it takes part in, the groups it
belongs to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from giamngheo.livelihoods import selectors
from giamngheo.registry.models import Household


def household_livelihoods(request: HttpRequest, household: Household) -> dict[str, Any]:
    return {
        # The registry's page includes this template by name: it names no app above it.
        "livelihood_panel": "livelihoods/_household_panel.html",
        "livelihood_participations": selectors.household_participations(request.user, household),
        "livelihood_memberships": selectors.household_groups(request.user, household),
    }
