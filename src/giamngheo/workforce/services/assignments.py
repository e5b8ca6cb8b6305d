"""Assignments of workers to communes and villages, and the collaborator grants that follow them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts import services as account_services
from giamngheo.accounts.models import RoleGrant
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    Assignment,
    Worker,
    WorkerStatus,
)
from giamngheo.workforce.services._shared import (
    area_columns,
    require,
    require_manager,
)
from giamngheo.workforce.states import WorkforceError


@transaction.atomic
def assignment_add(
    *, actor: Actor, worker: Worker, area: AdministrativeUnit, starts_on: dt.date
) -> Assignment:
    """Make ``worker`` cover a commune or a village. A collaborator with an account gets the
    collaborator role there, so that they see the households of exactly their areas."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    require_manager(actor, worker)
    if area.level == Level.PROVINCE:
        raise WorkforceError(_("Địa bàn phụ trách phải là xã hoặc thôn."))
    require(actor is None or access.can_decide_in(actor, area))
    if worker.status == WorkerStatus.ENDED:
        raise WorkforceError(_("Người này đã thôi việc."))
    columns = area_columns(area)
    if columns.province_id != worker.province_id or columns.commune_id is None:
        raise WorkforceError(_("Địa bàn phụ trách phải thuộc tỉnh quản lý người này."))
    if worker.assignments.filter(area=area, ends_on__isnull=True).exists():
        raise WorkforceError(_("Người này đang phụ trách địa bàn này."))
    assignment = Assignment.objects.create(
        worker=worker,
        area=area,
        province_id=columns.province_id,
        commune_id=columns.commune_id,
        village_id=columns.village_id,
        starts_on=starts_on,
    )
    audit.record(
        actor=actor,
        action="workforce.assignment_added",
        obj=assignment,
        after=audit.snapshot(assignment),
        area_of=area,
    )
    if worker.user_id is not None:
        _grant(actor, worker, area)
    return assignment


@transaction.atomic
def assignment_end(*, actor: Actor, assignment: Assignment, ends_on: dt.date) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("worker", "area")
        .get(pk=assignment.pk)
    )
    require_manager(actor, assignment.worker)
    if assignment.ends_on is not None:
        raise WorkforceError(_("Phân công này đã kết thúc."))
    if ends_on < assignment.starts_on:
        raise WorkforceError(_("Ngày kết thúc phải sau ngày bắt đầu phân công."))
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    audit.record(
        actor=actor,
        action="workforce.assignment_ended",
        obj=assignment,
        before={"ends_on": None},
        after={"ends_on": ends_on},
        area_of=assignment.area,
    )
    worker = assignment.worker
    if worker.user_id is not None:
        _revoke(actor, worker, assignment.area)
    return assignment


def _access_role(role: str) -> str:
    info = reference.roles().get(role)
    return info.access_role if info else ""


def _grant(actor: Actor, worker: Worker, area: AdministrativeUnit) -> None:
    role = _access_role(worker.role)
    if role and worker.user is not None:
        account_services.role_grant(actor=actor, user=worker.user, role=role, area=area)


def _revoke(
    actor: Actor, worker: Worker, area: AdministrativeUnit, role: str | None = None
) -> None:
    role = role if role is not None else _access_role(worker.role)
    if not role or worker.user_id is None:
        return
    still_assigned = worker.assignments.filter(area=area, ends_on__isnull=True).exists()
    if still_assigned and role == _access_role(worker.role):
        return
    for grant in RoleGrant.objects.filter(user_id=worker.user_id, role=role, area=area):
        account_services.role_revoke(actor=actor, grant=grant)


def sync_grants(actor: Actor, worker: Worker, old_role: str | None = None) -> None:
    """Grants of a linked account follow the open assignments and the roster role."""
    open_areas = [
        a.area for a in worker.assignments.filter(ends_on__isnull=True).select_related("area")
    ]
    if old_role is not None and _access_role(old_role) != _access_role(worker.role):
        for area in open_areas:
            _revoke(actor, worker, area, role=_access_role(old_role))
    for area in open_areas:
        _grant(actor, worker, area)


def revoke_all_grants(actor: Actor, worker: Worker) -> None:
    role = _access_role(worker.role)
    if not role or worker.user_id is None:
        return
    areas = [a.area_id for a in worker.assignments.all()]
    grants = RoleGrant.objects.filter(user_id=worker.user_id, role=role, area_id__in=areas)
    for grant in grants.select_related("area", "user"):
        account_services.role_revoke(actor=actor, grant=grant)
