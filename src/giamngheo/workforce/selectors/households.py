"""Support requests and reported household changes: lists, counts, owners, and the
flags the in-year review picks up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.registry import selectors as registry_selectors
from giamngheo.registry.models import Household
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    HouseholdChange,
    ReviewFlag,
    SupportRequest,
    Worker,
    WorkerStatus,
)
from giamngheo.workforce.selectors.scope import (
    PAGE_SIZE,
    changes_visible_to,
    in_area,
    requests_visible_to,
)
from giamngheo.workforce.states import OPEN_STATES, RequestState


@dataclass
class RequestFilters:
    area: AdministrativeUnit | None = None
    state: str | None = None
    overdue_only: bool = False
    owner: Worker | None = None
    need_type: str | None = None


def request_list(
    user: Viewer, filters: RequestFilters, *, today: dt.date, after: int | None = None
) -> tuple[list[SupportRequest], int | None]:
    """A page of requests, newest first by id (keyset), with what the list shows joined in."""
    requests = _filtered_requests(user, filters, today=today)
    if after is not None:
        requests = requests.filter(pk__lt=after)
    rows = list(
        requests.select_related("household", "village", "owner").order_by("-pk")[: PAGE_SIZE + 1]
    )
    next_after = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_after


# An export is for a commune's or a province's follow-up, not a dump of the database.
EXPORT_LIMIT = 20_000


def request_export_rows(
    user: Viewer, filters: RequestFilters, *, today: dt.date
) -> list[SupportRequest]:
    """The requests of the list's filters for the Excel file (one query, bounded)."""
    return list(
        _filtered_requests(user, filters, today=today)
        .select_related("household", "village", "commune", "owner")
        .order_by("-pk")[:EXPORT_LIMIT]
    )


def _filtered_requests(
    user: Viewer, filters: RequestFilters, *, today: dt.date
) -> QuerySet[SupportRequest]:
    requests = requests_visible_to(user).filter(in_area(filters.area))
    if filters.state:
        requests = requests.filter(state=filters.state)
    if filters.overdue_only:
        requests = requests.filter(state__in=list(OPEN_STATES), due_on__lt=today)
    if filters.owner is not None:
        requests = requests.filter(owner=filters.owner)
    if filters.need_type:
        requests = requests.filter(need_type=filters.need_type)
    return requests


def request_counts(
    user: Viewer, *, today: dt.date, area: AdministrativeUnit | None = None
) -> dict[str, int]:
    """Requests by state, and the open ones past their deadline (``overdue``). One query."""
    aggregates: dict[str, Any] = {
        state: Count("id", filter=Q(state=state)) for state in RequestState.values
    }
    aggregates["overdue"] = Count("id", filter=Q(state__in=list(OPEN_STATES), due_on__lt=today))
    aggregates["not_informed"] = Count(
        "id",
        filter=~Q(state__in=list(OPEN_STATES)) & Q(household_informed_on__isnull=True),
    )
    result: dict[str, int] = requests_visible_to(user).filter(in_area(area)).aggregate(**aggregates)
    return result


def age_days(request: SupportRequest, today: dt.date) -> int:
    """Days from receipt to closing (closed requests) or to today (open ones)."""
    end = timezone.localtime(request.closed_at).date() if request.closed_at else today
    return (end - request.received_on).days


def request_owners(request: SupportRequest) -> QuerySet[Worker]:
    """Who may own a request: active officers (roles without a field access role) of the
    request's commune, managed by it or assigned to it."""
    officer_roles = [c for c, info in reference.roles().items() if not info.access_role]
    return (
        Worker.objects.filter(status=WorkerStatus.ACTIVE, role__in=officer_roles)
        .filter(
            Q(commune_id=request.commune_id)
            | Q(assignments__commune_id=request.commune_id, assignments__ends_on__isnull=True)
        )
        .distinct()
        .order_by("full_name")
    )


def household_by_code(user: Viewer, code: str) -> Household | None:
    """A household the user may see, by its code as typed (case and spaces ignored)."""
    return (
        registry_selectors.households_visible_to(user)
        .filter(code=code.strip().upper())
        .select_related("village")
        .first()
    )


def pending_in_year_reviews(
    user: Viewer, *, area: AdministrativeUnit | None = None
) -> QuerySet[HouseholdChange]:
    """Reported changes waiting for the in-year review (for issue 5 to pick up)."""
    return (
        changes_visible_to(user)
        .filter(in_area(area), review_flag=ReviewFlag.PENDING)
        .select_related("household", "village")
        .order_by("occurred_on", "pk")
    )


def households_flagged_for_review(user: Viewer) -> QuerySet[Household]:
    """Households with at least one change waiting for the in-year review."""
    pending = HouseholdChange.objects.filter(review_flag=ReviewFlag.PENDING)
    return access.scoped(Household.objects.all(), user).filter(
        pk__in=pending.values("household_id")
    )


def change_list(
    user: Viewer, *, area: AdministrativeUnit | None = None, flag: str = "", limit: int = 200
) -> list[HouseholdChange]:
    """Reported changes of an area, newest first; only those with review ``flag`` if given."""
    changes = (
        changes_visible_to(user)
        .filter(in_area(area))
        .select_related("household", "village", "commune", "worker")
    )
    if flag in ReviewFlag.values:
        changes = changes.filter(review_flag=flag)
    return list(changes.order_by("-occurred_on", "-pk")[:limit])


def change_for(user: Viewer, pk: int) -> HouseholdChange:
    """One reported change the user may see (404 otherwise)."""
    found: HouseholdChange = get_object_or_404(
        changes_visible_to(user).select_related(
            "household", "village", "commune", "worker", "reported_by"
        ),
        pk=pk,
    )
    return found
