"""The roster: workers, their status history, linked accounts and contracts."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.models import User
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import locking, validators
from giamngheo.lib.text import search_key
from giamngheo.registry import reference as registry_reference
from giamngheo.registry.models import Sex
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    Contract,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)
from giamngheo.workforce.services._shared import (
    area_columns,
    require,
    require_manager,
    user_or_none,
)
from giamngheo.workforce.services.assignments import assignment_end, revoke_all_grants, sync_grants
from giamngheo.workforce.states import WorkforceError

WORKER_FIELDS = (
    "code",
    "full_name",
    "sex",
    "birth_year",
    "ethnicity",
    "education",
    "phone",
    "role",
    "mass_organisation",
)


@dataclass(frozen=True)
class WorkerData:
    code: str
    full_name: str
    sex: str
    birth_year: int
    role: str
    mass_organisation: str = reference.NO_ORGANISATION
    ethnicity: str = reference.KINH
    education: str = "general"
    phone: str = ""


def _validate_worker(data: WorkerData) -> None:
    with validators.reraise_as(WorkforceError):  # NFC, no bidi or control characters
        validators.clean_name(data.full_name, label=_("Họ và tên"), max_length=200)
        validators.clean_name(data.code, label=_("Mã"), max_length=30)
    if not data.full_name.strip() or not data.code.strip():
        raise WorkforceError(_("Cần ghi mã và họ tên."))
    if data.sex not in Sex.values:
        raise WorkforceError(_("Giới tính không hợp lệ."))
    if data.role not in reference.roles():
        raise WorkforceError(_("Vai trò không có trong danh mục."))
    if data.mass_organisation not in reference.mass_organisations():
        raise WorkforceError(_("Tổ chức hội, đoàn thể không có trong danh mục."))
    if data.ethnicity not in registry_reference.ethnicities():
        raise WorkforceError(_("Mã dân tộc không có trong danh mục 54 dân tộc."))
    if data.education not in reference.education_levels():
        raise WorkforceError(_("Trình độ chuyên môn không có trong danh mục."))
    if not 1930 <= data.birth_year <= 2015:
        raise WorkforceError(_("Năm sinh không hợp lý."))
    with validators.reraise_as(WorkforceError):  # the one phone rule (lib.validators)
        validators.clean_phone(data.phone)


def _worker_values(data: WorkerData) -> dict[str, Any]:
    values = asdict(data)
    values["code"] = validators.clean_name(data.code).upper()
    values["full_name"] = validators.clean_name(data.full_name)
    values["search_name"] = search_key(values["full_name"])[:200]
    values["phone"] = validators.clean_phone(data.phone)
    return values


@transaction.atomic
def worker_create(
    *,
    actor: Actor,
    area: AdministrativeUnit,
    data: WorkerData,
    started_on: dt.date | None = None,
) -> Worker:
    """Add a person to the roster, managed by ``area`` (a commune, or a province for
    provincial staff), active from ``started_on``."""
    if area.level == Level.VILLAGE:
        raise WorkforceError(_("Cán bộ, cộng tác viên do xã hoặc tỉnh quản lý, không do thôn."))
    require(actor is None or access.can_decide_in(actor, area))
    _validate_worker(data)
    columns = area_columns(area)
    values = _worker_values(data)
    if Worker.objects.filter(province_id=columns.province_id, code=values["code"]).exists():
        raise WorkforceError(_("Mã cán bộ này đã có trong tỉnh."))
    worker = Worker.objects.create(
        province_id=columns.province_id, commune_id=columns.commune_id, **values
    )
    WorkerStatusChange.objects.create(
        worker=worker,
        status=WorkerStatus.ACTIVE,
        effective_on=started_on or timezone.localdate(),
        reason=_("Bắt đầu làm việc"),
        recorded_by=user_or_none(actor),
    )
    audit.record(
        actor=actor,
        action="workforce.worker_created",
        obj=worker,
        after=audit.snapshot(worker, WORKER_FIELDS),
    )
    return worker


@transaction.atomic
def worker_update(
    *, actor: Actor, worker: Worker, data: WorkerData, expected_version: int | None = None
) -> Worker:
    """Change a roster entry; ``expected_version`` is the version the edit form was loaded
    with (optimistic locking, ``lib.locking``)."""
    worker = locking.lock_for_edit(
        Worker.objects, worker.pk, expected_version, error=WorkforceError
    )
    require_manager(actor, worker)
    _validate_worker(data)
    values = _worker_values(data)
    clash = Worker.objects.filter(province_id=worker.province_id, code=values["code"]).exclude(
        pk=worker.pk
    )
    if clash.exists():
        raise WorkforceError(_("Mã cán bộ này đã có trong tỉnh."))
    before = audit.snapshot(worker, WORKER_FIELDS)
    old_role = worker.role
    for name, value in values.items():
        setattr(worker, name, value)
    locking.bump(worker)
    worker.save()
    audit.record(
        actor=actor,
        action="workforce.worker_updated",
        obj=worker,
        before=before,
        after=audit.snapshot(worker, WORKER_FIELDS),
    )
    if old_role != worker.role and worker.user_id is not None:
        sync_grants(actor, worker, old_role=old_role)
    return worker


@transaction.atomic
def worker_status_change(
    *, actor: Actor, worker: Worker, status: str, effective_on: dt.date, reason: str = ""
) -> WorkerStatusChange:
    """Record a new status (a history row). Ending the work closes the open assignments."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    require_manager(actor, worker)
    if status not in WorkerStatus.values:
        raise WorkforceError(_("Tình trạng không hợp lệ."))
    latest = worker.status_history.first()
    if latest is not None and effective_on < latest.effective_on:
        raise WorkforceError(
            _("Ngày hiệu lực không được trước lần thay đổi gần nhất (%(day)s).")
            % {"day": f"{latest.effective_on:%d/%m/%Y}"}
        )
    if status == worker.status:
        raise WorkforceError(_("Tình trạng mới giống tình trạng hiện tại."))
    change = WorkerStatusChange.objects.create(
        worker=worker,
        status=status,
        effective_on=effective_on,
        reason=reason.strip(),
        recorded_by=user_or_none(actor),
    )
    before = worker.status
    worker.status = status
    worker.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.worker_status_changed",
        obj=worker,
        before={"status": before},
        after={"status": status, "effective_on": effective_on, "reason": reason},
    )
    if status == WorkerStatus.ENDED:
        for assignment in worker.assignments.filter(ends_on__isnull=True):
            assignment_end(
                actor=actor, assignment=assignment, ends_on=max(effective_on, assignment.starts_on)
            )
    return change


def account_not_manageable_message() -> str:
    return _("Không có tài khoản với tên đăng nhập này, hoặc bạn không được quản lý tài khoản này.")


def _require_account_manageable(actor: Actor, user: User) -> None:
    """Only accounts the officer may manage (``access.can_manage_account``) get the roster's
    grants. One message for "no such account" and "not yours", so that the form does not tell
    which usernames exist."""
    if actor is not None and not access.can_manage_account(actor, user):
        raise WorkforceError(account_not_manageable_message())


@transaction.atomic
def worker_link_user(*, actor: Actor, worker: Worker, user: User | None) -> Worker:
    """Link (or unlink, ``user=None``) the account a worker logs in with. A collaborator's
    account gets the collaborator role on the areas they are assigned to."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    require_manager(actor, worker)
    if user is not None and worker.user_id != user.pk:
        _require_account_manageable(actor, user)
    if user is not None and Worker.objects.filter(user=user).exclude(pk=worker.pk).exists():
        raise WorkforceError(_("Tài khoản này đã gắn với một người khác trong danh sách."))
    before = {"user": worker.user_id}
    if worker.user_id is not None and (user is None or user.pk != worker.user_id):
        revoke_all_grants(actor, worker)
    worker.user = user
    worker.save(update_fields=["user", "updated_at"])
    audit.record(
        actor=actor,
        action="workforce.worker_user_linked",
        obj=worker,
        before=before,
        after={"user": worker.user_id},
    )
    if user is not None:
        sync_grants(actor, worker)
    return worker


@transaction.atomic
def contract_add(
    *,
    actor: Actor,
    worker: Worker,
    number: str,
    starts_on: dt.date,
    monthly_allowance: int,
    managing_unit: str,
    ends_on: dt.date | None = None,
    signed_on: dt.date | None = None,
    legal_basis: str = "",
) -> Contract:
    require_manager(actor, worker)
    if not number.strip() or not managing_unit.strip():
        raise WorkforceError(_("Cần ghi số hợp đồng và đơn vị quản lý."))
    if ends_on is not None and ends_on < starts_on:
        raise WorkforceError(_("Ngày kết thúc hợp đồng phải sau ngày bắt đầu."))
    if monthly_allowance < 0:
        raise WorkforceError(_("Phụ cấp không được âm."))
    if worker.contracts.filter(number=number.strip()).exists():
        raise WorkforceError(_("Người này đã có hợp đồng số này."))
    contract = Contract.objects.create(
        worker=worker,
        province_id=worker.province_id,
        commune_id=worker.commune_id,
        number=number.strip(),
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        monthly_allowance=monthly_allowance,
        managing_unit=managing_unit.strip(),
        legal_basis=legal_basis.strip(),
    )
    audit.record(
        actor=actor,
        action="workforce.contract_added",
        obj=contract,
        after=audit.snapshot(contract),
    )
    return contract
