"""The registry's life events that ask for the in-year review (QĐ 24/2021/QĐ-TTg Art. 5: a
household whose situation changed may apply at any time): the main earner died or left
(``registry.models.LifeEvent.review_needed``). The review reads them; the registry does not
know the review (layers).

An event waits until the household files an in-year application received on or after the day
of the event (whatever its outcome): that is the review taking it up.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, QuerySet

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.registry.models import LifeEvent
from giamngheo.review.models import Application


def awaiting_review(user: Viewer, commune_ids: Sequence[int] | None = None) -> QuerySet[LifeEvent]:
    """Flagged life events in ``user``'s areas (and ``commune_ids``) with no in-year
    application of the household since, oldest first."""
    applied = Application.objects.filter(
        household_id=OuterRef("household_id"), received_on__gte=OuterRef("on")
    )
    events = access.scoped(LifeEvent.objects.filter(review_needed=True), user)
    if commune_ids is not None:
        events = events.filter(commune_id__in=commune_ids)
    return (
        events.exclude(Exists(applied))
        .select_related("household", "person", "commune")
        .order_by("on", "pk")
    )
