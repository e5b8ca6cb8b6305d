"""Workforce personas on top of the shared ``world``: the commune officers of A and B (linked to
``xa_a`` and ``xa_b``) and the collaborator of village A1 (linked to ``ctv``).

The world (official units, villages, users, households) is built once per test module inside a
transaction rolled back after the module; each test runs in a savepoint inside it
(pytest-django's ``db``), so tests stay independent and the suite stays fast: loading the
3,321 communes for every test would cost about a second each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

import pytest
from django.db import transaction

from giamngheo.accounts.models import User
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.workforce import services
from giamngheo.workforce.models import Worker
from tests.conftest import World, build_world

START = dt.date(2025, 1, 2)


@dataclass
class Staff:
    officer_a: Worker
    officer_b: Worker
    ctv_a1: Worker


def make_worker(area: AdministrativeUnit, code: str, role: str, **data: Any) -> Worker:
    values: dict[str, Any] = {
        "code": code,
        "full_name": f"Người {code}",
        "sex": "female",
        "birth_year": 1990,
        "role": role,
        "mass_organisation": "hoi_phu_nu",
        "education": "university",
        **data,
    }
    return services.worker_create(
        actor=None, area=area, data=services.WorkerData(**values), started_on=START
    )


@pytest.fixture
def staff(world: World) -> Staff:
    officer_a = make_worker(world.commune_a, "CB-A", "commune_officer")
    officer_b = make_worker(world.commune_b, "CB-B", "commune_officer")
    ctv_a1 = make_worker(
        world.commune_a, "CTV-A", "collaborator", mass_organisation="doan_thanh_nien"
    )
    services.assignment_add(actor=None, worker=officer_a, area=world.commune_a, starts_on=START)
    services.assignment_add(actor=None, worker=officer_b, area=world.commune_b, starts_on=START)
    services.assignment_add(actor=None, worker=ctv_a1, area=world.village_a1, starts_on=START)
    services.worker_link_user(actor=None, worker=officer_a, user=world.xa_a)
    services.worker_link_user(actor=None, worker=officer_b, user=world.xa_b)
    services.worker_link_user(actor=None, worker=ctv_a1, user=world.ctv)
    for worker in (officer_a, officer_b, ctv_a1):
        worker.refresh_from_db()
    return Staff(officer_a=officer_a, officer_b=officer_b, ctv_a1=ctv_a1)


@pytest.fixture(scope="module")
def world_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(world_module: World, db: None) -> World:
    """The shared personas (overrides tests/conftest.py's ``world`` in this directory)."""
    for item in fields(world_module):
        value = getattr(world_module, item.name)
        if isinstance(value, User):
            # accounts.access caches grants on the user object: a test's grants must not
            # outlive its savepoint.
            value.__dict__.pop("_giamngheo_grants", None)
    return world_module
