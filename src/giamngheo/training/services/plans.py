"""Yearly training plans of a province or a commune (official acts: ``can_decide_in``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib import locking
from giamngheo.training.errors import TrainingError
from giamngheo.training.models import TrainingPlan
from giamngheo.training.services._shared import (
    area_unit,
    check_categories,
    check_commune,
    require_decide,
)

PLAN_FIELDS = (
    "year",
    "title",
    "decision_ref",
    "purpose",
    "requirements",
    "target_groups",
    "budget",
)


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    province: AdministrativeUnit,
    commune: AdministrativeUnit | None = None,
    year: int,
    title: str,
    purpose: str,
    requirements: str = "",
    target_groups: Sequence[str] = (),
    budget: int = 0,
    decision_ref: str = "",
    is_demo: bool = False,
) -> TrainingPlan:
    check_commune(province, commune)
    require_decide(actor, area_unit(province, commune))
    if budget < 0:
        raise TrainingError(_("Kinh phí không được âm."))
    plan = TrainingPlan.objects.create(
        province=province,
        commune=commune,
        year=year,
        title=title.strip(),
        purpose=purpose.strip(),
        requirements=requirements.strip(),
        target_groups=check_categories(target_groups),
        budget=budget,
        decision_ref=decision_ref.strip(),
        is_demo=is_demo,
    )
    audit.record(
        actor=actor,
        action="training.plan_created",
        obj=plan,
        after=audit.snapshot(plan, ["province_id", "commune_id", *PLAN_FIELDS]),
    )
    return plan


@transaction.atomic
def plan_update(
    *, actor: Actor, plan: TrainingPlan, expected_version: int | None = None, **changes: Any
) -> TrainingPlan:
    """Change a plan; ``expected_version`` is the version the edit form was loaded with
    (optimistic locking, ``lib.locking``)."""
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = locking.lock_for_edit(
        TrainingPlan.objects, plan.pk, expected_version, error=TrainingError
    )
    require_decide(actor, area_unit(locked.province, locked.commune))
    if "target_groups" in changes:
        changes["target_groups"] = check_categories(changes["target_groups"])
    if (
        "year" in changes
        and changes["year"] != locked.year
        and locked.classes.exclude(start_date__year=changes["year"]).exists()
    ):
        raise TrainingError(_("Kế hoạch đã có lớp của năm khác; không thể đổi năm."))
    before = audit.snapshot(locked, PLAN_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locking.bump(locked)
    locked.save()
    audit.record(
        actor=actor,
        action="training.plan_updated",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, PLAN_FIELDS),
    )
    return locked
