"""Monthly pages of a worker (plan, report, activity log) and the reporting-rate page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.areas.models import Level
from giamngheo.lib.views import attempt, form_attempt, form_page
from giamngheo.registry import picker
from giamngheo.workforce import forms, selectors, services
from giamngheo.workforce.models import MonthlyReport
from giamngheo.workforce.periods import next_month, report_due_on
from giamngheo.workforce.states import REPORT, REPORT_EDITABLE, ReportState
from giamngheo.workforce.views._common import (
    area_param,
    can_manage,
    is_self,
    month_of,
    month_param,
    today,
    worker_crumbs,
)


def plan(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, pk)
    first = month_of(year, month)
    manages = can_manage(request.user, worker)
    can_tick = manages or is_self(request.user, worker)
    action = request.POST.get("action") if request.method == "POST" else None
    form = forms.TaskForm(request.POST if action == "add" else None)
    here = reverse("workforce:plan", kwargs={"pk": pk, "year": year, "month": month})
    if action == "add":
        if not manages:
            raise PermissionDenied
        if (
            form.is_valid()
            and attempt(
                request,
                lambda: services.task_add(
                    actor=request.user, worker=worker, month=first, **form.cleaned_data
                ),
                _("Đã thêm công việc."),
            )
            is not None
        ):
            return redirect(here)
    elif action == "copy_previous":
        if not manages:
            raise PermissionDenied
        try:
            added = services.plan_copy_previous(actor=request.user, worker=worker, month=first)
        except services.WorkforceError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Đã chép %(count)d công việc từ kế hoạch tháng trước.") % {"count": added},
            )
        return redirect(here)
    elif action in {"done", "undone", "remove"}:
        task = selectors.task_of(worker, first, request.POST.get("task", ""))
        if task is None:
            raise Http404
        if action != "remove" and not can_tick:
            raise PermissionDenied
        # Ticking and removing show no success message: the list itself shows the change.
        try:
            if action == "remove":
                services.task_remove(actor=request.user, task=task)
            else:
                services.task_update(
                    actor=request.user,
                    task=task,
                    done=action == "done",
                    result=request.POST.get("result", ""),
                )
        except services.WorkforceError as error:
            messages.error(request, str(error))
        else:
            return redirect(here)
    plan_row = selectors.plan_with_tasks(request.user, worker, first)
    return render(
        request,
        "workforce/plan.html",
        {
            "worker": worker,
            "month": first,
            "plan": plan_row,
            "tasks": list(plan_row.tasks.all()) if plan_row else [],
            "report": selectors.month_report(request.user, worker, first),
            "form": form,
            "can_manage": manages,
            "can_tick": can_tick,
            "previous": (first - dt.timedelta(days=1)).replace(day=1),
            "next": next_month(first),
        },
    )


def report(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """The month's report, prefilled with the plan's tasks (issue 11), and the officer's review
    (comment, return for correction with a reason, approve) with the report's history."""
    worker = selectors.worker_for(request.user, pk)
    first = month_of(year, month)
    manages = can_manage(request.user, worker)
    can_write = manages or is_self(request.user, worker)
    existing = selectors.month_report(request.user, worker, first, with_items=True)
    plan_row = selectors.plan_with_tasks(request.user, worker, first)
    tasks = list(plan_row.tasks.all()) if plan_row else []
    # A report not yet expected is created at version 1 by the first save.
    initial: dict[str, Any] = {"version": 1}
    if existing is not None:
        initial = {
            "version": existing.version,
            "households_visited": existing.households_visited,
            "meetings_attended": existing.meetings_attended,
            "summary": existing.summary,
            **{f"duty_{item.duty}": item.text for item in existing.items.all()},
        }
        for line in existing.task_lines.all():
            initial[f"task_{line.task_id}"] = line.outcome
            initial[f"task_{line.task_id}_note"] = line.note
    state = existing.state if existing is not None else ReportState.DRAFT
    editable = state in REPORT_EDITABLE
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in {"return", "approve", "comment"}:
        if existing is None:
            raise Http404
        if not manages:
            raise PermissionDenied
        review = forms.ReportReviewForm(request.POST)
        note = review.cleaned_data["note"] if review.is_valid() else ""
        services_call = {
            "return": lambda: services.report_return(
                actor=request.user, report=existing, reason=note
            ),
            "approve": lambda: services.report_approve(
                actor=request.user, report=existing, comment=note
            ),
            "comment": lambda: services.report_comment(
                actor=request.user, report=existing, note=note
            ),
        }[action]
        done = {
            "return": _("Đã trả lại báo cáo để sửa."),
            "approve": _("Đã duyệt báo cáo."),
            "comment": _("Đã ghi nhận xét."),
        }[action]
        attempt(request, services_call, done)
        return redirect("workforce:report", pk=pk, year=year, month=month)
    form = forms.ReportForm(
        request.POST if action in {"save", "submit"} else None, initial=initial, tasks=tasks
    )
    if action in {"save", "submit"}:
        if not can_write:
            raise PermissionDenied
        submit = action == "submit"

        def save() -> MonthlyReport:
            current = existing or services.report_expect(
                actor=request.user, worker=worker, month=first
            )
            return services.report_save(
                actor=request.user,
                report=current,
                items=form.items(),
                households_visited=form.cleaned_data["households_visited"],
                meetings_attended=form.cleaned_data["meetings_attended"],
                summary=form.cleaned_data["summary"],
                submit=submit,
                expected_version=form.cleaned_data["version"],
                tasks=form.task_outcomes(),
            )

        if form.is_valid() and form_attempt(form, save) is not None:
            messages.success(request, _("Đã nộp báo cáo.") if submit else _("Đã lưu nháp."))
            return redirect("workforce:report", pk=pk, year=year, month=month)
    due_on = (
        existing.due_on
        if existing
        else report_due_on(first, selectors.rules_for(worker.province_id))
    )
    return render(
        request,
        "workforce/report.html",
        {
            "worker": worker,
            "month": first,
            "report": existing,
            "state": state,
            "state_label": ReportState(state).label,
            "form": form,
            "due_on": due_on,
            "can_write": can_write and editable,
            "can_review": manages and existing is not None,
            "review_actions": [
                (step.name, step.label) for step in REPORT.available(state) if manages
            ]
            if existing is not None and state == ReportState.SUBMITTED
            else [],
            "can_comment": manages and existing is not None and existing.submitted_at is not None,
            "review_form": forms.ReportReviewForm(),
            "submitted_late": existing is not None
            and existing.submitted_at is not None
            and timezone.localtime(existing.submitted_at).date() > existing.due_on,
            "items": list(existing.items.all()) if existing else [],
            "task_lines": list(existing.task_lines.all()) if existing else [],
            "steps": list(existing.steps.all()) if existing else [],
            "tasks": tasks,
        },
    )


def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, pk)
    if not (can_manage(request.user, worker) or is_self(request.user, worker)):
        raise PermissionDenied
    form = forms.ActivityForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = picker.picked(form, request.user)
        if (
            not form.errors
            and form_attempt(
                form,
                lambda: services.activity_record(
                    actor=request.user,
                    worker=worker,
                    on=data["on"],
                    duty=data["duty"],
                    description=data["description"],
                    household=household,
                ),
            )
            is not None
        ):
            messages.success(request, _("Đã ghi hoạt động."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    return form_page(
        request,
        form,
        title=_("Ghi nhật ký hoạt động"),
        back=reverse("workforce:worker_detail", args=[worker.pk]),
        crumbs=worker_crumbs(worker),
    )


def reporting(request: HttpRequest) -> HttpResponse:
    """Completeness and timeliness of the monthly reports; last month by default (the report
    of a month is due early in the next one)."""
    day = today()
    area = area_param(request)
    if area is not None and area.level == Level.VILLAGE:
        raise Http404
    month = month_param(request, (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1))
    return render(
        request,
        "workforce/reporting.html",
        {
            "area": area,
            "month": month,
            "today": day,
            "rates": selectors.reporting_rates(request.user, month=month, today=day, area=area),
            "late": selectors.late_reports(request.user, month=month, today=day, area=area),
            "open_form": forms.OpenMonthForm(initial={"month": month}),
            "can_open": area is not None and access.can_decide_in(request.user, area),
            "previous": (month - dt.timedelta(days=1)).replace(day=1),
            "next": next_month(month),
            "areas": selectors.managed_units(request.user)[:200],
        },
    )


@require_POST
def reporting_open(request: HttpRequest) -> HttpResponse:
    area = area_param(request)
    if area is None:
        raise Http404
    form = forms.OpenMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tháng không hợp lệ."))
        return redirect(f"{reverse('workforce:reporting')}?area={area.code}")
    month = form.cleaned_data["month"]
    # Not ``attempt``: the success message carries the number of reports added.
    try:
        added = services.reports_open_month(actor=request.user, area=area, month=month)
    except services.WorkforceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Đã mở kỳ báo cáo: thêm %(count)d báo cáo cần nộp.") % {"count": added}
        )
    return redirect(f"{reverse('workforce:reporting')}?area={area.code}&month={month:%m/%Y}")
