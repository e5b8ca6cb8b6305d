"""Monthly plans and tasks, the activity log and monthly reports (expected, saved, submitted)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.audit import services as audit
from giamngheo.lib import locking, validators
from giamngheo.registry.models import Household
from giamngheo.workforce import reference
from giamngheo.workforce.models import (
    Activity,
    Assignment,
    MonthlyPlan,
    MonthlyReport,
    ReportItem,
    ReportStep,
    ReportTask,
    Task,
    TaskOutcome,
    Worker,
    WorkerStatus,
)
from giamngheo.workforce.periods import next_month, report_due_on
from giamngheo.workforce.selectors import rules_for
from giamngheo.workforce.services._shared import (
    require,
    require_manager,
    require_self_or_manager,
    user_or_none,
)
from giamngheo.workforce.states import REPORT, REPORT_EDITABLE, WorkforceError


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
def report_expect(*, actor: Actor, worker: Worker, month: dt.date) -> MonthlyReport:
    """The worker's report of ``month``, created (expected, with its deadline) if missing."""
    require_self_or_manager(actor, worker)
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
    actor: Actor,
    worker: Worker,
    month: dt.date,
    duty: int,
    description: str,
    due_on: dt.date | None = None,
) -> Task:
    """Give a worker a task for a month under one of the six duties. The month's plan and the
    month's report (expected, with its deadline) are created with the first task."""
    worker = Worker.objects.get(pk=worker.pk)
    require_manager(actor, worker)
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
            "created_by": user_or_none(actor),
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
def task_update(*, actor: Actor, task: Task, done: bool, result: str = "") -> Task:
    task = Task.objects.select_for_update().select_related("plan__worker").get(pk=task.pk)
    require_self_or_manager(actor, task.plan.worker)
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
def task_remove(*, actor: Actor, task: Task) -> None:
    task = Task.objects.select_for_update().select_related("plan__worker").get(pk=task.pk)
    require_manager(actor, task.plan.worker)
    if task.report_lines.filter(report__submitted_at__isnull=False).exists():
        raise WorkforceError(_("Công việc đã được báo cáo kết quả, không xóa được."))
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
    actor: Actor,
    worker: Worker,
    on: dt.date,
    duty: int,
    description: str,
    household: Household | None = None,
) -> Activity:
    require_self_or_manager(actor, worker)
    _check_duty(duty)
    if not description.strip():
        raise WorkforceError(_("Cần ghi nội dung hoạt động."))
    if on > timezone.localdate():
        raise WorkforceError(_("Ngày hoạt động không được sau hôm nay."))
    if household is not None:
        require(actor is None or access.can_change_area(actor, household.village))
    activity = Activity.objects.create(
        worker=worker,
        province_id=worker.province_id,
        commune_id=household.commune_id if household else worker.commune_id,
        village_id=household.village_id if household else None,
        household=household,
        on=on,
        duty=duty,
        description=description.strip(),
        recorded_by=user_or_none(actor),
    )
    audit.record(
        actor=actor,
        action="workforce.activity_recorded",
        obj=activity,
        after=audit.snapshot(activity, ["worker_id", "on", "duty", "description", "household_id"]),
    )
    return activity


def _step(report: MonthlyReport, actor: Actor, action: str, source: str, note: str = "") -> None:
    ReportStep.objects.create(
        report=report,
        action=action,
        from_state=source,
        to_state=report.state,
        note=note,
        by=user_or_none(actor),
        at=timezone.now(),
    )


def _plan_tasks(report: MonthlyReport) -> dict[int, Task]:
    return {
        task.pk: task
        for task in Task.objects.filter(plan__worker_id=report.worker_id, plan__month=report.month)
    }


@transaction.atomic
def report_save(
    *,
    actor: Actor,
    report: MonthlyReport,
    items: dict[int, str],
    households_visited: int,
    meetings_attended: int,
    summary: str = "",
    submit: bool = False,
    expected_version: int | None = None,
    tasks: dict[int, tuple[str, str]] | None = None,
) -> MonthlyReport:
    """Save a monthly report (a draft, or a report returned for correction), and submit it
    when ``submit`` (``states.REPORT``: draft or returned → submitted).

    ``tasks``: for each task of the month's plan (by id), its outcome (``TaskOutcome``: done,
    partly, not done) and a note; ``None`` leaves the task lines as they are. Submitting needs
    an outcome for every planned task, and something reported (a task or a duty). The first
    submission time is kept (it decides whether the report was on time); a resubmission after
    a return clears the return. ``expected_version``: the version the form was loaded with (the
    worker and an officer may both edit a draft)."""
    report = locking.lock_for_edit(
        MonthlyReport.objects.select_related("worker"),
        report.pk,
        None,
        error=WorkforceError,
    )
    require_self_or_manager(actor, report.worker)
    source = report.state
    if source not in REPORT_EDITABLE:
        raise WorkforceError(
            _(
                "Báo cáo đã nộp (trạng thái «%(state)s»), không sửa được; chỉ sửa được khi "
                "cán bộ quản lý trả lại."
            )
            % {"state": report.get_state_display()}
        )
    if submit:
        REPORT.check("submit", source)
    locking.check_version(report, expected_version, error=WorkforceError)
    for duty in items:
        _check_duty(duty)
    if households_visited < 0 or meetings_attended < 0:
        raise WorkforceError(_("Số hộ và số cuộc họp không được âm."))
    texts = {duty: text.strip() for duty, text in items.items() if text.strip()}
    planned = _plan_tasks(report)
    lines: dict[int, tuple[str, str]] | None = None
    if tasks is not None:
        lines = {}
        for task_id, (outcome, note) in tasks.items():
            if task_id not in planned:
                raise WorkforceError(_("Công việc không có trong kế hoạch tháng này."))
            if outcome and outcome not in TaskOutcome.values:
                raise WorkforceError(_("Kết quả công việc không hợp lệ."))
            if len(note.strip()) > 500:
                raise WorkforceError(_("Ghi chú công việc dài quá 500 ký tự."))
            if outcome:
                lines[task_id] = (outcome, note.strip())
    if submit:
        reported = (
            set(lines)
            if lines is not None
            else set(report.task_lines.values_list("task_id", flat=True))
        )
        missing = [planned[pk] for pk in planned if pk not in reported]
        if missing:
            raise WorkforceError(
                _(
                    "Cần ghi kết quả (hoàn thành, một phần, chưa thực hiện) cho từng công việc "
                    "của kế hoạch trước khi nộp; còn thiếu: %(tasks)s."
                )
                % {"tasks": "; ".join(task.description for task in missing)}
            )
        if not texts and not reported:
            raise WorkforceError(
                _("Báo cáo cần ghi kết quả của ít nhất một nhiệm vụ trước khi nộp.")
            )
    report.households_visited = households_visited
    report.meetings_attended = meetings_attended
    report.summary = summary.strip()
    if submit:
        now = timezone.now()
        if report.submitted_at is None:
            report.submitted_at = now
            report.submitted_by = user_or_none(actor)
        report.returned_at = None
    locking.bump(report)
    report.save()
    report.items.all().delete()
    ReportItem.objects.bulk_create(
        ReportItem(report=report, duty=duty, text=text) for duty, text in sorted(texts.items())
    )
    if lines is not None:
        report.task_lines.all().delete()
        ReportTask.objects.bulk_create(
            ReportTask(report=report, task_id=task_id, outcome=outcome, note=note)
            for task_id, (outcome, note) in sorted(lines.items())
        )
    if submit:
        _step(report, actor, "submit", source)
        # The plan page shows the same result: a task reported done is ticked done.
        for line in report.task_lines.select_related("task"):
            task = line.task
            task.done = line.outcome == TaskOutcome.DONE
            task.result = line.note or str(TaskOutcome(line.outcome).label)
            task.save(update_fields=["done", "result"])
    audit.record(
        actor=actor,
        action="workforce.report_submitted" if submit else "workforce.report_saved",
        obj=report,
        before={"state": source},
        after={
            "state": report.state,
            "households_visited": households_visited,
            "meetings_attended": meetings_attended,
            "duties": sorted(texts),
            "tasks": {str(pk): outcome for pk, (outcome, _note) in sorted((lines or {}).items())},
            "submitted_at": report.submitted_at,
        },
    )
    return report


def _lock_for_review(actor: Actor, report: MonthlyReport) -> MonthlyReport:
    locked = (
        MonthlyReport.objects.select_for_update(of=("self",))
        .select_related("worker")
        .get(pk=report.pk)
    )
    require_manager(actor, locked.worker)
    return locked


@transaction.atomic
def report_return(*, actor: Actor, report: MonthlyReport, reason: str) -> MonthlyReport:
    """The managing officer sends a submitted report back for correction, saying why; the
    worker edits it and submits it again."""
    report = _lock_for_review(actor, report)
    source = report.state
    REPORT.check("return", source)
    with validators.reraise_as(WorkforceError):
        reason = validators.clean_text(reason, label=_("Lý do trả lại")) if reason.strip() else ""
    if not reason:
        raise WorkforceError(_("Cần ghi lý do trả lại để người báo cáo biết cần sửa gì."))
    report.returned_at = timezone.now()
    report.return_reason = reason
    locking.bump(report)
    report.save()
    _step(report, actor, "return", source, reason)
    audit.record(
        actor=actor,
        action="workforce.report_returned",
        obj=report,
        before={"state": source},
        after={"state": report.state, "reason": reason},
    )
    return report


@transaction.atomic
def report_approve(*, actor: Actor, report: MonthlyReport, comment: str = "") -> MonthlyReport:
    """The managing officer approves a submitted report (final), with an optional comment."""
    report = _lock_for_review(actor, report)
    source = report.state
    REPORT.check("approve", source)
    with validators.reraise_as(WorkforceError):
        comment = validators.clean_text(comment, label=_("Nhận xét")) if comment.strip() else ""
    report.approved_at = timezone.now()
    report.approved_by = user_or_none(actor)
    locking.bump(report)
    report.save()
    _step(report, actor, "approve", source, comment)
    audit.record(
        actor=actor,
        action="workforce.report_approved",
        obj=report,
        before={"state": source},
        after={"state": report.state, "comment": comment},
    )
    return report


@transaction.atomic
def report_comment(*, actor: Actor, report: MonthlyReport, note: str) -> ReportStep:
    """The managing officer comments on a report (any state but a draft never submitted);
    the comment is kept in the report's history and changes nothing else."""
    report = _lock_for_review(actor, report)
    if report.submitted_at is None:
        raise WorkforceError(_("Chỉ nhận xét được báo cáo đã nộp."))
    with validators.reraise_as(WorkforceError):
        note = validators.clean_text(note, label=_("Nhận xét")) if note.strip() else ""
    if not note:
        raise WorkforceError(_("Cần ghi nội dung nhận xét."))
    step = ReportStep.objects.create(
        report=report,
        action="comment",
        from_state=report.state,
        to_state=report.state,
        note=note,
        by=user_or_none(actor),
        at=timezone.now(),
    )
    audit.record(actor=actor, action="workforce.report_commented", obj=report, after={"note": note})
    return step


@transaction.atomic
def plan_copy_previous(*, actor: Actor, worker: Worker, month: dt.date) -> int:
    """Copy the tasks of the month before into ``month``'s plan (one action for a plan that
    repeats). A task already in the month (same duty and text) is not copied twice, so running
    it again adds nothing; deadlines move by one month. Returns how many tasks were added."""
    worker = Worker.objects.get(pk=worker.pk)
    require_manager(actor, worker)
    if month.day != 1:
        raise WorkforceError(_("Tháng kế hoạch phải là ngày đầu tháng."))
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    source = list(
        Task.objects.filter(plan__worker=worker, plan__month=previous).order_by("duty", "id")
    )
    if not source:
        raise WorkforceError(
            _("Tháng %(month)s chưa có kế hoạch để chép.") % {"month": f"{previous:%m/%Y}"}
        )
    present = set(
        Task.objects.filter(plan__worker=worker, plan__month=month).values_list(
            "duty", "description"
        )
    )
    added = 0
    for task in source:
        if (task.duty, task.description) in present:
            continue
        task_add(
            actor=actor,
            worker=worker,
            month=month,
            duty=task.duty,
            description=task.description,
            due_on=_shift_month(task.due_on, month) if task.due_on else None,
        )
        added += 1
    audit.record(
        actor=actor,
        action="workforce.plan_copied",
        obj=worker,
        after={"from": previous, "to": month, "added": added},
    )
    return added


def _shift_month(day: dt.date, month: dt.date) -> dt.date:
    """``day`` moved into ``month`` (the 31st becomes the month's last day)."""
    last = (next_month(month) - dt.timedelta(days=1)).day
    return month.replace(day=min(day.day, last))


@transaction.atomic
def reports_open_month(*, actor: Actor, area: AdministrativeUnit, month: dt.date) -> int:
    """Expect a report for ``month`` from every active worker whose role reports monthly and
    who covers part of ``area`` during that month. Set-based; returns how many were added."""
    if area.level == Level.VILLAGE:
        raise WorkforceError(_("Mở kỳ báo cáo cho một xã hoặc một tỉnh."))
    require(actor is None or access.can_decide_in(actor, area))
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
