"""Scoped reads of the infrastructure below accounts: administrative units and audit events.

They live here, above ``areas`` and ``audit``, because what a user may see is decided by
``accounts.access``; pages of every app (and the area and audit pages in ``web``) call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, DateTimeField, Q, QuerySet
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit.models import AuditEvent
from giamngheo.lib.formatting import format_date
from giamngheo.lib.masking import PERSONAL_FIELDS, mask_snapshot, mask_text

if TYPE_CHECKING:
    from giamngheo.accounts.types import Viewer


# -- administrative units --------------------------------------------------------------------


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


# -- audit events ------------------------------------------------------------------------------


def events_visible_to(user: Viewer) -> QuerySet[AuditEvent]:
    """Events about objects in the user's areas (administrators see everything)."""
    return access.scoped(AuditEvent.objects.select_related("actor"), user)


def events_for_object(user: Viewer, obj: Any) -> QuerySet[AuditEvent]:
    return events_visible_to(user).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def search(
    user: Viewer, *, text: str = "", action: str = "", actor: str = "", object_type: str = ""
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


def for_display(user: Viewer, events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Events ready to show to ``user``: each gets ``shown_changes`` (field, before, after),
    with personal ID and phone numbers masked (in the snapshots, the note and the label) unless
    ``user`` may see them in the event's area (``access.personal_data_reach``). The changes are
    found on the real values, so a changed number still shows as changed when masked."""
    reach = access.personal_data_reach(user)
    shown = []
    for event in events:
        changes = event.changes
        if not access.sees_personal_data_at(
            reach,
            province_id=event.province_id,
            commune_id=event.commune_id,
            village_id=event.village_id,
        ):
            changes = [
                (field, _mask_field(field, before), _mask_field(field, after))
                for field, before, after in changes
            ]
            # Display copies only: the audit table itself is append-only.
            event.note = mask_text(event.note)
            event.object_repr = mask_text(event.object_repr)
            event.before = mask_snapshot(event.before)
            event.after = mask_snapshot(event.after)
        event.shown_changes = _labelled(event.object_type, changes)  # type: ignore[attr-defined]
        shown.append(event)
    return shown


def _labelled(object_type: str, changes: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    """Changes as a person reads them (issue 11: labels, not raw codes): a field of the event's
    model by its verbose name, a coded value by its label, yes/no in words. Keys that are not
    fields of the model (figures, lists) stay as written."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        model = None
    shown = []
    for name, before, after in changes:
        label: Any = name
        choices: dict[Any, Any] = {}
        is_date = False
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and hasattr(field, "verbose_name"):  # not a reverse relation
                label = capfirst(str(field.verbose_name))
                choices = {str(k): v for k, v in getattr(field, "flatchoices", None) or ()}
                is_date = isinstance(field, DateField) and not isinstance(field, DateTimeField)
        shown.append(
            (label, _value_label(before, choices, is_date), _value_label(after, choices, is_date))
        )
    return shown


def _value_label(value: Any, choices: dict[Any, Any], is_date: bool = False) -> Any:
    if is_date and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value))  # snapshots keep ISO dates
        except ValueError:
            return value
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, str | int) and str(value) in choices:
        return str(choices[str(value)])
    return value


def _mask_field(field: str, value: Any) -> Any:
    if field in PERSONAL_FIELDS and isinstance(value, str):
        return PERSONAL_FIELDS[field](value)
    return mask_snapshot(value)
