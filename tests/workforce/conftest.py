"""Workforce personas on top of the shared ``world``: the commune officers of A and B (linked to
``xa_a`` and ``xa_b``) and the collaborator of village A1 (linked to ``ctv``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from giamngheo.areas.models import AdministrativeUnit
from giamngheo.workforce import services
from giamngheo.workforce.models import Worker
from tests.conftest import World

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
