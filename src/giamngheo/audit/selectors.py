from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from giamngheo.accounts import access
from giamngheo.audit.models import AuditEvent


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Events about objects in the user's areas (administrators see everything)."""
    return access.scoped(AuditEvent.objects.select_related("actor"), user)


def events_for_object(user: Any, obj: Any) -> QuerySet[AuditEvent]:
    return events_visible_to(user).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def search(
    user: Any, *, text: str = "", action: str = "", actor: str = "", object_type: str = ""
) -> QuerySet[AuditEvent]:
    events = events_visible_to(user)
    if text:
        events = events.filter(Q(object_repr__icontains=text) | Q(note__icontains=text))
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor__username=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    return events
