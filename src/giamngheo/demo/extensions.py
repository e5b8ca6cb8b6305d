"""The parts that extend the demo province beyond households: each has a ``purge`` (run before
the old demo households are deleted, last part first) and a ``seed`` (run after the new
households are written, in order). Both run inside the demo load's transaction.

A part is listed here once; its own module does the work. Adding a part = one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.registry.models import Household

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoContext:
    province: AdministrativeUnit
    households: QuerySet[Household]
    seed: int
    progress: Progress


@dataclass(frozen=True)
class DemoPart:
    name: str
    purge: Callable[[DemoContext], object]
    seed: Callable[[DemoContext], object]


def _surveys_purge(context: DemoContext) -> object:
    from giamngheo.surveys import bulk

    return bulk.purge_surveys(context.households)


def _surveys_seed(context: DemoContext) -> object:
    from giamngheo.surveys import bulk

    return bulk.surveys_for_demo(context.households, seed=context.seed, progress=context.progress)


PARTS: list[DemoPart] = [
    DemoPart("surveys", _surveys_purge, _surveys_seed),
]


def purge_all(context: DemoContext) -> None:
    for part in reversed(PARTS):
        part.purge(context)


def seed_all(context: DemoContext) -> dict[str, Any]:
    return {part.name: part.seed(context) for part in PARTS}
