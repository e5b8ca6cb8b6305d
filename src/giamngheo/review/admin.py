"""Admin: the process parameters and the holiday calendar are edited here (through audited
services); every other review record is read-only (it changes through review.services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from giamngheo.review import models, services


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.RuleValue)
class RuleValueAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("rule_set", "key", "value", "verified", "source")
    list_filter = ("rule_set", "verified")
    search_fields = ("key", "source")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.rule_value_save(actor=request.user, value=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date", "working", "name", "verified", "source")
    list_filter = ("working", "verified")
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.calendar_day_save(actor=request.user, day=obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.calendar_day_delete(actor=request.user, day=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Bulk deletion would skip the audit; single deletions go through the service.
        return obj is not None


for model in (
    models.RuleSet,
    models.Round,
    models.Entry,
    models.Meeting,
    models.Posting,
    models.Complaint,
    models.Decision,
    models.DecisionEntry,
    models.Certificate,
    models.Application,
    models.CommuneReport,
    models.ProvinceReport,
):
    admin.site.register(model, ReadOnly)
