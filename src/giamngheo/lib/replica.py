"""Reads from a PostgreSQL streaming replica, for reports and dashboards.

``GIAMNGHEO_REPLICA_URL`` adds the database alias ``"replica"`` (settings). Code that only
reads, and can live with data a second or so old, runs inside :func:`reading_from_replica`
(a context manager and a decorator)::

    @reading_from_replica()
    def dashboard(request): ...

    with reading_from_replica():
        rows = list(Household.objects.filter(...))

Inside it :class:`ReplicaRouter` sends reads to the replica; writes always go to
``"default"`` (the primary), and so do ``select_for_update`` reads. Outside it, or when no
replica is configured, or when the replica did not answer (connection refused, timeout: it is
then left aside for ``REPLICA_RETRY_SECONDS``), everything reads from ``"default"``: a missing
replica makes pages slower, never broken. Migrations run on ``"default"`` only (the replica
replays them).

Not for pages that write and then read what they wrote (the replica may lag behind): the
replica serves the read-only report and dashboard views. A transaction opened inside the
block still writes to the primary and reads from the replica: keep such blocks read-only.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar, Token
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

REPLICA_ALIAS = "replica"

logger = logging.getLogger(__name__)

_active: ContextVar[bool] = ContextVar("giamngheo_reading_from_replica", default=False)
_down_until = 0.0
_down_lock = threading.Lock()

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def _replica_answers() -> bool:
    """Whether the replica's connection is usable now (opened if needed); a failure leaves the
    replica aside for ``REPLICA_RETRY_SECONDS``."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA_ALIAS]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()  # the server went away since (restart, failover): reconnect
        connection.ensure_connection()
    except DatabaseError:
        with _down_lock:
            _down_until = time.monotonic() + float(getattr(settings, "REPLICA_RETRY_SECONDS", 30.0))
        logger.warning("the read replica does not answer; reading from the primary", exc_info=True)
        with suppress(DatabaseError):
            connection.close()
        return False
    return True


def replica_in_use() -> bool:
    """Whether reads go to the replica at this point (inside the block, replica healthy)."""
    return _active.get() and replica_configured()


class _ReadingFromReplica:
    """Both a context manager and a decorator (a fresh block per call)."""

    def __init__(self) -> None:
        self._tokens: list[Token[bool]] = []

    def __enter__(self) -> None:
        use = replica_configured() and _replica_answers()
        self._tokens.append(_active.set(use))

    def __exit__(self, *exc: object) -> None:
        _active.reset(self._tokens.pop())

    def __call__(self, function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with _ReadingFromReplica():
                return function(*args, **kwargs)

        return wrapper


def reading_from_replica() -> _ReadingFromReplica:
    """Reads inside go to the replica when one is configured and answers (see the module)."""
    return _ReadingFromReplica()


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads to the replica inside :func:`reading_from_replica`."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return REPLICA_ALIAS if replica_in_use() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        aliases = {DEFAULT_DB_ALIAS, REPLICA_ALIAS}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True  # the same data: the replica is a copy of the primary
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == DEFAULT_DB_ALIAS
