"""The review's sections on pages of the apps below it (``workforce.panels``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from giamngheo.accounts import access
from giamngheo.lib.clock import today
from giamngheo.registry.models import Household
from giamngheo.review import average_selectors, forms, selectors
from giamngheo.workforce import reference
from giamngheo.workforce.models import HouseholdChange, ReviewFlag


def can_apply_from_change(
    request: HttpRequest, change: HouseholdChange, applications: list[Any]
) -> bool:
    """An officer of the commune, a change not yet dismissed nor taken up, no application yet."""
    return (
        access.can_decide_in(request.user, change.commune)
        and change.review_flag in {ReviewFlag.PENDING, ReviewFlag.NOT_NEEDED}
        and not applications
    )


def application_initial(change: HouseholdChange) -> dict[str, Any]:
    """The application form prefilled from the change: its proposed form (or the one its kind
    suggests), the reason its kind suggests, today, the head's name and the description."""
    kind = reference.change_kinds().get(change.kind)
    proposed = change.proposed_form or (kind.suggested_form if kind else "")
    return {
        "form": reference.APPLICATION_FORMS.get(proposed, ""),
        "reason": forms.REASON_FOR_KIND.get(change.kind, "other"),
        "received_on": today(),
        "applicant_name": change.household.head_name,
        "reason_note": change.description,
    }


def change_applications(
    request: HttpRequest,
    change: HouseholdChange,
    form: forms.ApplicationFromChangeForm | None = None,
) -> dict[str, Any]:
    """The change page's section: the applications filed from it and, for an officer, the form
    that files one (posted to ``review:application_from_change``)."""
    applications = selectors.applications_of_change(request.user, change)
    can_apply = can_apply_from_change(request, change, applications)
    if can_apply and form is None:
        form = forms.ApplicationFromChangeForm(initial=application_initial(change))
    return {
        "applications": applications,
        "form": form if can_apply else None,
        "application_url": reverse("review:application_from_change", args=[change.pk]),
    }


def household_average(request: HttpRequest, household: Household) -> dict[str, Any]:
    """The household page's section: its average-living-standard applications (scoped), each
    with its result and where it stands, linking to its page."""
    rows = average_selectors.applications(request.user).filter(household=household)
    return {
        "average_applications": [
            {
                "url": reverse("review:average_detail", args=[a.pk]),
                "received_on": a.received_on,
                "state": a.get_state_display(),
                "position": a.get_position_display() if a.position else "",
            }
            for a in rows.order_by("-received_on", "-pk")[:10]
        ]
    }
