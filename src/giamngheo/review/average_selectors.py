"""Scoped reads of the MSTB households (``average_models``): every query through
``accounts.access``; objects outside the user's areas answer 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.review.average_models import (
    AverageApplication,
    AverageDecision,
    AverageDecisionEntry,
)
from giamngheo.review.selectors import commune_level


def applications(user: Viewer) -> QuerySet[AverageApplication]:
    return access.scoped(AverageApplication.objects.all(), user).select_related(
        "household", "village", "commune"
    )


def application_for(user: Viewer, pk: int) -> AverageApplication:
    return access.get_visible_or_404(
        AverageApplication.objects.select_related("household", "commune", "village", "decision"),
        user,
        pk=pk,
    )


def decision_for(user: Viewer, pk: int) -> AverageDecision:
    """A commune-level record: a village grant reaches its commune's decisions (their lines
    stay limited to its villages, ``decision_lines``)."""
    decision = (
        commune_level(AverageDecision.objects.select_related("commune"), user).filter(pk=pk).first()
    )
    if decision is None:
        raise Http404
    return decision


def decision_lines(user: Viewer, decision: AverageDecision) -> QuerySet[AverageDecisionEntry]:
    """The decision's lines the user may see (a village grant sees its villages' lines)."""
    return access.scoped(decision.lines.all(), user).order_by("village_name", "household_code")


def decisions(user: Viewer) -> QuerySet[AverageDecision]:
    return commune_level(AverageDecision.objects.all(), user).select_related("commune")


def year_list(
    user: Viewer, commune: AdministrativeUnit, year: int
) -> QuerySet[AverageDecisionEntry]:
    """The commune's list of MSTB households recognised in ``year`` (every decision of it)."""
    return (
        access.scoped(AverageDecisionEntry.objects.all(), user)
        .filter(commune=commune, decision__year=year)
        .select_related("decision")
        .order_by("village_name", "household_code")
    )
