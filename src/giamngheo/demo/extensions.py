"""The parts that extend the demo province beyond households: each has a ``purge`` (run before
the old demo households are deleted, last part first) and a ``seed`` (run after the new
households are written, in order). Both run inside the demo load's transaction.

A part is listed here once; its own module does the work. Adding a part = one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from giamngheo import synthetic as generator
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.credit import demo as credit_demo
from giamngheo.lib.errors import DomainError
from giamngheo.livelihoods import demo as livelihoods_demo
from giamngheo.programmes import demo as programmes_demo
from giamngheo.programmes.deliveries import demo as deliveries_demo
from giamngheo.registry.models import Household
from giamngheo.reports import demo as reports_demo
from giamngheo.review import demo as review_demo
from giamngheo.surveys import bulk as survey_bulk
from giamngheo.training import demo as training_demo
from giamngheo.workforce import demo as workforce_demo

Progress = Callable[[str], None]


class DemoError(DomainError):
    """The demo cannot be loaded; the message is for the user (Vietnamese)."""


def demo_communes(
    province: AdministrativeUnit, communes: Mapping[str, AdministrativeUnit]
) -> tuple[AdministrativeUnit, AdministrativeUnit]:
    """The communes of ``xa1`` and ``xa2``: preset for the demo province, else the two rural
    communes with the largest size weight."""
    preset = generator.DEMO_COMMUNES.get(province.code)
    if preset and all(code in communes for code in preset):
        return communes[preset[0]], communes[preset[1]]
    rural = sorted(
        (unit for unit in communes.values() if unit.area_kind == "rural"),
        key=lambda unit: (
            -generator.commune_profile(
                province.code,
                generator.CommuneInput(unit.code, unit.name, unit.unit_type, unit.area_kind),
            ).weight,
            unit.code,
        ),
    )
    ranked = rural or sorted(communes.values(), key=lambda unit: unit.code)
    if len(ranked) < 2:
        raise DemoError(f"Tỉnh {province.name} không đủ hai xã để tạo tài khoản mẫu.")
    return ranked[0], ranked[1]


@dataclass(frozen=True)
class DemoContext:
    province: AdministrativeUnit
    households: QuerySet[Household]
    seed: int
    progress: Progress

    def demo_communes(self) -> tuple[AdministrativeUnit, AdministrativeUnit]:
        """The communes of the demo users ``xa1`` and ``xa2`` in this province (a part needs
        them without importing the loader, which imports the parts)."""
        communes = AdministrativeUnit.objects.filter(
            parent=self.province, level=Level.COMMUNE, valid_to__isnull=True
        )
        return demo_communes(self.province, {unit.code: unit for unit in communes})


@dataclass(frozen=True)
class DemoPart:
    name: str
    purge: Callable[[DemoContext], object]
    seed: Callable[[DemoContext], object]


def _surveys_purge(context: DemoContext) -> object:
    return survey_bulk.purge_surveys(context.households)


def _surveys_seed(context: DemoContext) -> object:
    return survey_bulk.surveys_for_demo(
        context.households, seed=context.seed, progress=context.progress
    )


def _workforce_purge(context: DemoContext) -> object:
    return workforce_demo.clear_workforce_demo(province=context.province)


def _workforce_seed(context: DemoContext) -> object:
    return workforce_demo.load_workforce_demo(province=context.province, seed=context.seed)


def _training_purge(context: DemoContext) -> object:
    return training_demo.purge_training_demo(province=context.province)


def _training_seed(context: DemoContext) -> object:
    return training_demo.load_training_demo(province=context.province, seed=context.seed)


def _deliveries_purge(context: DemoContext) -> object:
    return deliveries_demo.purge_deliveries_demo(province=context.province)


def _deliveries_seed(context: DemoContext) -> object:
    return deliveries_demo.load_deliveries_demo(
        province=context.province,
        households=context.households,
        communes=context.demo_communes(),
        seed=context.seed,
    )


def _review_purge(context: DemoContext) -> object:
    return review_demo.purge_review_demo(context)


def _review_seed(context: DemoContext) -> object:
    return review_demo.seed_review_demo(context)


def _livelihoods_purge(context: DemoContext) -> object:
    return livelihoods_demo.purge_livelihoods_demo(province=context.province)


def _livelihoods_seed(context: DemoContext) -> object:
    return livelihoods_demo.load_livelihoods_demo(
        province=context.province,
        communes=context.demo_communes(),
        households=context.households,
        seed=context.seed,
    )


def _programmes_purge(context: DemoContext) -> object:
    return programmes_demo.purge_programmes_demo(context)


def _programmes_seed(context: DemoContext) -> object:
    return programmes_demo.seed_programmes_demo(context)


def _credit_purge(context: DemoContext) -> object:
    return credit_demo.purge_credit_demo(context)


def _credit_seed(context: DemoContext) -> object:
    return credit_demo.seed_credit_demo(context)


def _reports_purge(context: DemoContext) -> object:
    return reports_demo.purge_reports_demo(context)


def _reports_seed(context: DemoContext) -> object:
    return reports_demo.seed_reports_demo(context)


# Order matters: training turns the workforce roster into participants; the review uses the
# surveys and the collaborators' household changes; the programmes' lists read the statuses the
# review decided. Purges run backwards.
PARTS: list[DemoPart] = [
    DemoPart("surveys", _surveys_purge, _surveys_seed),
    DemoPart("workforce", _workforce_purge, _workforce_seed),
    DemoPart("training", _training_purge, _training_seed),
    DemoPart("review", _review_purge, _review_seed),
    DemoPart("programmes", _programmes_purge, _programmes_seed),
    # After the programmes' own part (which loads the programme tree): it hands out supports.
    DemoPart("deliveries", _deliveries_purge, _deliveries_seed),
    # After the programmes (their tree) and the workforce (the group's collaborator).
    DemoPart("livelihoods", _livelihoods_purge, _livelihoods_seed),
    DemoPart("credit", _credit_purge, _credit_seed),
    # Last: the figures of the reports read what every other part wrote.
    DemoPart("reports", _reports_purge, _reports_seed),
]


def purge_all(context: DemoContext) -> None:
    for part in reversed(PARTS):
        part.purge(context)


def seed_all(context: DemoContext, only: frozenset[str] | None = None) -> dict[str, Any]:
    """Seed every part (or those named in ``only``, e.g. for quicker tests)."""
    return {part.name: part.seed(context) for part in PARTS if only is None or part.name in only}
