"""Writes on the workforce. Every write goes through here: keyword-only arguments, one
transaction, an access check, and an audit event in the same transaction.

Who may do what (on top of ``accounts.access``):

- the roster, contracts, assignments, statuses, monthly plans, evaluations and a province's
  rules are acts of the managing unit: an officer of the worker's commune or province
  (``access.can_decide_in``);
- a worker's activity log and monthly report: the worker (through their linked account) or an
  officer of their commune;
- support requests and reports of a household's change: anyone who may change data in the
  household's village (``access.can_change_area``: collaborators of that village and officers);
  handling and closing a request is the commune's decision (see ``states.py``).

``actor=None`` is the system (demo loader, tests): no access check.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts import services as account_services
from giamngheo.accounts.models import RoleGrant
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import idempotency, locking, validators
from giamngheo.lib.text import search_key
from giamngheo.registry import reference as registry_reference
from giamngheo.registry.models import Household, Sex
from giamngheo.workforce import reference, states
from giamngheo.workforce.models import (
    Activity,
    Assignment,
    Contract,
    Evaluation,
    EvaluationScore,
    HouseholdChange,
    MonthlyPlan,
    MonthlyReport,
    ProvinceRule,
    ReportItem,
    ReviewFlag,
    SupportRequest,
    SupportRequestStep,
    Task,
    Worker,
    WorkerStatus,
    WorkerStatusChange,
)
from giamngheo.workforce.states import RequestState
from giamngheo.workforce.states import WorkforceError as WorkforceError  # re-exported

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
REVIEW_FORMS = ("mau_01", "mau_04")


# -- rules ------------------------------------------------------------------------------------


def rules_for(province: AdministrativeUnit | int) -> reference.Rules:
    """The rules in force for a province: its own ``ProvinceRule`` or the data-file defaults."""
    province_id = province if isinstance(province, int) else province.pk
    row = ProvinceRule.objects.filter(province_id=province_id).first()
    if row is None:
        return reference.default_rules()
    return reference.Rules(
        report_deadline_day=row.report_deadline_day,
        forward_within_days=row.forward_within_days,
        resolve_within_days=row.resolve_within_days,
        legal_basis=row.legal_basis,
        verified=False,
    )


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def report_due_on(month: dt.date, rules: reference.Rules) -> dt.date:
    """The deadline of the report of ``month``: a day of the following month (e.g. the 5th)."""
    following = next_month(month)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(rules.report_deadline_day, last))


@transaction.atomic
def province_rule_set(
    *,
    actor: Any,
    province: AdministrativeUnit,
    report_deadline_day: int,
    forward_within_days: int,
    resolve_within_days: int,
    legal_basis: str,
) -> ProvinceRule:
    """Set a province's reporting day and handling times. Deadlines already given to reports
    and requests stay as they were (they are stored on each row)."""
    if province.level != Level.PROVINCE:
        raise WorkforceError(_("Quy định này đặt cho cấp tỉnh."))
    _require(actor is None or access.can_decide_in(actor, province))
    if not 1 <= report_deadline_day <= 28:
        raise WorkforceError(_("Hạn nộp báo cáo phải là một ngày từ 1 đến 28 của tháng sau."))
    if forward_within_days < 0 or resolve_within_days < forward_within_days:
        raise WorkforceError(_("Số ngày giải quyết phải không ít hơn số ngày chuyển yêu cầu."))
    if not legal_basis.strip():
        raise WorkforceError(_("Cần ghi căn cứ (văn bản của tỉnh) của quy định."))
    rule = ProvinceRule.objects.filter(province=province).first()
    before = audit.snapshot(rule) if rule else None
    rule = rule or ProvinceRule(province=province)
    rule.report_deadline_day = report_deadline_day
    rule.forward_within_days = forward_within_days
    rule.resolve_within_days = resolve_within_days
    rule.legal_basis = legal_basis.strip()
    rule.save()
    audit.record(
        actor=actor,
        action="workforce.province_rule_set",
        obj=rule,
        before=before,
        after=audit.snapshot(rule),
        area_of=province,
    )
    return rule


# -- helpers ----------------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise WorkforceError(_("Bạn không có quyền thực hiện thao tác này trên địa bàn này."))


def _managing_area(worker: Worker) -> AdministrativeUnit:
    unit: AdministrativeUnit = worker.commune if worker.commune_id is not None else worker.province
    return unit


def _require_manager(actor: Any, worker: Worker) -> None:
    """Acts of the managing unit: an officer of the worker's commune (or province)."""
    _require(actor is None or access.can_decide_in(actor, _managing_area(worker)))


def _is_self(actor: Any, worker: Worker) -> bool:
    return (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and worker.user_id is not None
        and worker.user_id == actor.pk
    )


def _require_self_or_manager(actor: Any, worker: Worker) -> None:
    _require(
        actor is None
        or _is_self(actor, worker)
        or access.can_decide_in(actor, _managing_area(worker))
    )


def account_not_manageable_message() -> str:
    return _("Không có tài khoản với tên đăng nhập này, hoặc bạn không được quản lý tài khoản này.")


def _require_account_manageable(actor: Any, user: Any) -> None:
    """Only accounts the officer may manage (``access.can_manage_account``) get the roster's
    grants. One message for "no such account" and "not yours", so that the form does not tell
    which usernames exist."""
    if actor is not None and not access.can_manage_account(actor, user):
        raise WorkforceError(account_not_manageable_message())


def worker_of(user: Any) -> Worker | None:
    """The roster entry linked to a user account, if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Worker.objects.filter(user=user).first()


@dataclass(frozen=True)
class _Columns:
    province_id: int
    commune_id: int | None
    village_id: int | None


def _area_columns(unit: AdministrativeUnit) -> _Columns:
    """The area columns of a record about ``unit``."""
    if unit.level == Level.PROVINCE:
        return _Columns(unit.pk, None, None)
    assert unit.province_id is not None  # noqa: S101 - below province: always set
    if unit.level == Level.COMMUNE:
        return _Columns(unit.province_id, unit.pk, None)
    return _Columns(unit.province_id, unit.parent_id, unit.pk)


def _household_columns(household: Household) -> dict[str, int]:
    return {
        "province_id": household.province_id,
        "commune_id": household.commune_id,
        "village_id": household.village_id,
    }


# -- roster -----------------------------------------------------------------------------------


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
    if data.phone and not (data.phone.isdigit() and data.phone.startswith("0")):
        raise WorkforceError(_("Số điện thoại phải gồm chữ số và bắt đầu bằng 0."))


def _worker_values(data: WorkerData) -> dict[str, Any]:
    values = asdict(data)
    values["code"] = validators.clean_name(data.code).upper()
    values["full_name"] = validators.clean_name(data.full_name)
    values["search_name"] = search_key(values["full_name"])[:200]
    return values


@transaction.atomic
def worker_create(
    *,
    actor: Any,
    area: AdministrativeUnit,
    data: WorkerData,
    started_on: dt.date | None = None,
) -> Worker:
    """Add a person to the roster, managed by ``area`` (a commune, or a province for
    provincial staff), active from ``started_on``."""
    if area.level == Level.VILLAGE:
        raise WorkforceError(_("Cán bộ, cộng tác viên do xã hoặc tỉnh quản lý, không do thôn."))
    _require(actor is None or access.can_decide_in(actor, area))
    _validate_worker(data)
    columns = _area_columns(area)
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
        recorded_by=_user_or_none(actor),
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
    *, actor: Any, worker: Worker, data: WorkerData, expected_version: int | None = None
) -> Worker:
    """Change a roster entry; ``expected_version`` is the version the edit form was loaded
    with (optimistic locking, ``lib.locking``)."""
    worker = locking.lock_for_edit(
        Worker.objects, worker.pk, expected_version, error=WorkforceError
    )
    _require_manager(actor, worker)
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
        _sync_grants(actor, worker, old_role=old_role)
    return worker


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def worker_status_change(
    *, actor: Any, worker: Worker, status: str, effective_on: dt.date, reason: str = ""
) -> WorkerStatusChange:
    """Record a new status (a history row). Ending the work closes the open assignments."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    _require_manager(actor, worker)
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
        recorded_by=_user_or_none(actor),
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


@transaction.atomic
def worker_link_user(*, actor: Any, worker: Worker, user: Any | None) -> Worker:
    """Link (or unlink, ``user=None``) the account a worker logs in with. A collaborator's
    account gets the collaborator role on the areas they are assigned to."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    _require_manager(actor, worker)
    if user is not None and worker.user_id != user.pk:
        _require_account_manageable(actor, user)
    if user is not None and Worker.objects.filter(user=user).exclude(pk=worker.pk).exists():
        raise WorkforceError(_("Tài khoản này đã gắn với một người khác trong danh sách."))
    before = {"user": worker.user_id}
    if worker.user_id is not None and (user is None or user.pk != worker.user_id):
        _revoke_all_grants(actor, worker)
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
        _sync_grants(actor, worker)
    return worker


# -- contracts and assignments ----------------------------------------------------------------


@transaction.atomic
def contract_add(
    *,
    actor: Any,
    worker: Worker,
    number: str,
    starts_on: dt.date,
    monthly_allowance: int,
    managing_unit: str,
    ends_on: dt.date | None = None,
    signed_on: dt.date | None = None,
    legal_basis: str = "",
) -> Contract:
    _require_manager(actor, worker)
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


@transaction.atomic
def assignment_add(
    *, actor: Any, worker: Worker, area: AdministrativeUnit, starts_on: dt.date
) -> Assignment:
    """Make ``worker`` cover a commune or a village. A collaborator with an account gets the
    collaborator role there, so that they see the households of exactly their areas."""
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    _require_manager(actor, worker)
    if area.level == Level.PROVINCE:
        raise WorkforceError(_("Địa bàn phụ trách phải là xã hoặc thôn."))
    _require(actor is None or access.can_decide_in(actor, area))
    if worker.status == WorkerStatus.ENDED:
        raise WorkforceError(_("Người này đã thôi việc."))
    columns = _area_columns(area)
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
def assignment_end(*, actor: Any, assignment: Assignment, ends_on: dt.date) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("worker", "area")
        .get(pk=assignment.pk)
    )
    _require_manager(actor, assignment.worker)
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


def _grant(actor: Any, worker: Worker, area: AdministrativeUnit) -> None:
    role = _access_role(worker.role)
    if role and worker.user is not None:
        account_services.role_grant(actor=actor, user=worker.user, role=role, area=area)


def _revoke(actor: Any, worker: Worker, area: AdministrativeUnit, role: str | None = None) -> None:
    role = role if role is not None else _access_role(worker.role)
    if not role or worker.user_id is None:
        return
    still_assigned = worker.assignments.filter(area=area, ends_on__isnull=True).exists()
    if still_assigned and role == _access_role(worker.role):
        return
    for grant in RoleGrant.objects.filter(user_id=worker.user_id, role=role, area=area):
        account_services.role_revoke(actor=actor, grant=grant)


def _sync_grants(actor: Any, worker: Worker, old_role: str | None = None) -> None:
    """Grants of a linked account follow the open assignments and the roster role."""
    open_areas = [
        a.area for a in worker.assignments.filter(ends_on__isnull=True).select_related("area")
    ]
    if old_role is not None and _access_role(old_role) != _access_role(worker.role):
        for area in open_areas:
            _revoke(actor, worker, area, role=_access_role(old_role))
    for area in open_areas:
        _grant(actor, worker, area)


def _revoke_all_grants(actor: Any, worker: Worker) -> None:
    role = _access_role(worker.role)
    if not role or worker.user_id is None:
        return
    areas = [a.area_id for a in worker.assignments.all()]
    grants = RoleGrant.objects.filter(user_id=worker.user_id, role=role, area_id__in=areas)
    for grant in grants.select_related("area", "user"):
        account_services.role_revoke(actor=actor, grant=grant)


# -- monthly plans, activities and reports ----------------------------------------------------


def _check_duty(duty: int) -> None:
    if duty not in reference.duties():
        raise WorkforceError(_("Nhiệm vụ không có trong danh mục sáu nhiệm vụ."))


def _report_expect(worker: Worker, month: dt.date) -> tuple[MonthlyReport, bool]:
    rules = rules_for(worker.province_id)
    return MonthlyReport.objects.get_or_create(
        worker=worker,
        month=month,
        defaults={
            "province_id": worker.province_id,
            "commune_id": worker.commune_id,
            "due_on": report_due_on(month, rules),
        },
    )


@transaction.atomic
def report_expect(*, actor: Any, worker: Worker, month: dt.date) -> MonthlyReport:
    """The worker's report of ``month``, created (expected, with its deadline) if missing."""
    _require_self_or_manager(actor, worker)
    if month.day != 1:
        raise WorkforceError(_("Tháng báo cáo phải là ngày đầu tháng."))
    report, created = _report_expect(worker, month)
    if created:
        audit.record(
            actor=actor,
            action="workforce.report_expected",
            obj=report,
            after={"month": month, "due_on": report.due_on},
        )
    return report


@transaction.atomic
def task_add(
    *,
    actor: Any,
    worker: Worker,
    month: dt.date,
    duty: int,
    description: str,
    due_on: dt.date | None = None,
) -> Task:
    """Give a worker a task for a month under one of the six duties. The month's plan and the
    month's report (expected, with its deadline) are created with the first task."""
    worker = Worker.objects.get(pk=worker.pk)
    _require_manager(actor, worker)
    _check_duty(duty)
    if month.day != 1:
        raise WorkforceError(_("Tháng kế hoạch phải là ngày đầu tháng."))
    if not description.strip():
        raise WorkforceError(_("Cần ghi nội dung công việc."))
    if worker.status == WorkerStatus.ENDED:
        raise WorkforceError(_("Người này đã thôi việc."))
    plan, created = MonthlyPlan.objects.get_or_create(
        worker=worker,
        month=month,
        defaults={
            "province_id": worker.province_id,
            "commune_id": worker.commune_id,
            "created_by": _user_or_none(actor),
        },
    )
    if created:
        audit.record(actor=actor, action="workforce.plan_created", obj=plan, after={"month": month})
        report_expect(actor=None, worker=worker, month=month)
    task = Task.objects.create(plan=plan, duty=duty, description=description.strip(), due_on=due_on)
    audit.record(
        actor=actor,
        action="workforce.task_added",
        obj=plan,
        after={"task": task.pk, "duty": duty, "description": task.description},
    )
    return task


@transaction.atomic
def task_update(*, actor: Any, task: Task, done: bool, result: str = "") -> Task:
    task = Task.objects.select_for_update().select_related("plan__worker").get(pk=task.pk)
    _require_self_or_manager(actor, task.plan.worker)
    before = {"done": task.done, "result": task.result}
    task.done = done
    task.result = result.strip()
    task.save(update_fields=["done", "result"])
    audit.record(
        actor=actor,
        action="workforce.task_updated",
        obj=task.plan,
        before={"task": task.pk, **before},
        after={"task": task.pk, "done": done, "result": task.result},
    )
    return task


@transaction.atomic
def task_remove(*, actor: Any, task: Task) -> None:
    task = Task.objects.select_for_update().select_related("plan__worker").get(pk=task.pk)
    _require_manager(actor, task.plan.worker)
    audit.record(
        actor=actor,
        action="workforce.task_removed",
        obj=task.plan,
        before={"task": task.pk, "duty": task.duty, "description": task.description},
    )
    task.delete()


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    worker: Worker,
    on: dt.date,
    duty: int,
    description: str,
    household: Household | None = None,
) -> Activity:
    _require_self_or_manager(actor, worker)
    _check_duty(duty)
    if not description.strip():
        raise WorkforceError(_("Cần ghi nội dung hoạt động."))
    if on > timezone.localdate():
        raise WorkforceError(_("Ngày hoạt động không được sau hôm nay."))
    if household is not None:
        _require(actor is None or access.can_change_area(actor, household.village))
    activity = Activity.objects.create(
        worker=worker,
        province_id=worker.province_id,
        commune_id=household.commune_id if household else worker.commune_id,
        village_id=household.village_id if household else None,
        household=household,
        on=on,
        duty=duty,
        description=description.strip(),
        recorded_by=_user_or_none(actor),
    )
    audit.record(
        actor=actor,
        action="workforce.activity_recorded",
        obj=activity,
        after=audit.snapshot(activity, ["worker_id", "on", "duty", "description", "household_id"]),
    )
    return activity


@transaction.atomic
def report_save(
    *,
    actor: Any,
    report: MonthlyReport,
    items: dict[int, str],
    households_visited: int,
    meetings_attended: int,
    summary: str = "",
    submit: bool = False,
    expected_version: int | None = None,
) -> MonthlyReport:
    """Save a monthly report (a draft), and submit it when ``submit``. A submitted report is
    final: its submission time decides whether it was on time. ``expected_version``: the
    version the form was loaded with (the worker and an officer may both edit a draft)."""
    report = locking.lock_for_edit(
        MonthlyReport.objects.select_related("worker"),
        report.pk,
        None,
        error=WorkforceError,
    )
    _require_self_or_manager(actor, report.worker)
    if report.submitted_at is not None:
        raise WorkforceError(_("Báo cáo đã nộp, không sửa được nữa."))
    locking.check_version(report, expected_version, error=WorkforceError)
    for duty in items:
        _check_duty(duty)
    if households_visited < 0 or meetings_attended < 0:
        raise WorkforceError(_("Số hộ và số cuộc họp không được âm."))
    texts = {duty: text.strip() for duty, text in items.items() if text.strip()}
    if submit and not texts:
        raise WorkforceError(_("Báo cáo cần ghi kết quả của ít nhất một nhiệm vụ trước khi nộp."))
    report.households_visited = households_visited
    report.meetings_attended = meetings_attended
    report.summary = summary.strip()
    if submit:
        report.submitted_at = timezone.now()
        report.submitted_by = _user_or_none(actor)
    locking.bump(report)
    report.save()
    report.items.all().delete()
    ReportItem.objects.bulk_create(
        ReportItem(report=report, duty=duty, text=text) for duty, text in sorted(texts.items())
    )
    audit.record(
        actor=actor,
        action="workforce.report_submitted" if submit else "workforce.report_saved",
        obj=report,
        after={
            "households_visited": households_visited,
            "meetings_attended": meetings_attended,
            "duties": sorted(texts),
            "submitted_at": report.submitted_at,
        },
    )
    return report


@transaction.atomic
def reports_open_month(*, actor: Any, area: AdministrativeUnit, month: dt.date) -> int:
    """Expect a report for ``month`` from every active worker whose role reports monthly and
    who covers part of ``area`` during that month. Set-based; returns how many were added."""
    if area.level == Level.VILLAGE:
        raise WorkforceError(_("Mở kỳ báo cáo cho một xã hoặc một tỉnh."))
    _require(actor is None or access.can_decide_in(actor, area))
    if month.day != 1:
        raise WorkforceError(_("Tháng báo cáo phải là ngày đầu tháng."))
    month_end = next_month(month) - dt.timedelta(days=1)
    roles = [code for code, info in reference.roles().items() if info.reports_monthly]
    column = "province" if area.level == Level.PROVINCE else "commune"
    covering = Assignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=month), starts_on__lte=month_end
    ).filter(**{column: area})
    workers = list(
        Worker.objects.filter(
            status=WorkerStatus.ACTIVE, role__in=roles, pk__in=covering.values("worker_id")
        )
        .exclude(reports__month=month)
        .only("pk", "province_id", "commune_id")
    )
    due_on = report_due_on(month, rules_for(area.province_id or area.pk))
    created = MonthlyReport.objects.bulk_create(
        [
            MonthlyReport(
                worker=w,
                month=month,
                province_id=w.province_id,
                commune_id=w.commune_id,
                due_on=due_on,
            )
            for w in workers
        ],
        ignore_conflicts=True,
    )
    audit.record_bulk(
        actor=actor,
        action="workforce.reports_opened",
        object_type=MonthlyReport._meta.label_lower,
        object_id=f"{area.code}:{month:%Y-%m}",
        summary={"area": area.code, "month": month, "due_on": due_on, "expected": len(created)},
        province_id=area.province_id or area.pk,
    )
    return len(created)


# -- support requests -------------------------------------------------------------------------


def commune_officer_for(commune_id: int) -> Worker | None:
    """The active commune officer responsible for a commune: assigned to it, else managed
    by it (the lowest id first, so the choice is stable)."""
    officers = Worker.objects.filter(role=reference.COMMUNE_OFFICER, status=WorkerStatus.ACTIVE)
    assigned = officers.filter(
        assignments__commune_id=commune_id,
        assignments__village__isnull=True,
        assignments__ends_on__isnull=True,
    )
    return (
        assigned.order_by("pk").first()
        or officers.filter(commune_id=commune_id).order_by("pk").first()
    )


def _check_owner(owner: Worker, commune_id: int) -> None:
    owner = Worker.objects.get(pk=owner.pk)  # the status as stored, not as the caller saw it
    if owner.status != WorkerStatus.ACTIVE:
        raise WorkforceError(_("Người phụ trách phải đang làm việc."))
    covers = (
        owner.commune_id == commune_id
        or owner.assignments.filter(commune_id=commune_id, ends_on__isnull=True).exists()
    )
    provincial = owner.commune_id is None
    if not (covers or provincial):
        raise WorkforceError(_("Người phụ trách phải thuộc xã của hộ."))


def _step(
    request: SupportRequest, action: str, from_state: str, actor: Any, note: str, at: dt.datetime
) -> None:
    SupportRequestStep.objects.create(
        request=request,
        action=action,
        from_state=from_state,
        to_state=request.state,
        owner_id=request.owner_id,
        note=note,
        by=_user_or_none(actor),
        at=at,
    )


REQUEST_AUDIT_FIELDS = (
    "household_id",
    "need_type",
    "description",
    "state",
    "owner_id",
    "received_on",
    "forward_due_on",
    "due_on",
    "outcome",
    "household_informed_on",
)


@transaction.atomic
def request_create(
    *,
    actor: Any,
    household: Household,
    need_type: str,
    description: str,
    received_on: dt.date | None = None,
    collected_by: Worker | None = None,
    owner: Worker | None = None,
    submission_key: uuid.UUID | None = None,
) -> SupportRequest:
    """Record a household's request for support. It starts ``received`` and is owned by the
    person who collected it (a collaborator), else by the commune's officer: a request always
    has an owner (a database constraint keeps it so). ``submission_key``: the form's one-time
    key (``lib.idempotency``); a second call with it returns the first request."""
    _require(actor is None or access.can_change_area(actor, household.village))
    same_household = SupportRequest.objects.filter(household=household)
    recorded = idempotency.earlier(same_household, submission_key)
    if recorded is not None:
        return recorded
    if need_type not in reference.need_types():
        raise WorkforceError(_("Loại nhu cầu không có trong danh mục."))
    if not description.strip():
        raise WorkforceError(_("Cần ghi nội dung yêu cầu."))
    today = timezone.localdate()
    received_on = received_on or today
    with validators.reraise_as(WorkforceError):
        description = validators.clean_text(description, label=_("Nội dung"))
        validators.check_event_date(received_on, label=_("Ngày tiếp nhận"))
    if received_on > today:
        raise WorkforceError(_("Ngày tiếp nhận không được sau hôm nay."))
    collected_by = collected_by or worker_of(actor)
    owner = owner or collected_by or commune_officer_for(household.commune_id)
    if owner is None:
        raise WorkforceError(
            _(
                "Xã chưa có công chức phụ trách trong danh sách đội ngũ: hãy thêm công chức "
                "hoặc chọn người phụ trách."
            )
        )
    _check_owner(owner, household.commune_id)
    rules = rules_for(household.province_id)
    now = timezone.now()

    def create(key: uuid.UUID | None) -> SupportRequest:
        return SupportRequest.objects.create(
            submission_key=key,
            household=household,
            **_household_columns(household),
            need_type=need_type,
            description=description.strip(),
            state=RequestState.RECEIVED,
            owner=owner,
            collected_by=collected_by,
            recorded_by=_user_or_none(actor),
            received_on=received_on,
            forward_due_on=received_on + dt.timedelta(days=rules.forward_within_days),
            due_on=received_on + dt.timedelta(days=rules.resolve_within_days),
            state_since=now,
        )

    request = idempotency.create_once(same_household, submission_key, create)
    if idempotency.replayed(request):
        return request
    _step(request, "create", "", actor, "", now)
    audit.record(
        actor=actor,
        action="workforce.request_created",
        obj=request,
        after=audit.snapshot(request, REQUEST_AUDIT_FIELDS),
    )
    return request


def _may_fire(actor: Any, transition: states.Transition, request: SupportRequest) -> bool:
    if actor is None:
        return True
    if transition.permission == states.DECIDE:
        return access.can_decide_in(actor, request.commune)
    return access.can_change_area(actor, request.village)


def allowed_transitions(actor: Any, request: SupportRequest) -> list[states.Transition]:
    """The transitions ``actor`` may fire on ``request`` now (for the buttons of a page)."""
    return [t for t in states.available(request.state) if _may_fire(actor, t, request)]


@transaction.atomic
def request_transition(
    *,
    actor: Any,
    request: SupportRequest,
    name: str,
    note: str = "",
    owner: Worker | None = None,
) -> SupportRequest:
    """Fire transition ``name`` (see the table in ``states.py``). A transition the table does
    not allow from the current state raises ``states.WorkflowError`` with a Vietnamese
    message; nothing changes."""
    request = (
        SupportRequest.objects.select_for_update()
        .select_related("commune", "village")
        .get(pk=request.pk)
    )
    transition = states.find(name, request.state)
    if not _may_fire(actor, transition, request):
        raise WorkforceError(
            _("Chỉ công chức của xã mới được «%(action)s» yêu cầu này.")
            % {"action": transition.label}
            if transition.permission == states.DECIDE
            else _("Bạn không có quyền thay đổi yêu cầu của địa bàn này.")
        )
    note = note.strip()
    if transition.needs_note and not note:
        raise WorkforceError(
            _("Cần ghi kết quả giải quyết.")
            if transition.target == RequestState.RESOLVED
            else _("Cần ghi lý do không giải quyết.")
        )
    before = audit.snapshot(request, REQUEST_AUDIT_FIELDS)
    from_state = request.state
    now = timezone.now()
    if transition.needs_owner:
        owner = owner or commune_officer_for(request.commune_id)
        if owner is None:
            raise WorkforceError(
                _("Xã chưa có công chức phụ trách trong danh sách đội ngũ để chuyển yêu cầu.")
            )
        _check_owner(owner, request.commune_id)
        request.owner = owner
        request.forwarded_at = now
    request.state = transition.target
    request.state_since = now
    if transition.target in states.CLOSED_STATES:
        request.closed_at = now
        request.outcome = note
    request.save()
    _step(request, transition.name, from_state, actor, note, now)
    audit.record(
        actor=actor,
        action=f"workforce.request_{transition.name}",
        obj=request,
        before=before,
        after=audit.snapshot(request, REQUEST_AUDIT_FIELDS),
        note=note,
    )
    return request


@transaction.atomic
def request_reassign(
    *, actor: Any, request: SupportRequest, owner: Worker, note: str = ""
) -> SupportRequest:
    """Hand an open request to another owner (the commune's decision)."""
    request = (
        SupportRequest.objects.select_for_update().select_related("commune").get(pk=request.pk)
    )
    _require(actor is None or access.can_decide_in(actor, request.commune))
    if not request.is_open:
        raise states.WorkflowError(_("Yêu cầu đã đóng, không đổi người phụ trách được."))
    if owner.pk == request.owner_id:
        raise WorkforceError(_("Người này đang phụ trách yêu cầu."))
    _check_owner(owner, request.commune_id)
    before = {"owner_id": request.owner_id}
    request.owner = owner
    request.save(update_fields=["owner", "updated_at"])
    _step(request, "reassign", request.state, actor, note.strip(), timezone.now())
    audit.record(
        actor=actor,
        action="workforce.request_reassigned",
        obj=request,
        before=before,
        after={"owner_id": owner.pk},
        note=note,
    )
    return request


@transaction.atomic
def request_inform(
    *, actor: Any, request: SupportRequest, informed_on: dt.date, how: str = ""
) -> SupportRequest:
    """Record that the household was told the result (duty 1: "inform the household of the
    result ... so that it knows and benefits")."""
    request = (
        SupportRequest.objects.select_for_update().select_related("village").get(pk=request.pk)
    )
    _require(actor is None or access.can_change_area(actor, request.village))
    if request.is_open:
        raise states.WorkflowError(
            _("Chỉ thông báo cho hộ khi yêu cầu đã được giải quyết hoặc từ chối.")
        )
    if request.household_informed_on is not None:
        raise WorkforceError(
            _("Đã ghi nhận thông báo cho hộ ngày %(day)s.")
            % {"day": f"{request.household_informed_on:%d/%m/%Y}"}
        )
    if informed_on < request.received_on or informed_on > timezone.localdate():
        raise WorkforceError(_("Ngày thông báo phải từ ngày tiếp nhận đến hôm nay."))
    request.household_informed_on = informed_on
    request.informed_how = how.strip()
    request.save(update_fields=["household_informed_on", "informed_how", "updated_at"])
    _step(request, "inform", request.state, actor, how.strip(), timezone.now())
    audit.record(
        actor=actor,
        action="workforce.request_household_informed",
        obj=request,
        before={"household_informed_on": None},
        after={"household_informed_on": informed_on, "informed_how": request.informed_how},
    )
    return request


# -- household changes (towards the in-year review, issue 5) ----------------------------------


@transaction.atomic
def household_change_report(
    *,
    actor: Any,
    household: Household,
    kind: str,
    occurred_on: dt.date,
    description: str,
    request_review: bool,
    proposed_form: str = "",
    submission_key: uuid.UUID | None = None,
) -> HouseholdChange:
    """Record that a household's situation changed. With ``request_review`` the household is
    flagged for the in-year review (Mẫu 01 to join the list, Mẫu 04 to leave it; QĐ
    24/2021/QĐ-TTg): the review process (issue 5) picks up pending flags. ``submission_key``:
    the form's one-time key (``lib.idempotency``)."""
    _require(actor is None or access.can_change_area(actor, household.village))
    same_household = HouseholdChange.objects.filter(household=household)
    recorded = idempotency.earlier(same_household, submission_key)
    if recorded is not None:
        return recorded
    kinds = reference.change_kinds()
    if kind not in kinds:
        raise WorkforceError(_("Loại biến động không có trong danh mục."))
    if not description.strip():
        raise WorkforceError(_("Cần mô tả biến động."))
    if occurred_on > timezone.localdate():
        raise WorkforceError(_("Ngày xảy ra không được sau hôm nay."))
    with validators.reraise_as(WorkforceError):
        description = validators.clean_text(description, label=_("Mô tả"))
        validators.check_event_date(occurred_on, label=_("Ngày xảy ra"))
    form = ""
    if request_review:
        form = proposed_form or kinds[kind].suggested_form
        if form not in REVIEW_FORMS:
            raise WorkforceError(_("Cần chọn mẫu đề nghị (Mẫu 01 hoặc Mẫu 04)."))

    def create(key: uuid.UUID | None) -> HouseholdChange:
        return HouseholdChange.objects.create(
            submission_key=key,
            household=household,
            **_household_columns(household),
            kind=kind,
            occurred_on=occurred_on,
            description=description.strip(),
            reported_by=_user_or_none(actor),
            worker=worker_of(actor),
            review_flag=ReviewFlag.PENDING if request_review else ReviewFlag.NOT_NEEDED,
            proposed_form=form,
            review_flag_at=timezone.now() if request_review else None,
        )

    change = idempotency.create_once(same_household, submission_key, create)
    if idempotency.replayed(change):
        return change
    audit.record(
        actor=actor,
        action="workforce.household_change_reported",
        obj=change,
        after=audit.snapshot(
            change, ["household_id", "kind", "occurred_on", "review_flag", "proposed_form"]
        ),
    )
    return change


@transaction.atomic
def household_change_take_up(
    *, actor: Any, change: HouseholdChange, reference_text: str
) -> HouseholdChange:
    """For the review process (issue 5): a pending flag became an in-year review application;
    ``reference_text`` names it (e.g. the application's id)."""
    return _close_flag(actor, change, ReviewFlag.TAKEN_UP, reference_text=reference_text)


@transaction.atomic
def household_change_dismiss(*, actor: Any, change: HouseholdChange, note: str) -> HouseholdChange:
    """An officer decides a pending flag needs no in-year review; the reason is required."""
    if not note.strip():
        raise WorkforceError(_("Cần ghi lý do không đưa vào rà soát."))
    return _close_flag(actor, change, ReviewFlag.DISMISSED, note=note)


def _close_flag(
    actor: Any, change: HouseholdChange, flag: str, *, reference_text: str = "", note: str = ""
) -> HouseholdChange:
    change = HouseholdChange.objects.select_for_update().select_related("commune").get(pk=change.pk)
    _require(actor is None or access.can_decide_in(actor, change.commune))
    if change.review_flag != ReviewFlag.PENDING:
        raise WorkforceError(_("Biến động này không còn chờ rà soát."))
    if flag == ReviewFlag.TAKEN_UP and not reference_text.strip():
        raise WorkforceError(_("Cần ghi số hồ sơ rà soát."))
    change.review_flag = flag
    change.review_reference = reference_text.strip()
    change.review_flag_note = note.strip()[:300]
    change.review_flag_at = timezone.now()
    change.save()
    audit.record(
        actor=actor,
        action=f"workforce.household_change_{flag}",
        obj=change,
        before={"review_flag": ReviewFlag.PENDING},
        after={"review_flag": flag, "review_reference": change.review_reference},
        note=note,
    )
    return change


# -- evaluations ------------------------------------------------------------------------------


@transaction.atomic
def evaluation_record(
    *,
    actor: Any,
    worker: Worker,
    period_start: dt.date,
    period_end: dt.date,
    evaluator_body: str,
    scores: dict[str, int],
    remarks: str = "",
    submission_key: uuid.UUID | None = None,
) -> Evaluation:
    """Record one evaluation, scored on every criterion of ``evaluation_criteria.csv``; the
    rating follows ``ratings.csv``. Earlier evaluations stay (history). ``submission_key``:
    the form's one-time key (``lib.idempotency``)."""
    _require_manager(actor, worker)
    same_worker = Evaluation.objects.filter(worker=worker)
    recorded = idempotency.earlier(same_worker, submission_key)
    if recorded is not None:
        return recorded
    if period_end < period_start:
        raise WorkforceError(_("Kỳ đánh giá: ngày kết thúc phải sau ngày bắt đầu."))
    if evaluator_body not in reference.evaluator_bodies():
        raise WorkforceError(_("Đơn vị đánh giá không có trong danh mục."))
    criteria = reference.evaluation_criteria()
    if set(scores) != set(criteria):
        raise WorkforceError(_("Cần chấm điểm đủ các tiêu chí."))
    for code, score in scores.items():
        if not 0 <= score <= criteria[code].max_score:
            raise WorkforceError(
                _("Điểm «%(criterion)s» phải từ 0 đến %(max)d.")
                % {"criterion": criteria[code].name, "max": criteria[code].max_score}
            )
    total = sum(scores.values())
    maximum = sum(c.max_score for c in criteria.values())

    def create(key: uuid.UUID | None) -> Evaluation:
        return Evaluation.objects.create(
            submission_key=key,
            worker=worker,
            province_id=worker.province_id,
            commune_id=worker.commune_id,
            period_start=period_start,
            period_end=period_end,
            evaluator_body=evaluator_body,
            evaluated_by=_user_or_none(actor),
            total=total,
            max_total=maximum,
            rating=reference.rating_for(total, maximum),
            remarks=remarks.strip(),
        )

    evaluation = idempotency.create_once(same_worker, submission_key, create)
    if idempotency.replayed(evaluation):
        return evaluation
    EvaluationScore.objects.bulk_create(
        EvaluationScore(
            evaluation=evaluation,
            criterion=code,
            score=scores[code],
            max_score=criteria[code].max_score,
        )
        for code in criteria
    )
    audit.record(
        actor=actor,
        action="workforce.evaluation_recorded",
        obj=evaluation,
        after={
            **audit.snapshot(
                evaluation,
                ["worker_id", "period_start", "period_end", "evaluator_body", "total", "rating"],
            ),
            "scores": scores,
        },
    )
    return evaluation
