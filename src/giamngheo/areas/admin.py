from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from giamngheo.areas.models import AdministrativeUnit


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: units change through areas.services (audited) and the areas pages."""

    list_display = ("code", "name", "level", "unit_type", "area_kind", "valid_from", "valid_to")
    list_filter = ("level", "unit_type", "area_kind")
    search_fields = ("code", "name", "search_name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
