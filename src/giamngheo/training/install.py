"""What a fresh install gets without running a command: the shipped national handbook.

``migrate`` sends ``post_migrate``; the handler creates the national pages of
``data/handbook.toml`` whose slug is missing. It is idempotent and never overwrites: a page
already there (edited nationally, or shadowed by a province's own page of the same slug) is
left as it is, so re-running ``migrate`` after an upgrade only adds the pages a release ships.
A data migration would have to freeze today's page list and import app code (the version rows,
the accent-free search text), which the house rules forbid; the handler uses the services.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from giamngheo.training import services

# Apps whose tables the handbook load writes to: its pages, their versions, the audit event.
NEEDED_APPS = ("training", "audit")


def _fully_migrated(using: str) -> bool:
    """Whether the apps the load writes to are at their latest migration (``migrate`` may have
    been run to an older state, or backwards, where today's models do not match the tables)."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    return all(node in applied for app in NEEDED_APPS for node in loader.graph.leaf_nodes(app))


def load_shipped_handbook(sender: Any, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> int:
    """``post_migrate`` handler of the training app; returns how many pages were created."""
    if using != DEFAULT_DB_ALIAS or not _fully_migrated(using):
        return 0

    return services.handbook_seed(actor=None)
