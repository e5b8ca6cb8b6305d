from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from giamngheo.web import selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    from giamngheo.review.selectors import dashboard_panel

    context = selectors.dashboard_figures(request.user)
    if context["has_access"]:
        context.update(dashboard_panel(request.user))
    return render(request, "web/dashboard.html", context)


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for monitoring: 200 when every part answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
