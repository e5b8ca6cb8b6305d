"""Workforce pages. Thin: parse, call a selector or a service, render. Objects outside the
user's areas answer 404 (selectors); visible but not changeable answers 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.accounts.models import User
from giamngheo.areas import selectors as area_selectors
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import idempotency
from giamngheo.lib.masking import mask_phone
from giamngheo.registry import selectors as registry_selectors
from giamngheo.registry.models import Household
from giamngheo.workforce import exports, forms, reference, selectors, services, states
from giamngheo.workforce.models import (
    HouseholdChange,
    MonthlyReport,
    ReviewFlag,
    SupportRequest,
    Task,
    Worker,
    WorkerStatus,
)

ROSTER_PAGE_SIZE = 50


# -- helpers ----------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _area(request: HttpRequest) -> AdministrativeUnit | None:
    code = request.GET.get("area") or None
    return area_selectors.unit_for(request.user, code) if code else None


def _month_param(request: HttpRequest, default: dt.date) -> dt.date:
    text = request.GET.get("month")
    if not text:
        return default
    field = forms.MonthField()
    try:
        month = field.clean(text)
    except Exception as exc:  # a malformed month is a page that does not exist
        raise Http404 from exc
    if not isinstance(month, dt.date):
        raise Http404
    return month


def _month(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except (ValueError, OverflowError) as exc:  # year 10**30 in the address
        raise Http404 from exc


def _form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    back: str,
    *,
    worker: Worker | None = None,
    household: Household | None = None,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "worker": worker,
            "household": household,
            "intro": intro,
        },
    )


def _can_manage(user: Any, worker: Worker) -> bool:
    area = worker.commune if worker.commune_id is not None else worker.province
    return access.can_decide_in(user, area)


def _is_self(user: Any, worker: Worker) -> bool:
    return worker.user_id is not None and worker.user_id == user.pk


def _worker_to_manage(request: HttpRequest, pk: int) -> Worker:
    worker = selectors.worker_for(request.user, pk)
    if not _can_manage(request.user, worker):
        raise PermissionDenied
    return worker


def _managed_units(user: Any) -> QuerySet[AdministrativeUnit]:
    """Communes and provinces where the user may manage the workforce."""
    reach = access.decision_reach(user)
    units = AdministrativeUnit.objects.filter(
        level__in=[Level.PROVINCE, Level.COMMUNE], valid_to__isnull=True
    )
    if reach.everything:
        return units.order_by("level", "name")
    condition = Q(pk__in=reach.provinces) | Q(province__in=reach.provinces, level=Level.COMMUNE)
    condition |= Q(pk__in=reach.communes)
    return units.filter(condition).order_by("-level", "name")


# -- home and roster --------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    today = _today()
    worker = services.worker_of(request.user)
    return render(
        request,
        "workforce/home.html",
        {
            "worker": worker,
            "month": today.replace(day=1),
            "counts": selectors.request_counts(request.user, today=today),
            "pending_reviews": selectors.pending_in_year_reviews(request.user).count(),
            "can_manage": not access.decision_reach(request.user).empty,
        },
    )


def roster(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    role = request.GET.get("role") or None
    if role is not None and role not in reference.roles():
        role = None
    status = request.GET.get("status", WorkerStatus.ACTIVE)
    if status not in WorkerStatus.values:
        status = ""
    query = request.GET.get("q", "").strip()
    workers = selectors.roster(request.user, area=area, role=role, status=status, query=query)
    page = Paginator(workers, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(w, _shown_phone(request.user, w)) for w in page.object_list]
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "workforce/roster.html",
        {
            "rows": rows,
            "page": page,
            "area": area,
            "role": role,
            "status": status,
            "query": query,
            "roles": reference.role_choices(),
            "statuses": WorkerStatus.choices,
            "filter_query": filters.urlencode(),
            "can_create": _managed_units(request.user).exists(),
        },
    )


def _shown_phone(user: Any, worker: Worker) -> str:
    """The worker's phone, masked unless ``user`` may see personal data where the worker is
    managed (their commune, or the province for provincial staff). A collaborator always sees
    their own number on their own entry (it is theirs; they may correct it)."""
    full = _is_self(user, worker) or access.sees_personal_data_at(
        access.personal_data_reach(user),
        province_id=worker.province_id,
        commune_id=worker.commune_id,
    )
    return worker.phone if full else mask_phone(worker.phone)


def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, pk)
    reports = {r.month: r for r in worker.reports.all()[:24]}
    plans = list(worker.plans.all()[:24])
    months = sorted(set(reports) | {p.month for p in plans}, reverse=True)
    today = _today()
    return render(
        request,
        "workforce/worker_detail.html",
        {
            "worker": worker,
            "phone": _shown_phone(request.user, worker),
            "contracts": worker.contracts.all(),
            "assignments": worker.assignments.select_related("area__parent"),
            "history": worker.status_history.select_related("recorded_by"),
            "months": [(m, reports.get(m)) for m in months],
            "this_month": today.replace(day=1),
            "evaluations": worker.evaluations.prefetch_related("scores"),
            "activities": worker.activities.select_related("household")[:20],
            "can_manage": _can_manage(request.user, worker),
            "is_self": _is_self(request.user, worker),
            "today": today,
        },
    )


def _worker_data(form: forms.WorkerForm) -> services.WorkerData:
    data = form.cleaned_data
    return services.WorkerData(
        code=data["code"],
        full_name=data["full_name"],
        sex=data["sex"],
        birth_year=data["birth_year"],
        ethnicity=data["ethnicity"],
        education=data["education"],
        phone=data.get("phone") or "",
        role=data["role"],
        mass_organisation=data["mass_organisation"],
    )


def worker_new(request: HttpRequest) -> HttpResponse:
    areas = _managed_units(request.user)
    if not areas.exists():
        raise PermissionDenied
    form = forms.WorkerCreateForm(
        request.POST or None,
        areas=areas,
        initial={"started_on": _today(), "role": reference.COLLABORATOR},
    )
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.worker_create(
                actor=request.user,
                area=form.cleaned_data["area"],
                data=_worker_data(form),
                started_on=form.cleaned_data["started_on"],
            )
        except services.WorkforceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": worker.full_name})
            return redirect("workforce:worker_detail", pk=worker.pk)
    return _form_page(request, form, _("Thêm cán bộ, cộng tác viên"), reverse("workforce:roster"))


def worker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker_to_manage(request, pk)
    initial = {name: getattr(worker, name) for name in services.WORKER_FIELDS}
    initial["version"] = worker.version
    form = forms.WorkerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_update(
                actor=request.user,
                worker=worker,
                data=_worker_data(form),
                expected_version=form.cleaned_data["version"],
            )
        except services.WorkforceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    back = reverse("workforce:worker_detail", args=[worker.pk])
    return _form_page(request, form, _("Sửa thông tin"), back, worker=worker)


def contract_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker_to_manage(request, pk)
    rules = services.rules_for(worker.province_id)
    form = forms.ContractForm(request.POST or None, initial={"legal_basis": rules.legal_basis})
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_add(actor=request.user, worker=worker, **form.cleaned_data)
        except services.WorkforceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã thêm hợp đồng."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    back = reverse("workforce:worker_detail", args=[worker.pk])
    return _form_page(request, form, _("Thêm hợp đồng"), back, worker=worker)


def _assignable_areas(user: Any, worker: Worker) -> QuerySet[AdministrativeUnit]:
    reach = access.decision_reach(user)
    units = AdministrativeUnit.objects.filter(
        level__in=[Level.COMMUNE, Level.VILLAGE],
        valid_to__isnull=True,
        province_id=worker.province_id,
    )
    if worker.commune_id is not None:
        units = units.filter(Q(pk=worker.commune_id) | Q(parent_id=worker.commune_id))
    units = units.filter(
        access.area_filter(reach, province="province", commune="parent", village="pk")
        | access.area_filter(reach, province="province", commune="pk", village="")
    )
    return units.select_related("parent").order_by("level", "name")


def assignment_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker_to_manage(request, pk)
    form = forms.AssignmentForm(
        request.POST or None,
        areas=_assignable_areas(request.user, worker),
        initial={"starts_on": _today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_add(actor=request.user, worker=worker, **form.cleaned_data)
        except services.WorkforceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã phân công địa bàn."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    back = reverse("workforce:worker_detail", args=[worker.pk])
    return _form_page(request, form, _("Phân công địa bàn"), back, worker=worker)


@require_POST
def assignment_end(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    worker = _worker_to_manage(request, pk)
    assignment = worker.assignments.filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    form = forms.AssignmentEndForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(
                actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"]
            )
        except services.WorkforceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã kết thúc phân công."))
    else:
        messages.error(request, _("Ngày kết thúc không hợp lệ."))
    return redirect("workforce:worker_detail", pk=worker.pk)


def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker_to_manage(request, pk)
    form = forms.StatusForm(request.POST or None, initial={"effective_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_status_change(actor=request.user, worker=worker, **form.cleaned_data)
        except services.WorkforceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã ghi nhận tình trạng mới."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    back = reverse("workforce:worker_detail", args=[worker.pk])
    return _form_page(request, form, _("Thay đổi tình trạng"), back, worker=worker)


def user_link(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker_to_manage(request, pk)
    initial = {"username": worker.user.username if worker.user else ""}
    form = forms.LinkUserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first() if username else None
        unknown = user is None or (
            user.pk != worker.user_id and not access.can_manage_account(request.user, user)
        )
        if username and unknown:
            form.add_error("username", services.account_not_manageable_message())
        else:
            try:
                services.worker_link_user(actor=request.user, worker=worker, user=user)
            except services.WorkforceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Đã cập nhật tài khoản."))
                return redirect("workforce:worker_detail", pk=worker.pk)
    back = reverse("workforce:worker_detail", args=[worker.pk])
    intro = _(
        "Cộng tác viên có tài khoản được quyền cộng tác viên trên đúng các địa bàn được phân công."
    )
    return _form_page(request, form, _("Tài khoản đăng nhập"), back, worker=worker, intro=intro)


def evaluation_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _worker_to_manage(request, pk)
    today = _today()
    form = forms.EvaluationForm(
        request.POST or None,
        initial={"period_start": today.replace(month=1, day=1), "period_end": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_record(
                actor=request.user,
                worker=worker,
                period_start=data["period_start"],
                period_end=data["period_end"],
                evaluator_body=data["evaluator_body"],
                scores=form.scores(),
                remarks=data["remarks"],
                submission_key=data["submission_key"],
            )
        except services.WorkforceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Đã ghi đánh giá: %(total)d/%(max)d điểm.")
                % {"total": evaluation.total, "max": evaluation.max_total},
            )
            return redirect("workforce:worker_detail", pk=worker.pk)
    back = reverse("workforce:worker_detail", args=[worker.pk])
    return _form_page(request, form, _("Đánh giá định kỳ"), back, worker=worker)


# -- composition ------------------------------------------------------------------------------


def _composition_params(request: HttpRequest) -> tuple[AdministrativeUnit | None, str]:
    area = _area(request)
    if area is not None and area.level == Level.VILLAGE:
        raise Http404
    role = request.GET.get("role", reference.COLLABORATOR)
    if role and role not in reference.roles():
        raise Http404
    return area, role


def composition(request: HttpRequest) -> HttpResponse:
    area, role = _composition_params(request)
    data = selectors.composition(request.user, area=area, role=role)
    return render(
        request,
        "workforce/composition.html",
        {
            "data": data,
            "area": area,
            "role": role,
            "roles": reference.role_choices(),
            "organisations": reference.mass_organisation_short_names(),
            "education_levels": reference.education_levels(),
            "query": request.GET.urlencode(),
        },
    )


def composition_xlsx(request: HttpRequest) -> HttpResponse:
    area, role = _composition_params(request)
    data = selectors.composition(request.user, area=area, role=role)
    role_name = reference.roles()[role].name if role else _("mọi vai trò")
    today = _today()
    content = exports.composition_workbook(data, role_name=role_name, on=today)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"thanh-phan-doi-ngu-{area.code if area else 'tat-ca'}-{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- monthly plans, reports, activities -------------------------------------------------------


def plan(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, pk)
    first = _month(year, month)
    can_manage = _can_manage(request.user, worker)
    can_tick = can_manage or _is_self(request.user, worker)
    adding = request.method == "POST" and request.POST.get("action") == "add"
    form = forms.TaskForm(request.POST if adding else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                if not can_manage:
                    raise PermissionDenied
                if form.is_valid():
                    services.task_add(
                        actor=request.user, worker=worker, month=first, **form.cleaned_data
                    )
                    messages.success(request, _("Đã thêm công việc."))
                    return redirect("workforce:plan", pk=pk, year=year, month=month)
            elif action in {"done", "undone", "remove"}:
                task_id = request.POST.get("task", "")
                task = (
                    Task.objects.filter(pk=int(task_id), plan__worker=worker, plan__month=first)
                    .select_related("plan__worker")
                    .first()
                    if task_id.isdigit()
                    else None
                )
                if task is None:
                    raise Http404
                if action == "remove":
                    services.task_remove(actor=request.user, task=task)
                else:
                    if not can_tick:
                        raise PermissionDenied
                    services.task_update(
                        actor=request.user,
                        task=task,
                        done=action == "done",
                        result=request.POST.get("result", ""),
                    )
                return redirect("workforce:plan", pk=pk, year=year, month=month)
        except services.WorkforceError as error:
            messages.error(request, str(error))
    plan_row = (
        selectors.plans_visible_to(request.user)
        .filter(worker=worker, month=first)
        .prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("duty", "pk")))
        .first()
    )
    report = selectors.reports_visible_to(request.user).filter(worker=worker, month=first).first()
    return render(
        request,
        "workforce/plan.html",
        {
            "worker": worker,
            "month": first,
            "plan": plan_row,
            "tasks": list(plan_row.tasks.all()) if plan_row else [],
            "report": report,
            "form": form,
            "can_manage": can_manage,
            "can_tick": can_tick,
            "previous": (first - dt.timedelta(days=1)).replace(day=1),
            "next": services.next_month(first),
        },
    )


def report(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, pk)
    first = _month(year, month)
    can_write = _can_manage(request.user, worker) or _is_self(request.user, worker)
    existing: MonthlyReport | None = (
        selectors.reports_visible_to(request.user)
        .filter(worker=worker, month=first)
        .prefetch_related("items")
        .first()
    )
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
    form = forms.ReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                current = existing or services.report_expect(
                    actor=request.user, worker=worker, month=first
                )
                submit = request.POST.get("action") == "submit"
                services.report_save(
                    actor=request.user,
                    report=current,
                    items=form.items(),
                    households_visited=form.cleaned_data["households_visited"],
                    meetings_attended=form.cleaned_data["meetings_attended"],
                    summary=form.cleaned_data["summary"],
                    submit=submit,
                    expected_version=form.cleaned_data["version"],
                )
            except services.WorkforceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Đã nộp báo cáo.") if submit else _("Đã lưu nháp."))
                return redirect("workforce:report", pk=pk, year=year, month=month)
    due_on = (
        existing.due_on
        if existing
        else services.report_due_on(first, services.rules_for(worker.province_id))
    )
    return render(
        request,
        "workforce/report.html",
        {
            "worker": worker,
            "month": first,
            "report": existing,
            "form": form,
            "due_on": due_on,
            "can_write": can_write and (existing is None or existing.submitted_at is None),
            "submitted_late": existing is not None
            and existing.submitted_at is not None
            and timezone.localtime(existing.submitted_at).date() > existing.due_on,
            "items": list(existing.items.all()) if existing else [],
        },
    )


def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, pk)
    if not (_can_manage(request.user, worker) or _is_self(request.user, worker)):
        raise PermissionDenied
    form = forms.ActivityForm(request.POST or None, initial={"on": _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = None
        if data["household_code"]:
            household = (
                registry_selectors.households_visible_to(request.user)
                .filter(code=data["household_code"].strip().upper())
                .select_related("village")
                .first()
            )
            if household is None:
                form.add_error("household_code", _("Không tìm thấy hộ có mã này trên địa bàn."))
        if not form.errors:
            try:
                services.activity_record(
                    actor=request.user,
                    worker=worker,
                    on=data["on"],
                    duty=data["duty"],
                    description=data["description"],
                    household=household,
                )
            except services.WorkforceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Đã ghi hoạt động."))
                return redirect("workforce:worker_detail", pk=worker.pk)
    back = reverse("workforce:worker_detail", args=[worker.pk])
    return _form_page(request, form, _("Ghi nhật ký hoạt động"), back, worker=worker)


def reporting(request: HttpRequest) -> HttpResponse:
    """Completeness and timeliness of the monthly reports; last month by default (the report
    of a month is due early in the next one)."""
    today = _today()
    area = _area(request)
    if area is not None and area.level == Level.VILLAGE:
        raise Http404
    month = _month_param(request, (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1))
    open_form = forms.OpenMonthForm(initial={"month": month})
    can_open = area is not None and access.can_decide_in(request.user, area)
    return render(
        request,
        "workforce/reporting.html",
        {
            "area": area,
            "month": month,
            "today": today,
            "rates": selectors.reporting_rates(request.user, month=month, today=today, area=area),
            "late": selectors.late_reports(request.user, month=month, today=today, area=area),
            "open_form": open_form,
            "can_open": can_open,
            "previous": (month - dt.timedelta(days=1)).replace(day=1),
            "next": services.next_month(month),
            "areas": _managed_units(request.user)[:200],
        },
    )


@require_POST
def reporting_open(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    if area is None:
        raise Http404
    form = forms.OpenMonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tháng không hợp lệ."))
        return redirect(f"{reverse('workforce:reporting')}?area={area.code}")
    month = form.cleaned_data["month"]
    try:
        added = services.reports_open_month(actor=request.user, area=area, month=month)
    except services.WorkforceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Đã mở kỳ báo cáo: thêm %(count)d báo cáo cần nộp.") % {"count": added}
        )
    return redirect(f"{reverse('workforce:reporting')}?area={area.code}&month={month:%m/%Y}")


# -- support requests -------------------------------------------------------------------------


def request_list(request: HttpRequest) -> HttpResponse:
    today = _today()
    area = _area(request)
    state = request.GET.get("state") or None
    if state is not None and state not in states.RequestState.values:
        state = None
    need = request.GET.get("need") or None
    if need is not None and need not in reference.need_types():
        need = None
    mine = request.GET.get("mine") == "1"
    owner = services.worker_of(request.user) if mine else None
    try:
        after = int(request.GET["after"]) if request.GET.get("after") else None
    except ValueError as exc:
        raise Http404 from exc
    filters = selectors.RequestFilters(
        area=area,
        state=state,
        overdue_only=request.GET.get("overdue") == "1",
        owner=owner,
        need_type=need,
    )
    if mine and owner is None:
        rows: list[SupportRequest] = []
        next_after = None
    else:
        rows, next_after = selectors.request_list(request.user, filters, today=today, after=after)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "workforce/request_list.html",
        {
            "rows": [(r, selectors.age_days(r, today)) for r in rows],
            "next_after": next_after,
            "counts": selectors.request_counts(request.user, today=today, area=area),
            "area": area,
            "state": state,
            "need": need,
            "mine": mine,
            "overdue": filters.overdue_only,
            "states": states.RequestState.choices,
            "needs": reference.choices(reference.need_types()),
            "filter_query": query.urlencode(),
            "today": today,
            "open_states": [str(s) for s in states.OPEN_STATES],
        },
    )


def _household_to_change(request: HttpRequest) -> Household:
    try:
        pk = int(request.GET.get("household", ""))
    except ValueError as exc:
        raise Http404 from exc
    household = registry_selectors.household_for(request.user, pk)
    if not access.can_change_area(request.user, household.village):
        raise PermissionDenied
    return household


def _by_code(request: HttpRequest, back: str) -> HttpResponse | None:
    """``?code=`` (typed on a list page): redirect to the same page for that household, or
    back with a message when no visible household has the code."""
    code = request.GET.get("code", "").strip().upper()
    if not code or request.GET.get("household"):
        return None
    household = registry_selectors.households_visible_to(request.user).filter(code=code).first()
    if household is None:
        messages.error(request, _("Không tìm thấy hộ có mã này trên địa bàn."))
        return redirect(back)
    return redirect(f"{request.path}?household={household.pk}")


def request_new(request: HttpRequest) -> HttpResponse:
    found = _by_code(request, reverse("workforce:request_list"))
    if found is not None:
        return found
    household = _household_to_change(request)
    form = forms.SupportRequestForm(request.POST or None, initial={"received_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(
                actor=request.user, household=household, **form.cleaned_data
            )
        except services.WorkforceError as error:
            form.add_error(None, str(error))
        else:
            if idempotency.replayed(created):
                messages.info(
                    request,
                    _("Yêu cầu #%(pk)d đã được ghi nhận trước đó; không ghi lần nữa.")
                    % {"pk": created.pk},
                )
            else:
                messages.success(request, _("Đã ghi nhận yêu cầu #%(pk)d.") % {"pk": created.pk})
            return redirect("workforce:request_detail", pk=created.pk)
    back = reverse("registry:household_detail", args=[household.pk])
    return _form_page(request, form, _("Ghi nhận yêu cầu hỗ trợ"), back, household=household)


def _owners(request_row: SupportRequest) -> QuerySet[Worker]:
    officer_roles = [c for c, info in reference.roles().items() if not info.access_role]
    return (
        Worker.objects.filter(status=WorkerStatus.ACTIVE, role__in=officer_roles)
        .filter(
            Q(commune_id=request_row.commune_id)
            | Q(assignments__commune_id=request_row.commune_id, assignments__ends_on__isnull=True)
        )
        .distinct()
        .order_by("full_name")
    )


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.request_for(request.user, pk)
    today = _today()
    transitions = services.allowed_transitions(request.user, row)
    owners = _owners(row)
    others = owners.exclude(pk=row.owner_id)
    can_decide = access.can_decide_in(request.user, row.commune)
    can_field = access.can_change_area(request.user, row.village)
    return render(
        request,
        "workforce/request_detail.html",
        {
            "row": row,
            "age": selectors.age_days(row, today),
            "overdue": row.is_open and row.due_on < today,
            "steps": row.steps.select_related("owner", "by"),
            "transitions": [
                (t, forms.TransitionForm(owners=owners if t.needs_owner else None, prefix=t.name))
                for t in transitions
            ],
            "inform_form": forms.InformForm(initial={"informed_on": today})
            if can_field and not row.is_open and row.household_informed_on is None
            else None,
            "reassign_form": forms.ReassignForm(owners=others)
            if can_decide and row.is_open and others.exists()
            else None,
        },
    )


@require_POST
def request_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    row = selectors.request_for(request.user, pk)
    if name not in states.TRANSITION_NAMES:
        raise Http404
    form = forms.TransitionForm(request.POST, owners=_owners(row), prefix=name)
    if not form.is_valid():
        messages.error(request, _("Người nhận không hợp lệ."))
        return redirect("workforce:request_detail", pk=pk)
    try:
        services.request_transition(
            actor=request.user,
            request=row,
            name=name,
            note=form.cleaned_data["note"],
            owner=form.cleaned_data.get("owner"),
        )
    except services.WorkforceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã cập nhật yêu cầu."))
    return redirect("workforce:request_detail", pk=pk)


@require_POST
def request_inform(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.request_for(request.user, pk)
    form = forms.InformForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày thông báo không hợp lệ."))
    else:
        try:
            services.request_inform(
                actor=request.user,
                request=row,
                informed_on=form.cleaned_data["informed_on"],
                how=form.cleaned_data["how"],
            )
        except services.WorkforceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã ghi nhận việc thông báo cho hộ."))
    return redirect("workforce:request_detail", pk=pk)


@require_POST
def request_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.request_for(request.user, pk)
    form = forms.ReassignForm(request.POST, owners=_owners(row))
    if not form.is_valid():
        messages.error(request, _("Người phụ trách không hợp lệ."))
    else:
        try:
            services.request_reassign(
                actor=request.user,
                request=row,
                owner=form.cleaned_data["owner"],
                note=form.cleaned_data["note"],
            )
        except services.WorkforceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã đổi người phụ trách."))
    return redirect("workforce:request_detail", pk=pk)


# -- household changes ------------------------------------------------------------------------


def change_list(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    flag = request.GET.get("flag", ReviewFlag.PENDING)
    changes = selectors.changes_visible_to(request.user).select_related(
        "household", "village", "commune", "worker"
    )
    if area is not None:
        changes = changes.filter(
            **{
                {Level.PROVINCE: "province", Level.COMMUNE: "commune", Level.VILLAGE: "village"}[
                    Level(area.level)
                ]: area
            }
        )
    if flag in ReviewFlag.values:
        changes = changes.filter(review_flag=flag)
    return render(
        request,
        "workforce/change_list.html",
        {
            "rows": [
                (change, access.can_decide_in(request.user, change.commune))
                for change in changes.order_by("-occurred_on", "-pk")[:200]
            ],
            "area": area,
            "flag": flag,
            "flags": ReviewFlag.choices,
            "dismiss_form": forms.DismissForm(),
        },
    )


def change_new(request: HttpRequest) -> HttpResponse:
    found = _by_code(request, reverse("workforce:change_list"))
    if found is not None:
        return found
    household = _household_to_change(request)
    form = forms.HouseholdChangeForm(request.POST or None, initial={"occurred_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_change_report(
                actor=request.user,
                household=household,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                description=data["description"],
                request_review=data["request_review"],
                proposed_form=data["proposed_form"],
                submission_key=data["submission_key"],
            )
        except services.WorkforceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã ghi nhận biến động của hộ."))
            return redirect("registry:household_detail", pk=household.pk)
    back = reverse("registry:household_detail", args=[household.pk])
    intro = _(
        "Nhiệm vụ 2 của cộng tác viên: theo dõi hộ phát sinh nghèo, cận nghèo hoặc thoát nghèo "
        "trong năm và hướng dẫn hộ làm giấy đề nghị."
    )
    return _form_page(
        request, form, _("Báo biến động của hộ"), back, household=household, intro=intro
    )


@require_POST
def change_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    change = access.get_visible_or_404(HouseholdChange.objects.all(), request.user, pk=pk)
    form = forms.DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do không đưa vào rà soát."))
    else:
        try:
            services.household_change_dismiss(
                actor=request.user, change=change, note=form.cleaned_data["note"]
            )
        except services.WorkforceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã cập nhật."))
    return redirect("workforce:change_list")
