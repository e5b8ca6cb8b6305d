"""The question bank, pre- and post-tests, answers entered from paper, contests."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from giamngheo.accounts import access
from giamngheo.lib.views import form_attempt
from giamngheo.training import reference, selectors, services
from giamngheo.training.forms import (
    ClassTestForm,
    ContestForm,
    QuestionEditForm,
    QuestionForm,
    answer_form,
)
from giamngheo.training.models import Assessment, AssessmentKind
from giamngheo.training.views._common import (
    bank_province,
    can_edit_bank,
    class_crumbs,
    require,
    training_form,
    working_province,
)


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
                (q, reference.topic_label(q.topic), can_edit_bank(request.user, q.province_id))
                for q in questions
            ],
            "topics": reference.topic_choices(),
            "topic": topic,
            "query": query,
            "can_add": can_add,
        },
    )


def question_new(request: HttpRequest) -> HttpResponse:
    province = bank_province(request.user)
    form = QuestionForm(request.POST or None, initial={"is_active": True, "correct": "1"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question = form_attempt(
            form,
            lambda: services.question_create(
                actor=request.user,
                province=province,
                topic=data["topic"],
                text=data["text"],
                choices=data["choices"],
                correct=data["correct_index"],
                explanation=data["explanation"],
            ),
        )
        if question is not None:
            messages.success(request, _("Đã thêm câu hỏi."))
            return redirect("training:question_list")
    return training_form(
        request, form, title=_("Thêm câu hỏi"), back=reverse("training:question_list")
    )


def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_for(request.user, pk)
    require(can_edit_bank(request.user, question.province_id))
    form = QuestionEditForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = form_attempt(
            form,
            lambda: services.question_update(
                actor=request.user,
                question=question,
                expected_version=data["version"],
                topic=data["topic"],
                text=data["text"],
                choices=data["choices"],
                correct=data["correct_index"],
                explanation=data["explanation"],
                is_active=data["is_active"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Đã lưu câu hỏi."))
            return redirect("training:question_list")
    return training_form(
        request, form, title=_("Sửa câu hỏi"), back=reverse("training:question_list")
    )


def class_test_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    training_class = selectors.class_for(request.user, pk)
    require(access.can_change_area(request.user, training_class.area))
    if kind not in (AssessmentKind.PRE, AssessmentKind.POST):
        raise Http404
    default_day = training_class.start_date if kind == "pre" else training_class.end_date
    form = ClassTestForm(request.POST or None, initial={"held_on": default_day, "count": 10})
    if request.method == "POST" and form.is_valid():
        assessment = form_attempt(
            form,
            lambda: services.class_test_create(
                actor=request.user,
                training_class=training_class,
                kind=kind,
                held_on=form.cleaned_data["held_on"],
                count=form.cleaned_data["count"],
            ),
        )
        if assessment is not None:
            return redirect("training:assessment_detail", pk=assessment.pk)
    intro = (
        _("Bài kiểm tra cuối khóa dùng lại các câu hỏi của bài đầu khóa để so sánh.")
        if kind == AssessmentKind.POST
        else ""
    )
    return training_form(
        request,
        form,
        title=str(AssessmentKind(kind).label),
        back=reverse("training:class_detail", args=[pk]),
        crumbs=class_crumbs(training_class),
        intro=intro,
    )


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for(request.user, pk)
    attempts = selectors.contest_ranking(assessment)
    query = request.GET.get("q", "").strip()
    candidates = selectors.attempt_candidates(
        request.user, assessment, {a.participant_id for a in attempts}, query
    )
    return render(
        request,
        "training/assessment_detail.html",
        {
            "a": assessment,
            "items": [
                (item, reference.topic_label(item.question.topic))
                for item in selectors.assessment_items(assessment)
            ],
            "attempts": attempts,
            "candidates": candidates,
            "query": request.GET.get("q", ""),
            "can_change": _can_change(request, assessment),
        },
    )


def _can_change(request: HttpRequest, assessment: Assessment) -> bool:
    return access.can_change_area(request.user, assessment.commune or assessment.province)


def attempt_entry(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    """Enter (or correct) the answers a participant gave on paper."""
    assessment = selectors.assessment_for(request.user, pk)
    require(_can_change(request, assessment))
    participant = selectors.participant_for(request.user, participant_pk)
    questions = [item.question for item in selectors.assessment_items(assessment)]
    existing = selectors.attempt_of(assessment, participant)
    initial = (
        {f"q{i}": str(v) for i, v in enumerate(existing.answers) if v is not None}
        if existing
        else None
    )
    form = answer_form(questions, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        answers = [form.cleaned_data.get(f"q{i}") for i in range(len(questions))]
        recorded = form_attempt(
            form,
            lambda: services.attempt_record(
                actor=request.user,
                assessment=assessment,
                participant=participant,
                answers=[a if isinstance(a, int) else None for a in answers],
            ),
        )
        if recorded is not None:
            messages.success(
                request,
                _("%(name)s: %(score)s/%(max)s điểm.")
                % {
                    "name": participant.full_name,
                    "score": recorded.score,
                    "max": recorded.max_score,
                },
            )
            return redirect("training:assessment_detail", pk=assessment.pk)
    return training_form(
        request,
        form,
        title=f"{assessment.title} · {participant.full_name}",
        back=reverse("training:assessment_detail", args=[assessment.pk]),
    )


def contest_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/contest_list.html",
        {
            "contests": selectors.contests(request.user),
            "can_create": not access.decision_reach(request.user).empty,
        },
    )


def contest_new(request: HttpRequest) -> HttpResponse:
    province = working_province(request)
    communes = access.decidable_communes(request.user, province=province)
    require(access.can_decide_in(request.user, province) or communes.exists())
    form = ContestForm(request.POST or None, communes=communes, initial={"count": 20})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        questions = selectors.contest_questions(province.pk, data["topics"], data["count"])
        contest = form_attempt(
            form,
            lambda: services.contest_create(
                actor=request.user,
                province=province,
                commune=data.get("commune"),
                title=data["title"],
                held_on=data["held_on"],
                questions=questions,
            ),
        )
        if contest is not None:
            return redirect("training:assessment_detail", pk=contest.pk)
    return training_form(
        request,
        form,
        title=_("Tổ chức hội thi tìm hiểu chính sách"),
        back=reverse("training:contest_list"),
    )
