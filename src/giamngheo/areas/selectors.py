"""Reads of administrative units, scoped by giamngheo.accounts.access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit

if TYPE_CHECKING:
    # A type name only: accounts is the layer above (see docs/architecture.md, "Layers").
    from giamngheo.accounts.types import Viewer


def units_visible_to(user: Viewer) -> QuerySet[AdministrativeUnit]:
    return access.visible_units(user)


def unit_for(user: Viewer, code: str) -> AdministrativeUnit:
    """The unit with ``code`` if the user may see it, else 404 (existence is not revealed)."""
    unit = units_visible_to(user).select_related("parent", "province").filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def children_for(user: Viewer, unit: AdministrativeUnit | None) -> QuerySet[AdministrativeUnit]:
    units = units_visible_to(user).filter(valid_to__isnull=True)
    if unit is None:
        return units.filter(parent__isnull=True).order_by("code")
    return units.filter(parent=unit).order_by("name")
