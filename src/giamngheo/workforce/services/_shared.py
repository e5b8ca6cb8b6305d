"""Helpers every workforce service shares: access checks and the area columns of a record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor, acting_user
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.registry.models import Household
from giamngheo.workforce.models import Worker
from giamngheo.workforce.states import WorkforceError


def require(allowed: bool) -> None:
    if not allowed:
        raise WorkforceError(_("Bạn không có quyền thực hiện thao tác này trên địa bàn này."))


def managing_area(worker: Worker) -> AdministrativeUnit:
    unit: AdministrativeUnit = worker.commune if worker.commune_id is not None else worker.province
    return unit


def require_manager(actor: Actor, worker: Worker) -> None:
    """Acts of the managing unit: an officer of the worker's commune (or province)."""
    require(actor is None or access.can_decide_in(actor, managing_area(worker)))


def is_self(actor: Actor, worker: Worker) -> bool:
    return (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and worker.user_id is not None
        and worker.user_id == actor.pk
    )


def require_self_or_manager(actor: Actor, worker: Worker) -> None:
    require(
        actor is None
        or is_self(actor, worker)
        or access.can_decide_in(actor, managing_area(worker))
    )


def user_or_none(actor: Actor) -> Any:
    return acting_user(actor)


@dataclass(frozen=True)
class Columns:
    province_id: int
    commune_id: int | None
    village_id: int | None


def area_columns(unit: AdministrativeUnit) -> Columns:
    """The area columns of a record about ``unit``."""
    if unit.level == Level.PROVINCE:
        return Columns(unit.pk, None, None)
    assert unit.province_id is not None  # noqa: S101 - below province: always set
    if unit.level == Level.COMMUNE:
        return Columns(unit.province_id, unit.pk, None)
    return Columns(unit.province_id, unit.parent_id, unit.pk)


def household_columns(household: Household) -> dict[str, int]:
    return {
        "province_id": household.province_id,
        "commune_id": household.commune_id,
        "village_id": household.village_id,
    }
