from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache

from giamngheo.jobs.selectors import queue_state
from giamngheo.lib import replica
from giamngheo.lib.replica import reading_from_replica
from giamngheo.review.selectors import dashboard_panel
from giamngheo.web import attention, selectors

# Once every migration is applied it stays so for this process (new migrations come with new
# code, hence new processes): /readyz then skips the migration graph.
_migrations_applied = False


@reading_from_replica()  # figures a second old are fine; the primary keeps the writes
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


def _pending_migrations() -> int:
    global _migrations_applied
    if _migrations_applied:
        return 0
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrations_applied = pending == 0
    return pending


@login_not_required
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer: 200 when this process can serve (database reachable,
    every migration applied, job queue readable), else 503 with the reason. A configured
    replica is reported but does not decide: reads fall back to the primary without it."""
    checks: dict[str, Any] = {}
    reason = ""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unreachable"
        reason = _("Không kết nối được cơ sở dữ liệu.")
    if not reason:
        try:
            pending = _pending_migrations()
        except DatabaseError:
            pending, reason = -1, _("Không đọc được trạng thái chuyển đổi cơ sở dữ liệu.")
        checks["migrations"] = "ok" if pending == 0 else "pending"
        if pending > 0:
            checks["pending_migrations"] = pending
            reason = _(
                "Cơ sở dữ liệu chưa được cập nhật (%(n)s bước chuyển đổi chưa chạy): hãy chạy "
                "“giamngheo migrate”."
            ) % {"n": pending}
    if not reason:
        try:
            checks["jobs"] = queue_state()
        except DatabaseError:
            checks["jobs"] = "unreachable"
            reason = _("Không đọc được hàng đợi công việc nền.")
    if replica.replica_configured():
        with reading_from_replica():
            checks["replica"] = "ok" if replica.replica_in_use() else "unreachable"
    if reason:
        return JsonResponse({"status": "not_ready", "reason": reason, "checks": checks}, status=503)
    return JsonResponse({"status": "ready", "checks": checks})


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
