"""Training pages. Thin: parse the request, call a selector or a service, render. Objects
outside the user's areas answer 404 (selectors); visible objects the user may not change
answer 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from giamngheo.accounts import access
from giamngheo.areas.models import AdministrativeUnit, Level
from giamngheo.lib import params
from giamngheo.standards import available_standards, pack_for_review_year
from giamngheo.training import exports, handbook, reference, selectors, services
from giamngheo.training.certificates import certificate_pdf
from giamngheo.training.forms import (
    ClassEditForm,
    ClassForm,
    ClassTestForm,
    ContestForm,
    CostForm,
    PageEditForm,
    PageForm,
    ParticipantForm,
    PlanEditForm,
    PlanForm,
    QuestionEditForm,
    QuestionForm,
    SessionForm,
    answer_form,
)
from giamngheo.training.models import (
    AssessmentKind,
    CostItem,
    HandbookPage,
    Participant,
    TrainingClass,
)
from giamngheo.workforce import selectors as workforce_selectors

# -- helpers ----------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _year(request: HttpRequest) -> int:
    return params.year_param(request, default=_today().year) or _today().year


def _working_province(request: HttpRequest) -> AdministrativeUnit:
    """The province a page works in: the user's own, or (administrators) the one chosen in the
    address, by default the demo province."""
    home = access.home_unit(request.user)
    if home is not None:
        return home if home.level == Level.PROVINCE else home.province  # type: ignore[return-value]
    code = request.GET.get("province") or settings.DEMO_PROVINCE_CODE
    province = AdministrativeUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    if province is None or not access.can_view_area(request.user, province):
        raise Http404
    return province


def _communes(
    user: Any, province: AdministrativeUnit, reach: access.Reach
) -> QuerySet[AdministrativeUnit]:
    return (
        AdministrativeUnit.objects.filter(
            level=Level.COMMUNE, province=province, valid_to__isnull=True
        )
        .filter(access.area_filter(reach, province="province", commune="pk", village=""))
        .order_by("name")
    )


def _decidable_communes(user: Any, province: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return _communes(user, province, access.decision_reach(user))


def _changeable_communes(user: Any, province: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return _communes(user, province, access.change_reach(user))


def _form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    back: str,
    *,
    crumbs: list[tuple[str, str]] | None = None,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "training/form.html",
        {"form": form, "title": title, "back": back, "crumbs": crumbs or [], "intro": intro},
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _class_crumbs(training_class: TrainingClass) -> list[tuple[str, str]]:
    return [
        (_("Tập huấn"), reverse("training:index")),
        (str(training_class.plan), reverse("training:plan_detail", args=[training_class.plan_id])),
        (
            str(training_class),
            reverse("training:class_detail", args=[training_class.pk]),
        ),
    ]


# -- plans and classes ------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    plans = list(
        selectors.plans_visible_to(request.user)
        .filter(year=year)
        .select_related("province", "commune")
        .annotate(class_count=Count("classes"))
        .order_by("commune__name", "title")
    )
    query = request.GET.get("q", "").strip()
    classes = selectors.classes_visible_to(request.user).filter(start_date__year=year)
    if query:
        classes = classes.filter(selectors.words_filter("search_text", query))
    class_rows = list(
        classes.select_related("commune")
        .annotate(registered=Count("registrations"))
        .order_by("start_date", "code")
    )
    return render(
        request,
        "training/index.html",
        {
            "year": year,
            "years": range(_today().year + 1, _today().year - 6, -1),
            "plans": plans,
            "classes": class_rows,
            "query": query,
            "can_plan": not access.decision_reach(request.user).empty,
        },
    )


def plan_new(request: HttpRequest) -> HttpResponse:
    province = _working_province(request)
    province_level = access.can_decide_in(request.user, province)
    communes = _decidable_communes(request.user, province)
    _require(province_level or communes.exists())
    form = PlanForm(
        request.POST or None, communes=communes, initial={"year": _today().year, "budget": 0}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
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
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lập kế hoạch tập huấn."))
            return redirect("training:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        form,
        _("Lập kế hoạch tập huấn · %(province)s") % {"province": province.name},
        reverse("training:index"),
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    classes = list(
        selectors.classes_visible_to(request.user)
        .filter(plan=plan)
        .select_related("commune")
        .annotate(registered=Count("registrations", distinct=True))
        .order_by("start_date", "code")
    )
    cost = (
        selectors.classes_visible_to(request.user)
        .filter(plan=plan)
        .aggregate(total=Sum("cost_items__amount"))["total"]
        or 0
    )
    area = plan.commune or plan.province
    return render(
        request,
        "training/plan_detail.html",
        {
            "plan": plan,
            "classes": classes,
            "cost": cost,
            "target_labels": [reference.category_label(c) for c in plan.target_groups],
            "can_change": access.can_decide_in(request.user, area),
        },
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, pk)
    _require(access.can_decide_in(request.user, plan.commune or plan.province))
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    initial["version"] = plan.version
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in services.PLAN_FIELDS},
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("training:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        form,
        _("Sửa kế hoạch tập huấn"),
        reverse("training:plan_detail", args=[plan.pk]),
    )


def class_new(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = selectors.plan_for(request.user, plan_pk)
    if plan.commune is not None:
        communes = AdministrativeUnit.objects.filter(pk=plan.commune.pk)
        _require(access.can_decide_in(request.user, plan.commune))
    else:
        communes = _decidable_communes(request.user, plan.province)
        _require(access.can_decide_in(request.user, plan.province) or communes.exists())
    initial: dict[str, Any] = {
        "level": "commune" if plan.commune_id else "province",
        "commune": plan.commune_id,
        "min_attendance_percent": 80,
    }
    form = ClassForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            training_class = services.class_create(
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
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã mở lớp %(code)s.") % {"code": training_class.code})
            return redirect("training:class_detail", pk=training_class.pk)
    return _form_page(
        request,
        form,
        _("Mở lớp tập huấn"),
        reverse("training:plan_detail", args=[plan.pk]),
        crumbs=[(str(plan), reverse("training:plan_detail", args=[plan.pk]))],
    )


def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    registrations = selectors.class_registrations(training_class)
    sessions = list(training_class.sessions.order_by("number"))
    grid = selectors.attendance_grid(training_class)
    rows = [
        (row, [grid.get((row.registration.pk, session.pk)) for session in sessions])
        for row in registrations.rows
    ]
    costs = list(training_class.cost_items.order_by("id"))
    cost_total = sum(item.amount for item in costs)
    tests = {a.kind: a for a in training_class.assessments.annotate(n=Count("attempts"))}
    return render(
        request,
        "training/class_detail.html",
        {
            "c": training_class,
            "crumbs": _class_crumbs(training_class)[:-1],
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
    _require(access.can_decide_in(request.user, training_class.area))
    initial = {name: getattr(training_class, name) for name in services.CLASS_FIELDS}
    initial["version"] = training_class.version
    form = ClassEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.class_update(
                actor=request.user,
                training_class=training_class,
                expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in services.CLASS_FIELDS},
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu lớp."))
            return redirect("training:class_detail", pk=training_class.pk)
    return _form_page(
        request,
        form,
        _("Sửa lớp %(code)s") % {"code": training_class.code},
        reverse("training:class_detail", args=[training_class.pk]),
        crumbs=_class_crumbs(training_class),
    )


def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    _require(access.can_decide_in(request.user, training_class.area))
    form = SessionForm(
        request.POST or None,
        topics=training_class.topics,
        initial={"date": training_class.start_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.session_add(
                actor=request.user, training_class=training_class, **form.cleaned_data
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            return redirect("training:class_detail", pk=training_class.pk)
    return _form_page(
        request,
        form,
        _("Thêm buổi học"),
        reverse("training:class_detail", args=[training_class.pk]),
        crumbs=_class_crumbs(training_class),
    )


def cost_new(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    _require(access.can_change_area(request.user, training_class.area))
    form = CostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cost_add(
                actor=request.user, training_class=training_class, **form.cleaned_data
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            return redirect("training:class_detail", pk=training_class.pk)
    return _form_page(
        request,
        form,
        _("Thêm khoản chi"),
        reverse("training:class_detail", args=[training_class.pk]),
        crumbs=_class_crumbs(training_class),
    )


@require_POST
def cost_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = CostItem.objects.filter(pk=pk).select_related("training_class").first()
    if item is None:
        raise Http404
    training_class = selectors.class_for(request.user, item.training_class_id)
    _require(access.can_change_area(request.user, training_class.area))
    services.cost_delete(actor=request.user, item=item)
    return redirect("training:class_detail", pk=training_class.pk)


# -- registration, attendance, certificates ----------------------------------------------------


def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Find a participant or a roster member and register them in the class."""
    training_class = selectors.class_for(request.user, pk)
    _require(access.can_change_area(request.user, training_class.area))
    if request.method == "POST":
        try:
            if request.POST.get("worker"):
                worker = workforce_selectors.worker_for(request.user, int(request.POST["worker"]))
                participant = services.participant_for_worker(actor=request.user, worker=worker)
            else:
                participant = selectors.participant_for(
                    request.user, int(request.POST.get("participant", "0"))
                )
            services.register(
                actor=request.user, training_class=training_class, participant=participant
            )
        except ValueError as error:
            # TrainingError is a ValueError; a malformed id is one too.
            messages.error(
                request,
                str(error)
                if isinstance(error, services.TrainingError)
                else _("Yêu cầu không hợp lệ."),
            )
        else:
            messages.success(request, _("Đã đăng ký %(name)s.") % {"name": participant.full_name})
        return redirect(f"{reverse('training:register', args=[pk])}?q={request.POST.get('q', '')}")
    query = request.GET.get("q", "").strip()
    registered = set(training_class.registrations.values_list("participant_id", flat=True))
    participants: list[Participant] = []
    workers: list[Any] = []
    if query:
        participants = [
            p
            for p in selectors.search_participants(request.user, query)
            if p.province_id == training_class.province_id
        ]
        # Roster members who already have a participant record are found among the
        # participants above; the others get one when registered.
        workers = [
            w
            for w in workforce_selectors.roster(request.user, query=query).filter(
                training_participant__isnull=True
            )[:50]
            if w.province_id == training_class.province_id
        ]
    return render(
        request,
        "training/register.html",
        {
            "c": training_class,
            "crumbs": _class_crumbs(training_class),
            "query": query,
            "participants": [(p, p.pk in registered) for p in participants],
            "workers": workers,
            "count": len(registered),
        },
    )


@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_for(request.user, pk)
    _require(access.can_change_area(request.user, registration.training_class.area))
    try:
        services.unregister(actor=request.user, registration=registration)
    except services.TrainingError as error:
        messages.error(request, str(error))
    return redirect("training:class_detail", pk=registration.training_class_id)


def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for(request.user, pk)
    training_class = session.training_class
    _require(access.can_change_area(request.user, training_class.area))
    if request.method == "POST":
        try:
            present = [int(value) for value in request.POST.getlist("present")]
            counts = services.attendance_record(
                actor=request.user, session=session, present=present
            )
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Đã điểm danh: %(present)s có mặt, %(absent)s vắng.") % counts,
            )
            return redirect("training:class_detail", pk=training_class.pk)
    grid = selectors.attendance_grid(training_class)
    registrations = training_class.registrations.select_related("participant").order_by(
        "participant__full_name", "id"
    )
    return render(
        request,
        "training/attendance.html",
        {
            "c": training_class,
            "session": session,
            "crumbs": _class_crumbs(training_class),
            "rows": [(r, grid.get((r.pk, session.pk))) for r in registrations],
        },
    )


@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    _require(access.can_decide_in(request.user, training_class.area))
    try:
        issued = services.certificates_issue(actor=request.user, training_class=training_class)
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã cấp %(n)s giấy chứng nhận.") % {"n": len(issued)})
    return redirect("training:class_detail", pk=pk)


def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_for(request.user, pk)
    if not registration.certificate_number:
        raise Http404
    sessions = registration.training_class.sessions.count()
    present = registration.attendance.filter(present=True).count()
    pdf = certificate_pdf(registration, present=present, sessions=sessions)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"giay-chung-nhan-{registration.certificate_number}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# -- participants -----------------------------------------------------------------------------


def participant_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if query:
        participants = selectors.search_participants(request.user, query)
    else:
        participants = list(
            selectors.participants_visible_to(request.user)
            .select_related("commune")
            .order_by("-created_at", "id")[: selectors.SEARCH_LIMIT]
        )
    return render(
        request,
        "training/participant_list.html",
        {
            "query": query,
            "participants": participants,
            "can_create": not access.change_reach(request.user).empty,
        },
    )


def participant_new(request: HttpRequest) -> HttpResponse:
    province = _working_province(request)
    communes = _changeable_communes(request.user, province)
    _require(access.can_change_area(request.user, province) or communes.exists())
    for_class = params.id_param(request, "class")
    training_class = selectors.class_for(request.user, for_class) if for_class else None
    form = ParticipantForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            participant = services.participant_create(actor=request.user, province=province, **data)
            if training_class is not None:
                services.register(
                    actor=request.user, training_class=training_class, participant=participant
                )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            if training_class is not None:
                return redirect("training:class_detail", pk=training_class.pk)
            return redirect("training:participant_detail", pk=participant.pk)
    return _form_page(
        request,
        form,
        _("Thêm học viên, đại biểu ngoài đội ngũ"),
        reverse("training:participant_list"),
        intro=_(
            "Cán bộ, cộng tác viên đã có trong danh sách đội ngũ: tìm và đăng ký họ từ trang "
            "đăng ký của lớp, không nhập lại ở đây."
        ),
    )


def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_for(request.user, pk)
    registrations = list(
        participant.registrations.select_related("training_class")
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            sessions=Count("training_class__sessions", distinct=True),
        )
        .order_by("-training_class__start_date")
    )
    attempts = list(
        participant.attempts.select_related("assessment").order_by("-assessment__held_on")
    )
    return render(
        request,
        "training/participant_detail.html",
        {
            "p": participant,
            "registrations": registrations,
            "participations": sum(1 for r in registrations if r.present),
            "attempts": attempts,
        },
    )


# -- question bank and tests -------------------------------------------------------------------


def _bank_province(user: Any) -> AdministrativeUnit | None:
    """Where a new question or page of this user goes: national for the system administrator,
    else the user's province (officers of a province)."""
    if access.is_system_admin(user):
        return None
    home = access.home_unit(user)
    if home is None:
        raise PermissionDenied
    province = home if home.level == Level.PROVINCE else home.province
    _require(province is not None and access.can_decide_in(user, province))
    return province


def _can_edit_bank(user: Any, province_id: int | None) -> bool:
    if province_id is None:
        return access.is_system_admin(user)
    province = AdministrativeUnit(pk=province_id, level=Level.PROVINCE)
    return access.can_decide_in(user, province)


def question_list(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("topic") or None
    query = request.GET.get("q", "").strip()
    questions = list(
        selectors.search_questions(request.user, query, topic).select_related("province")[:200]
    )
    can_add = access.is_system_admin(request.user) or not access.decision_reach(request.user).empty
    return render(
        request,
        "training/question_list.html",
        {
            "questions": [
                (q, reference.topic_label(q.topic), _can_edit_bank(request.user, q.province_id))
                for q in questions
            ],
            "topics": reference.topic_choices(),
            "topic": topic,
            "query": query,
            "can_add": can_add,
        },
    )


def question_new(request: HttpRequest) -> HttpResponse:
    province = _bank_province(request.user)
    form = QuestionForm(request.POST or None, initial={"is_active": True, "correct": "1"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_create(
                actor=request.user,
                province=province,
                topic=data["topic"],
                text=data["text"],
                choices=data["choices"],
                correct=data["correct_index"],
                explanation=data["explanation"],
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã thêm câu hỏi."))
            return redirect("training:question_list")
    return _form_page(request, form, _("Thêm câu hỏi"), reverse("training:question_list"))


def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_for(request.user, pk)
    _require(_can_edit_bank(request.user, question.province_id))
    form = QuestionEditForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_update(
                actor=request.user,
                question=question,
                expected_version=data["version"],
                topic=data["topic"],
                text=data["text"],
                choices=data["choices"],
                correct=data["correct_index"],
                explanation=data["explanation"],
                is_active=data["is_active"],
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu câu hỏi."))
            return redirect("training:question_list")
    return _form_page(request, form, _("Sửa câu hỏi"), reverse("training:question_list"))


def class_test_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    _require(access.can_change_area(request.user, training_class.area))
    if kind not in (AssessmentKind.PRE, AssessmentKind.POST):
        raise Http404
    default_day = training_class.start_date if kind == "pre" else training_class.end_date
    form = ClassTestForm(request.POST or None, initial={"held_on": default_day, "count": 10})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.class_test_create(
                actor=request.user,
                training_class=training_class,
                kind=kind,
                held_on=form.cleaned_data["held_on"],
                count=form.cleaned_data["count"],
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            return redirect("training:assessment_detail", pk=assessment.pk)
    intro = (
        _("Bài kiểm tra cuối khóa dùng lại các câu hỏi của bài đầu khóa để so sánh.")
        if kind == AssessmentKind.POST
        else ""
    )
    return _form_page(
        request,
        form,
        str(AssessmentKind(kind).label),
        reverse("training:class_detail", args=[pk]),
        crumbs=_class_crumbs(training_class),
        intro=intro,
    )


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    items = list(assessment.items.select_related("question").order_by("position"))
    attempts = selectors.contest_ranking(assessment)
    done = {a.participant_id for a in attempts}
    if assessment.training_class_id:
        candidates = [
            r.participant
            for r in assessment.training_class.registrations.select_related(  # type: ignore[union-attr]
                "participant"
            ).order_by("participant__full_name")
            if r.participant_id not in done
        ]
    else:
        query = request.GET.get("q", "").strip()
        candidates = (
            [
                p
                for p in selectors.search_participants(request.user, query)
                if p.province_id == assessment.province_id and p.pk not in done
            ]
            if query
            else []
        )
    return render(
        request,
        "training/assessment_detail.html",
        {
            "a": assessment,
            "items": [(item, reference.topic_label(item.question.topic)) for item in items],
            "attempts": attempts,
            "candidates": candidates,
            "query": request.GET.get("q", ""),
            "can_change": access.can_change_area(
                request.user, assessment.commune or assessment.province
            ),
        },
    )


def attempt_entry(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    """Enter (or correct) the answers a participant gave on paper."""
    assessment = selectors.assessment_for(request.user, pk)
    _require(access.can_change_area(request.user, assessment.commune or assessment.province))
    participant = selectors.participant_for(request.user, participant_pk)
    questions = [
        item.question for item in assessment.items.select_related("question").order_by("position")
    ]
    existing = assessment.attempts.filter(participant=participant).first()
    initial = (
        {f"q{i}": str(v) for i, v in enumerate(existing.answers) if v is not None}
        if existing
        else None
    )
    form = answer_form(questions, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        answers = [form.cleaned_data.get(f"q{i}") for i in range(len(questions))]
        try:
            attempt = services.attempt_record(
                actor=request.user,
                assessment=assessment,
                participant=participant,
                answers=[a if isinstance(a, int) else None for a in answers],
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(name)s: %(score)s/%(max)s điểm.")
                % {"name": participant.full_name, "score": attempt.score, "max": attempt.max_score},
            )
            return redirect("training:assessment_detail", pk=assessment.pk)
    return _form_page(
        request,
        form,
        f"{assessment.title} · {participant.full_name}",
        reverse("training:assessment_detail", args=[assessment.pk]),
    )


def contest_list(request: HttpRequest) -> HttpResponse:
    contests = list(
        selectors.assessments_visible_to(request.user)
        .filter(kind=AssessmentKind.CONTEST)
        .select_related("commune")
        .annotate(n=Count("attempts"))
        .order_by("-held_on", "id")
    )
    return render(
        request,
        "training/contest_list.html",
        {"contests": contests, "can_create": not access.decision_reach(request.user).empty},
    )


def contest_new(request: HttpRequest) -> HttpResponse:
    province = _working_province(request)
    communes = _decidable_communes(request.user, province)
    _require(access.can_decide_in(request.user, province) or communes.exists())
    form = ContestForm(request.POST or None, communes=communes, initial={"count": 20})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        questions = list(
            selectors.questions_for_province(province.pk)
            .filter(topic__in=data["topics"], is_active=True)
            .order_by("topic", "id")[: data["count"]]
        )
        try:
            contest = services.contest_create(
                actor=request.user,
                province=province,
                commune=data.get("commune"),
                title=data["title"],
                held_on=data["held_on"],
                questions=questions,
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            return redirect("training:assessment_detail", pk=contest.pk)
    return _form_page(
        request, form, _("Tổ chức hội thi tìm hiểu chính sách"), reverse("training:contest_list")
    )


# -- statistics -------------------------------------------------------------------------------


def _statistics(request: HttpRequest) -> selectors.TrainingStatistics:
    year = _year(request)
    area_code = request.GET.get("area") or None
    area = None
    if area_code:
        area = AdministrativeUnit.objects.filter(code=area_code).first()
        if (
            area is None
            or area.level == Level.VILLAGE
            or not access.can_view_area(request.user, area)
        ):
            raise Http404
    standard = request.GET.get("standard") or None
    if standard is not None and standard not in available_standards():
        raise Http404
    return selectors.training_statistics(request.user, year=year, area=area, standard_code=standard)


def statistics(request: HttpRequest) -> HttpResponse:
    stats = _statistics(request)
    return render(
        request,
        "training/statistics.html",
        {
            "s": stats,
            "years": range(_today().year + 1, _today().year - 6, -1),
            "standards": available_standards(),
            "standard_in_force": pack_for_review_year(stats.year).code,
            "query": request.GET.urlencode(),
        },
    )


def statistics_export(request: HttpRequest) -> HttpResponse:
    stats = _statistics(request)
    content = exports.statistics_workbook(stats)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tap-huan-{stats.year}.xlsx"'
    return response


# -- handbook ---------------------------------------------------------------------------------


def handbook_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if query:
        pages = list(selectors.search_pages(request.user, query).select_related("province"))
        standards = handbook.search_standard_pages(query)
    else:
        pages = list(
            selectors.pages_visible_to(request.user)
            .select_related("province")
            .order_by("kind", "position", "title")
        )
        standards = handbook.standard_pages()
    return render(
        request,
        "training/handbook_index.html",
        {
            "query": query,
            "pages": pages,
            "standards": standards,
            "can_add": access.is_system_admin(request.user)
            or not access.decision_reach(request.user).empty,
        },
    )


def handbook_standard(request: HttpRequest, code: str) -> HttpResponse:
    page = handbook.standard_page(code)
    if page is None:
        raise Http404
    return render(request, "training/handbook_standard.html", {"page": page})


def _page_context(request: HttpRequest, page: HandbookPage) -> dict[str, Any]:
    province = None if access.is_system_admin(request.user) else access.home_unit(request.user)
    if province is not None and province.level != Level.PROVINCE:
        province = province.province
    can_edit = _can_edit_bank(request.user, page.province_id) or (
        page.province_id is None
        and province is not None
        and access.can_decide_in(request.user, province)
    )
    return {
        "page": page,
        "body": handbook.render_body(page.body),
        "unverified": handbook.unverified_count(page.body),
        "can_edit": can_edit,
    }


def handbook_page(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_for(request.user, pk)
    return render(request, "training/handbook_page.html", _page_context(request, page))


def handbook_page_new(request: HttpRequest) -> HttpResponse:
    province = _bank_province(request.user)
    form = PageForm(request.POST or None, creating=True, initial={"position": 100})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        data.pop("version", None)
        try:
            page = services.page_create(
                actor=request.user,
                province=province,
                data=services.PageData(**data),
                note=note,
            )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            return redirect("training:handbook_page", pk=page.pk)
    return _form_page(request, form, _("Thêm trang sổ tay"), reverse("training:handbook"))


def handbook_page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a page. A provincial officer editing a national page saves the province's own
    version of it (the national page stays as it is for everyone else)."""
    page = selectors.page_for(request.user, pk)
    adapt_for: AdministrativeUnit | None = None
    if not _can_edit_bank(request.user, page.province_id):
        adapt_for = _bank_province(request.user)
        _require(page.province_id is None and adapt_for is not None)
    initial = {name: getattr(page, name) for name in services.PAGE_FIELDS}
    initial["version"] = page.version
    form = PageEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        version = data.pop("version")
        try:
            if adapt_for is not None:
                saved = services.page_adapt(
                    actor=request.user, national=page, province=adapt_for, note=note, **data
                )
            else:
                saved = services.page_update(
                    actor=request.user, page=page, expected_version=version, note=note, **data
                )
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu phiên bản %(v)s.") % {"v": saved.version})
            return redirect("training:handbook_page", pk=saved.pk)
    intro = (
        _("Đây là trang dùng chung: khi lưu, tỉnh %(p)s sẽ có bản riêng của trang này.")
        % {"p": adapt_for.name}
        if adapt_for is not None
        else ""
    )
    return _form_page(
        request,
        form,
        _("Sửa trang: %(title)s") % {"title": page.title},
        reverse("training:handbook_page", args=[page.pk]),
        intro=intro,
    )


def handbook_history(request: HttpRequest, pk: int) -> HttpResponse:
    page = selectors.page_for(request.user, pk)
    versions = list(page.versions.select_related("edited_by").order_by("-number"))
    return render(request, "training/handbook_history.html", {"page": page, "versions": versions})


def handbook_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    page = selectors.page_for(request.user, pk)
    version = page.versions.filter(number=number).select_related("edited_by").first()
    if version is None:
        raise Http404
    return render(
        request,
        "training/handbook_version.html",
        {
            "page": page,
            "version": version,
            "body": handbook.render_body(version.body),
            "is_current": version.number == page.version,
        },
    )
