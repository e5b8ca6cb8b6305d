from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from giamngheo.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: jobs are created by the pages and commands that need them."""

    list_display = ("id", "kind", "status", "progress_done", "progress_total", "created_by")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
