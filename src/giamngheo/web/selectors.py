"""Figures for the dashboard, already scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.registry.models import Household, Status


def dashboard_figures(user: Viewer) -> dict[str, Any]:
    households = access.scoped(Household.objects.all(), user)
    totals = households.aggregate(
        households=Count("id"),
        people=Sum("member_count"),
        poor=Count("id", filter=Q(status=Status.POOR)),
        near_poor=Count("id", filter=Q(status=Status.NEAR_POOR)),
    )
    total = totals["households"] or 0
    return {
        "home_unit": access.home_unit(user),
        "totals": totals,
        "poor_rate": (totals["poor"] / total) if total else None,
        "near_poor_rate": (totals["near_poor"] / total) if total else None,
        "has_access": not access.view_reach(user).empty,
    }
