"""Deliveries fixtures: a fixed day, a small programme tree (programme → project →
sub-project, and a standing policy), and helpers that record supports through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from giamngheo.lib import clock
from giamngheo.programmes import services as programme_services
from giamngheo.programmes.models import Programme, SupportRecord
from giamngheo.registry.models import Household

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def today() -> Iterator[dt.date]:
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


@dataclass
class Tree:
    root: Programme  # the national target programme
    project: Programme  # its project 3
    subproject: Programme  # sub-project 2 of project 3
    other_project: Programme  # project 2
    policy: Programme  # health insurance, a standing policy (its own root)


@pytest.fixture
def tree(db: None) -> Tree:
    def node(code: str, kind: str, parent: Programme | None, order: int) -> Programme:
        return Programme.objects.create(
            code=code,
            kind=kind,
            name=f"Tên {code}",
            parent=parent,
            valid_from=dt.date(2021, 1, 1),
            sort_order=order,
        )

    root = node("ctmtqg-test", "programme", None, 1)
    project = node("ctmtqg-test.da3", "project", root, 3)
    subproject = node("ctmtqg-test.da3.tda2", "subproject", project, 1)
    other = node("ctmtqg-test.da2", "project", root, 2)
    policy = node("bhyt-test", "policy", None, 9)
    return Tree(root, project, subproject, other, policy)


def give(
    household: Household,
    programme: Programme,
    amount: int | None,
    on: dt.date,
    *,
    kind: str = "cash",
    description: str = "",
) -> SupportRecord:
    return programme_services.support_record_create(
        actor=None,
        household=household,
        programme=programme,
        support_kind=kind,
        amount=None if amount is None else Decimal(amount),
        delivered_on=on,
        funding_source="central",
        description=description,
    )
