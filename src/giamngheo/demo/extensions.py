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


def _workforce_purge(context: DemoContext) -> object:
    from giamngheo.workforce.demo import clear_workforce_demo

    return clear_workforce_demo(province=context.province)


def _workforce_seed(context: DemoContext) -> object:
    from giamngheo.workforce.demo import load_workforce_demo

    return load_workforce_demo(province=context.province, seed=context.seed)


def _training_purge(context: DemoContext) -> object:
    from giamngheo.training.demo import purge_training_demo

    return purge_training_demo(province=context.province)


def _training_seed(context: DemoContext) -> object:
    from giamngheo.training.demo import load_training_demo

    return load_training_demo(province=context.province, seed=context.seed)


def _review_purge(context: DemoContext) -> object:
    from giamngheo.review.demo import purge_review_demo

    return purge_review_demo(context)


def _review_seed(context: DemoContext) -> object:
    from giamngheo.review.demo import seed_review_demo

    return seed_review_demo(context)


# Order matters: training turns the workforce roster into participants; the review uses the
# surveys and the collaborators' household changes. Purges run backwards.
PARTS: list[DemoPart] = [
    DemoPart("surveys", _surveys_purge, _surveys_seed),
    DemoPart("workforce", _workforce_purge, _workforce_seed),
    DemoPart("training", _training_purge, _training_seed),
    DemoPart("review", _review_purge, _review_seed),
]


def purge_all(context: DemoContext) -> None:
    for part in reversed(PARTS):
        part.purge(context)


def seed_all(context: DemoContext, only: frozenset[str] | None = None) -> dict[str, Any]:
    """Seed every part (or those named in ``only``, e.g. for quicker tests)."""
    return {part.name: part.seed(context) for part in PARTS if only is None or part.name in only}
