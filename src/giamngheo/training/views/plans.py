"""Plans and classes: the year's index, plans, classes, sessions and costs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.lib.views import form_attempt
from giamngheo.training import handbook, reference, selectors, services
from giamngheo.training.forms import (
    ClassEditForm,
    ClassForm,
    CostForm,
    PlanEditForm,
    PlanForm,
    SessionForm,
)
from giamngheo.training.models import AssessmentKind
from giamngheo.training.views._common import (
    class_crumbs,
    recent_years,
    require,
    today,
    training_form,
    working_province,
    year_param,
)


def index(request: HttpRequest) -> HttpResponse:
    year = year_param(request)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "training/index.html",
        {
            "year": year,
            "years": recent_years(),
            "plans": selectors.plans_of_year(request.user, year),
            "classes": selectors.classes_of_year(request.user, year, query),
            "query": query,
            "can_plan": not access.decision_reach(request.user).empty,
        },
    )


def plan_new(request: HttpRequest) -> HttpResponse:
    province = working_province(request)
    communes = access.decidable_communes(request.user, province=province)
    require(access.can_decide_in(request.user, province) or communes.exists())
    form = PlanForm(
        request.POST or None, communes=communes, initial={"year": today().year, "budget": 0}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = form_attempt(
            form,
            lambda: services.plan_create(
                actor=request.user,
                province=province,
                commune=data.get("commune"),
                year=data["year"],
                title=data["title"],
                purpose=data["purpose"],
                requirements=data["requirements"],
                target_groups=data["target_groups"],
                budget=data["budget"],
                decision_ref=data["decision_ref"],
            ),
        )
        if plan is not None:
            messages.success(request, _("Đã lập kế hoạch tập huấn."))
            return redirect("training:plan_detail", pk=plan.pk)
    return training_form(
        request,
        form,
        title=_("Lập kế hoạch tập huấn · %(province)s") % {"province": province.name},
        back=reverse("training:index"),
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    return render(
        request,
        "training/plan_detail.html",
        {
            "plan": plan,
            "classes": selectors.plan_classes(request.user, plan),
            "cost": selectors.plan_cost(request.user, plan),
            "target_labels": [reference.category_label(c) for c in plan.target_groups],
            "can_change": access.can_decide_in(request.user, plan.commune or plan.province),
        },
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    require(access.can_decide_in(request.user, plan.commune or plan.province))
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    initial["version"] = plan.version
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form_attempt(
            form,
            lambda: services.plan_update(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in services.PLAN_FIELDS},
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("training:plan_detail", pk=plan.pk)
    return training_form(
        request,
        form,
        title=_("Sửa kế hoạch tập huấn"),
        back=reverse("training:plan_detail", args=[plan.pk]),
    )


def class_new(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, plan_pk)
    communes = selectors.class_communes(request.user, plan)
    if plan.commune is not None:
        require(access.can_decide_in(request.user, plan.commune))
    else:
        require(access.can_decide_in(request.user, plan.province) or communes.exists())
    initial: dict[str, Any] = {
        "level": "commune" if plan.commune_id else "province",
        "commune": plan.commune_id,
        "min_attendance_percent": 80,
    }
    form = ClassForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        training_class = form_attempt(
            form,
            lambda: services.class_create(
                actor=request.user,
                plan=plan,
                code=data["code"],
                title=data["title"],
                level=data["level"],
                commune=data.get("commune"),
                topics=data["topics"],
                standard_code=data["standard_code"],
                place=data["place"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                trainers=data["trainers"],
                capacity=data["capacity"],
                min_attendance_percent=data["min_attendance_percent"],
                notes=data["notes"],
            ),
        )
        if training_class is not None:
            messages.success(request, _("Đã mở lớp %(code)s.") % {"code": training_class.code})
            return redirect("training:class_detail", pk=training_class.pk)
    back = reverse("training:plan_detail", args=[plan.pk])
    return training_form(
        request, form, title=_("Mở lớp tập huấn"), back=back, crumbs=[(str(plan), back)]
    )


def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    registrations = selectors.class_registrations(training_class)
    sessions = selectors.class_sessions(training_class)
    grid = selectors.attendance_grid(training_class)
    rows = [
        (row, [grid.get((row.registration.pk, session.pk)) for session in sessions])
        for row in registrations.rows
    ]
    costs = selectors.class_costs(training_class)
    cost_total = sum(item.amount for item in costs)
    tests = selectors.class_tests(training_class)
    return render(
        request,
        "training/class_detail.html",
        {
            "c": training_class,
            "crumbs": class_crumbs(training_class)[:-1],
            "sessions": sessions,
            "registrations": registrations,
            "rows": rows,
            "costs": [(item, reference.cost_type_label(item.item_type)) for item in costs],
            "cost_total": cost_total,
            "cost_per_participation": (
                cost_total / registrations.participations if registrations.participations else None
            ),
            "pre": tests.get(AssessmentKind.PRE),
            "post": tests.get(AssessmentKind.POST),
            "gains": selectors.class_gains(training_class),
            "can_decide": access.can_decide_in(request.user, training_class.area),
            "can_change": access.can_change_area(request.user, training_class.area),
            "standard_name": _standard_name(training_class.standard_code),
        },
    )


def _standard_name(code: str) -> str:
    page = handbook.standard_page(code) if code else None
    return page.title if page else code


def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    require(access.can_decide_in(request.user, training_class.area))
    initial = {name: getattr(training_class, name) for name in services.CLASS_FIELDS}
    initial["version"] = training_class.version
    form = ClassEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form_attempt(
            form,
            lambda: services.class_update(
                actor=request.user,
                training_class=training_class,
                expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in services.CLASS_FIELDS},
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu lớp."))
            return redirect("training:class_detail", pk=training_class.pk)
    return training_form(
        request,
        form,
        title=_("Sửa lớp %(code)s") % {"code": training_class.code},
        back=reverse("training:class_detail", args=[training_class.pk]),
        crumbs=class_crumbs(training_class),
    )


def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    require(access.can_decide_in(request.user, training_class.area))
    form = SessionForm(
        request.POST or None,
        topics=training_class.topics,
        initial={"date": training_class.start_date},
    )
    if request.method == "POST" and form.is_valid():
        session = form_attempt(
            form,
            lambda: services.session_add(
                actor=request.user, training_class=training_class, **form.cleaned_data
            ),
        )
        if session is not None:
            return redirect("training:class_detail", pk=training_class.pk)
    return training_form(
        request,
        form,
        title=_("Thêm buổi học"),
        back=reverse("training:class_detail", args=[training_class.pk]),
        crumbs=class_crumbs(training_class),
    )


def cost_new(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    require(access.can_change_area(request.user, training_class.area))
    form = CostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form_attempt(
            form,
            lambda: services.cost_add(
                actor=request.user, training_class=training_class, **form.cleaned_data
            ),
        )
        if item is not None:
            return redirect("training:class_detail", pk=training_class.pk)
    return training_form(
        request,
        form,
        title=_("Thêm khoản chi"),
        back=reverse("training:class_detail", args=[training_class.pk]),
        crumbs=class_crumbs(training_class),
    )


@require_POST
def cost_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.cost_item_for(request.user, pk)
    require(access.can_change_area(request.user, item.training_class.area))
    services.cost_delete(actor=request.user, item=item)
    return redirect("training:class_detail", pk=item.training_class_id)
