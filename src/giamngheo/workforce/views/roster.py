"""Roster pages: the list, a worker's page, and the managing unit's forms (entry, contract,
assignment, status, account, evaluation); the composition table and its Excel file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib.views import attempt, form_attempt, form_page
from giamngheo.workforce import exports, forms, labels, reference, selectors, services
from giamngheo.workforce.models import Worker, WorkerStatus
from giamngheo.workforce.views._common import (
    area_param,
    can_manage,
    is_self,
    shown_phone,
    today,
    worker_crumbs,
    worker_to_manage,
)

ROSTER_PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    day = today()
    return render(
        request,
        "workforce/home.html",
        {
            "worker": selectors.worker_of(request.user),
            "month": day.replace(day=1),
            "counts": selectors.request_counts(request.user, today=day),
            "pending_reviews": selectors.pending_in_year_reviews(request.user).count(),
            "can_manage": not access.decision_reach(request.user).empty,
        },
    )


def roster(request: HttpRequest) -> HttpResponse:
    area = area_param(request)
    role = request.GET.get("role") or None
    if role is not None and role not in reference.roles():
        role = None
    status = request.GET.get("status", WorkerStatus.ACTIVE)
    if status not in WorkerStatus.values:
        status = ""
    query = request.GET.get("q", "").strip()
    workers = selectors.roster(request.user, area=area, role=role, status=status, query=query)
    page = Paginator(workers, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "workforce/roster.html",
        {
            "rows": [(w, shown_phone(request.user, w)) for w in page.object_list],
            "page": page,
            "area": area,
            "role": role,
            "status": status,
            "query": query,
            "roles": reference.role_choices(),
            "statuses": WorkerStatus.choices,
            "filter_query": filters.urlencode(),
            "can_create": selectors.managed_units(request.user).exists(),
        },
    )


def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    worker = selectors.worker_for(request.user, pk)
    day = today()
    return render(
        request,
        "workforce/worker_detail.html",
        {
            "worker": worker,
            "phone": shown_phone(request.user, worker),
            "contracts": worker.contracts.all(),
            "assignments": worker.assignments.select_related("area__parent"),
            "history": worker.status_history.select_related("recorded_by"),
            "months": selectors.worker_months(worker),
            "this_month": day.replace(day=1),
            "evaluations": worker.evaluations.prefetch_related("scores"),
            "activities": worker.activities.select_related("household")[:20],
            "can_manage": can_manage(request.user, worker),
            "is_self": is_self(request.user, worker),
            "today": day,
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
    areas = selectors.managed_units(request.user)
    if not areas.exists():
        raise PermissionDenied
    form = forms.WorkerCreateForm(
        request.POST or None,
        areas=areas,
        initial={"started_on": today(), "role": reference.COLLABORATOR},
    )
    if request.method == "POST" and form.is_valid():
        worker = form_attempt(
            form,
            lambda: services.worker_create(
                actor=request.user,
                area=form.cleaned_data["area"],
                data=_worker_data(form),
                started_on=form.cleaned_data["started_on"],
            ),
        )
        if worker is not None:
            messages.success(request, _("Đã thêm %(name)s.") % {"name": worker.full_name})
            return redirect("workforce:worker_detail", pk=worker.pk)
    return form_page(
        request, form, title=_("Thêm cán bộ, cộng tác viên"), back=reverse("workforce:roster")
    )


def _worker_form_page(
    request: HttpRequest, form: BaseForm, worker: Worker, title: str, intro: str = ""
) -> HttpResponse:
    """A form about one worker: back to and breadcrumbs through their page."""
    return form_page(
        request,
        form,
        title=title,
        back=reverse("workforce:worker_detail", args=[worker.pk]),
        crumbs=worker_crumbs(worker),
        intro=intro,
    )


def worker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    worker = worker_to_manage(request, pk)
    initial = {name: getattr(worker, name) for name in services.WORKER_FIELDS}
    initial["version"] = worker.version
    form = forms.WorkerEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form_attempt(
            form,
            lambda: services.worker_update(
                actor=request.user,
                worker=worker,
                data=_worker_data(form),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    return _worker_form_page(request, form, worker, _("Sửa thông tin"))


def contract_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = worker_to_manage(request, pk)
    rules = selectors.rules_for(worker.province_id)
    form = forms.ContractForm(request.POST or None, initial={"legal_basis": rules.legal_basis})
    if request.method == "POST" and form.is_valid():
        contract = form_attempt(
            form,
            lambda: services.contract_add(actor=request.user, worker=worker, **form.cleaned_data),
        )
        if contract is not None:
            messages.success(request, _("Đã thêm hợp đồng."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    return _worker_form_page(request, form, worker, _("Thêm hợp đồng"))


def assignment_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = worker_to_manage(request, pk)
    form = forms.AssignmentForm(
        request.POST or None,
        areas=selectors.assignable_areas(request.user, worker),
        initial={"starts_on": today()},
    )
    if request.method == "POST" and form.is_valid():
        assignment = form_attempt(
            form,
            lambda: services.assignment_add(actor=request.user, worker=worker, **form.cleaned_data),
        )
        if assignment is not None:
            messages.success(request, _("Đã phân công địa bàn."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    return _worker_form_page(request, form, worker, _("Phân công địa bàn"))


@require_POST
def assignment_end(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    worker = worker_to_manage(request, pk)
    assignment = worker.assignments.filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    form = forms.AssignmentEndForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.assignment_end(
                actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"]
            ),
            _("Đã kết thúc phân công."),
        )
    else:
        messages.error(request, _("Ngày kết thúc không hợp lệ."))
    return redirect("workforce:worker_detail", pk=worker.pk)


def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    worker = worker_to_manage(request, pk)
    form = forms.StatusForm(request.POST or None, initial={"effective_on": today()})
    if request.method == "POST" and form.is_valid():
        change = form_attempt(
            form,
            lambda: services.worker_status_change(
                actor=request.user, worker=worker, **form.cleaned_data
            ),
        )
        if change is not None:
            messages.success(request, _("Đã ghi nhận tình trạng mới."))
            return redirect("workforce:worker_detail", pk=worker.pk)
    return _worker_form_page(request, form, worker, _("Thay đổi tình trạng"))


def user_link(request: HttpRequest, pk: int) -> HttpResponse:
    worker = worker_to_manage(request, pk)
    initial = {"username": worker.user.username if worker.user else ""}
    form = forms.LinkUserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        user = selectors.account_named(username)
        # The same message for an unknown username and an account the officer may not
        # manage, so that the form does not tell which usernames exist.
        unknown = user is None or (
            user.pk != worker.user_id and not access.can_manage_account(request.user, user)
        )
        if username and unknown:
            form.add_error("username", services.account_not_manageable_message())
        else:
            linked = form_attempt(
                form,
                lambda: services.worker_link_user(actor=request.user, worker=worker, user=user),
            )
            if linked is not None:
                messages.success(request, _("Đã cập nhật tài khoản."))
                return redirect("workforce:worker_detail", pk=worker.pk)
    intro = _(
        "Cộng tác viên có tài khoản được quyền cộng tác viên trên đúng các địa bàn được phân công."
    )
    return _worker_form_page(request, form, worker, _("Tài khoản đăng nhập"), intro=intro)


def evaluation_new(request: HttpRequest, pk: int) -> HttpResponse:
    worker = worker_to_manage(request, pk)
    day = today()
    form = forms.EvaluationForm(
        request.POST or None,
        initial={"period_start": day.replace(month=1, day=1), "period_end": day},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evaluation = form_attempt(
            form,
            lambda: services.evaluation_record(
                actor=request.user,
                worker=worker,
                period_start=data["period_start"],
                period_end=data["period_end"],
                evaluator_body=data["evaluator_body"],
                scores=form.scores(),
                remarks=data["remarks"],
                submission_key=data["submission_key"],
            ),
        )
        if evaluation is not None:
            messages.success(
                request,
                _("Đã ghi đánh giá: %(total)d/%(max)d điểm.")
                % {"total": evaluation.total, "max": evaluation.max_total},
            )
            return redirect("workforce:worker_detail", pk=worker.pk)
    return _worker_form_page(request, form, worker, _("Đánh giá định kỳ"))


# -- composition ------------------------------------------------------------------------------


def _composition_params(request: HttpRequest) -> tuple[AdministrativeUnit | None, str]:
    area = area_param(request)
    if area is not None and area.level == Level.VILLAGE:
        raise Http404
    role = request.GET.get("role", reference.COLLABORATOR)
    if role and role not in reference.roles():
        raise Http404
    return area, role


def composition(request: HttpRequest) -> HttpResponse:
    area, role = _composition_params(request)
    return render(
        request,
        "workforce/composition.html",
        {
            "data": selectors.composition(request.user, area=area, role=role),
            "area": area,
            "role": role,
            "roles": reference.role_choices(),
            "organisations": {
                code: labels.organisation_short_label(code)
                for code in reference.mass_organisations()
            },
            "education_levels": {
                code: labels.education_label(code) for code in reference.education_levels()
            },
            "query": request.GET.urlencode(),
        },
    )


def composition_xlsx(request: HttpRequest) -> HttpResponse:
    area, role = _composition_params(request)
    data = selectors.composition(request.user, area=area, role=role)
    role_name = labels.role_label(role) if role else _("mọi vai trò")
    day = today()
    content = exports.composition_workbook(data, role_name=role_name, on=day)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"thanh-phan-doi-ngu-{area.code if area else 'tat-ca'}-{day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
