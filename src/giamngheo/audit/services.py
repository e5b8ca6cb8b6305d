"""Writing audit events: the only module that writes the audit table.

Services call :func:`record` inside their transaction; bulk services call :func:`record_many`
(objects in hand), :func:`record_frame` (an import's hundreds of thousands of events, with COPY)
or :func:`record_bulk` (one summary event for a whole operation).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone

from giamngheo.audit import actions
from giamngheo.audit.models import AuditEvent
from giamngheo.lib import pgcopy

if TYPE_CHECKING:
    # Type names only: accounts is the layer above (docs/architecture.md, "Layers").
    from giamngheo.accounts.models import User
    from giamngheo.accounts.types import Actor


# Columns a frame given to ``record_frame`` may carry; ``at`` and ``actor_id`` are the service's.
FRAME_COLUMNS: Final = (
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "province_id",
    "commune_id",
    "village_id",
    "before",
    "after",
    "note",
)
_FRAME_REQUIRED: Final = ("object_type", "object_id", "object_repr")


def _author(actor: Actor) -> User | None:
    """The signed-in user to store as an event's actor (None: anonymous, or the system)."""
    if actor is None or not actor.is_authenticated or isinstance(actor, AnonymousUser):
        return None
    return actor


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
    """The area columns of an area-scoped object, or those a unit files itself under
    (``AdministrativeUnit.area_ids``: audit sits below areas and does not import it)."""
    own_area = getattr(obj, "area_ids", None)
    if callable(own_area):
        return dict(own_area())
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
    actor: Actor,
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
    actions.check(action)
    actor_user = _author(actor)
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


def record_frame(
    *,
    actor: Actor,
    events: pl.DataFrame,
    action: str | None = None,
    note: str | None = None,
) -> int:
    """One audit event per row of ``events``, written with COPY: an import's hundreds of
    thousands of events at about 100,000 a second, where ``record_many``'s INSERTs manage a
    few thousand. Must run inside the caller's transaction. Returns the number of events.

    Columns (``FRAME_COLUMNS``): ``object_type``, ``object_id``, ``object_repr`` (required);
    ``action`` and ``note`` per row, or the same for every row from the arguments;
    ``province_id``, ``commune_id``, ``village_id``; ``before`` and ``after`` as JSON text or
    structs (null: no snapshot). The time and the actor are set here, as ``record`` does.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_frame must be called inside the service's transaction")
    given = dict.fromkeys(events.columns)
    missing = [c for c in _FRAME_REQUIRED if c not in given]
    unknown = [c for c in given if c not in FRAME_COLUMNS]
    for key, value in (("action", action), ("note", note)):
        if (key in given) == (value is not None):
            missing.append(f"{key} (a column or the argument, not both)")
    if missing or unknown:
        raise ValueError(f"audit.record_frame: missing {missing}, unknown {unknown}")
    if events.height == 0:
        return 0
    written = [action] if action is not None else events.get_column("action").unique().to_list()
    for code in written:
        actions.check(code)
    author = _author(actor)
    actor_id = author.pk if author is not None else None
    rows = events.with_columns(
        pl.lit(timezone.now()).alias("at"),
        pl.lit(actor_id, dtype=pl.Int64).alias("actor_id"),
        pl.col("object_id").cast(pl.String),
        pl.col("object_repr").str.slice(0, 300),
        *([pl.lit(action).alias("action")] if action is not None else []),
        *([pl.lit(note).alias("note")] if note is not None else []),
    )
    with connection.cursor() as cursor:
        return pgcopy.copy_frame(cursor, AuditEvent._meta.db_table, rows)


def record_bulk(
    *,
    actor: Actor,
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
    actions.check(action)
    return AuditEvent.objects.create(
        actor=_author(actor),
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
    actor: Actor,
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
    actions.check(action)
    return AuditEvent.objects.create(
        actor=_author(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=note,
        **_area_of(area_of or obj),
    )
