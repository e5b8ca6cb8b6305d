"""Writing audit events. Services call :func:`record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from giamngheo.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys as ids), ready for JSON."""
    names = (
        list(fields)
        if fields is not None
        else [f.attname for f in obj._meta.concrete_fields if f.attname not in {"search_name"}]
    )
    return {name: _jsonable(getattr(obj, name)) for name in names}


def _area_of(obj: models.Model) -> dict[str, Any]:
    """The area columns of an area-scoped object, or of the unit itself."""
    from giamngheo.areas.models import AdministrativeUnit, Level

    if isinstance(obj, AdministrativeUnit):
        if obj.level == Level.PROVINCE:
            return {"province_id": obj.pk}
        if obj.level == Level.COMMUNE:
            return {"province_id": obj.province_id, "commune_id": obj.pk}
        return {
            "province_id": obj.province_id,
            "commune_id": obj.parent_id,
            "village_id": obj.pk,
        }
    return {
        f"{name}_id": getattr(obj, f"{name}_id", None)
        for name in ("province", "commune", "village")
    }


@dataclass(frozen=True)
class Change:
    """One object's change in a bulk service: what ``record`` would write for it."""

    obj: models.Model
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def record_many(
    *,
    actor: Any,
    action: str,
    changes: Iterable[Change],
    note: str = "",
    batch_size: int = 2000,
) -> int:
    """One audit event per changed object, written in batches (a bulk status change, an import).

    The events are those ``record`` writes one by one (the object's history page lists them),
    inserted with a few statements instead of one per object. Must run inside the caller's
    transaction. Returns the number of events written.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must be called inside the service's transaction")
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    events = [
        AuditEvent(
            at=now,
            actor=actor_user,
            action=action,
            object_type=change.obj._meta.label_lower,
            object_id=str(change.obj.pk),
            object_repr=str(change.obj)[:300],
            before=_jsonable(change.before) if change.before is not None else None,
            after=_jsonable(change.after) if change.after is not None else None,
            note=note,
            **_area_of(change.obj),
        )
        for change in changes
    ]
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    return len(events)


def record_bulk(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str,
    summary: dict[str, Any],
    note: str = "",
    province_id: int | None = None,
) -> AuditEvent:
    """One event for a bulk operation (reference-data load, import): the summary, not every row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_bulk must be called inside the service's transaction")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=f"{object_type} {object_id}"[:300],
        after=_jsonable(summary),
        note=note,
        province_id=province_id,
    )


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    area_of: models.Model | None = None,
) -> AuditEvent:
    """Write one audit event. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside the service's transaction")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
        **_area_of(area_of or obj),
    )
