"""The livelihoods' part of the household page: the models it takes part in, the groups it
belongs to (shown only when there are some)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from giamngheo.livelihoods import selectors
from giamngheo.registry.models import Household


def household_livelihoods(request: HttpRequest, household: Household) -> dict[str, Any]:
    participations = list(selectors.household_participations(request.user, household))
    memberships = list(selectors.household_groups(request.user, household))
    if not participations and not memberships:
        return {}
    return {
        # The registry's page includes this template by name: it names no app above it.
        "household_sections": ["livelihoods/_household_panel.html"],
        "livelihood_participations": participations,
        "livelihood_memberships": memberships,
    }
