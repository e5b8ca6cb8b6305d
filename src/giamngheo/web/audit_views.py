from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from giamngheo.accounts import access, selectors
from giamngheo.audit.actions import ACTIONS


def global_log(request: HttpRequest) -> HttpResponse:
    """The searchable log of every change, for system administrators."""
    if not access.is_system_admin(request.user):
        raise PermissionDenied
    filters = {key: request.GET.get(key, "").strip() for key in ("text", "action", "actor")}
    events = selectors.search(request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "events": selectors.for_display(request.user, page.object_list),
            "filters": filters,
            "action_choices": sorted((code, str(label)) for code, label in ACTIONS.items()),
        },
    )


def object_log(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """The history of one object; 404 when the object is outside the user's areas."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError) as exc:
        raise Http404 from exc
    events = selectors.events_visible_to(request.user).filter(
        object_type=object_type, object_id=object_id
    )
    if not events.exists() and not access.is_system_admin(request.user):
        raise Http404
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "events": selectors.for_display(request.user, page.object_list),
            "object_label": model._meta.verbose_name,
            "object_id": object_id,
        },
    )
