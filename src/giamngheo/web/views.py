from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import i18n
from django.views.decorators.cache import never_cache

from giamngheo.review.selectors import dashboard_panel
from giamngheo.web import attention, selectors


def dashboard(request: HttpRequest) -> HttpResponse:

    context = selectors.dashboard_figures(request.user)
    if context["has_access"]:
        context.update(dashboard_panel(request.user))
        context["attention"] = attention.items_for(request.user)
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


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch, open before login: the switch sits on the login and public pages.
    Behind the login it sent the choice to the login page with ``next=/i18n/setlang/``, and
    after login Django's view, answering a GET, bounced back to the login page (the referrer),
    which sent the now logged-in user to ``next`` again: a redirect loop. A GET (an old
    ``next`` or a bookmark) changes nothing and goes to the dashboard."""
    if request.method != "POST":
        return redirect("web:dashboard")
    return i18n.set_language(request)
