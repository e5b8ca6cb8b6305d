"""The question bank, pre- and post-tests, contests and recorded attempts."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giamngheo.accounts.types import Actor
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.audit import services as audit
from giamngheo.lib.text import search_key
from giamngheo.training import reference, selectors
from giamngheo.training.errors import TrainingError
from giamngheo.training.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    Attempt,
    Participant,
    Question,
    Registration,
    TrainingClass,
)
from giamngheo.training.scoring import score_answers
from giamngheo.training.services._shared import (
    area_unit,
    check_commune,
    require_bank_editor,
    require_change,
    require_decide,
)


def _question_search(question: Question) -> str:
    return search_key(" ".join([question.text, *question.choices, question.explanation]))


def _check_question(topic: str, choices: Sequence[str], correct: int) -> list[str]:
    if topic not in {entry.code for entry in reference.topics()}:
        raise TrainingError(_("Chuyên đề không có trong danh mục."))
    cleaned = [choice.strip() for choice in choices if choice.strip()]
    if not 2 <= len(cleaned) <= 6:
        raise TrainingError(_("Câu hỏi cần từ 2 đến 6 phương án."))
    if len(set(cleaned)) != len(cleaned):
        raise TrainingError(_("Các phương án phải khác nhau."))
    if not 0 <= correct < len(cleaned):
        raise TrainingError(_("Phương án đúng phải là một trong các phương án đã nhập."))
    return cleaned


@transaction.atomic
def question_create(
    *,
    actor: Actor,
    province: AdministrativeUnit | None = None,
    topic: str,
    text: str,
    choices: Sequence[str],
    correct: int,
    explanation: str = "",
    ref: str = "",
) -> Question:
    require_bank_editor(actor, province)
    cleaned = _check_question(topic, choices, correct)
    if not text.strip():
        raise TrainingError(_("Cần nhập nội dung câu hỏi."))
    question = Question(
        province=province,
        topic=topic,
        text=text.strip(),
        choices=cleaned,
        correct=correct,
        explanation=explanation.strip(),
        ref=ref,
    )
    question.search_text = _question_search(question)
    question.save()
    audit.record(
        actor=actor,
        action="training.question_created",
        obj=question,
        after=audit.snapshot(question, ["province_id", "topic", "text", "choices", "correct"]),
    )
    return question


QUESTION_FIELDS = ("topic", "text", "choices", "correct", "explanation", "is_active")


@transaction.atomic
def question_update(
    *, actor: Actor, question: Question, expected_version: int, **changes: Any
) -> Question:
    unknown = set(changes) - set(QUESTION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    locked = Question.objects.select_for_update().get(pk=question.pk)
    require_bank_editor(actor, locked.province)
    if locked.version != expected_version:
        raise TrainingError(_("Câu hỏi vừa được người khác sửa; hãy mở lại trang và sửa lại."))
    before = audit.snapshot(locked, QUESTION_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.choices = _check_question(locked.topic, locked.choices, locked.correct)
    locked.version += 1
    locked.search_text = _question_search(locked)
    locked.save()
    audit.record(
        actor=actor,
        action="training.question_updated",
        obj=locked,
        before=before,
        after=audit.snapshot(locked, QUESTION_FIELDS),
    )
    return locked


def load_national_questions() -> list[str]:
    """Insert the national questions of ``data/questions.toml`` missing from the database (by
    ``ref``; edited questions are never overwritten). No audit event: callers record one
    summary (``question_bank_seed``, the demo). Returns the refs added."""
    with (reference.DATA_DIR / "questions.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    existing = set(Question.objects.exclude(ref="").values_list("ref", flat=True))
    new: list[Question] = []
    for item in raw["questions"]:
        if item["ref"] in existing:
            continue
        choices = _check_question(item["topic"], item["choices"], item["correct"])
        question = Question(
            topic=item["topic"],
            text=item["text"],
            choices=choices,
            correct=item["correct"],
            explanation=item.get("explanation", ""),
            ref=item["ref"],
        )
        question.search_text = _question_search(question)
        new.append(question)
    Question.objects.bulk_create(new)
    return [q.ref for q in new]


@transaction.atomic
def question_bank_seed(*, actor: Actor = None) -> int:
    """Load the national questions shipped with the software; returns how many were added."""
    require_bank_editor(actor, None)
    added = load_national_questions()
    if added:
        audit.record_bulk(
            actor=actor,
            action="training.questions_loaded",
            object_type=Question._meta.label_lower,
            object_id="national",
            summary={"added": added},
        )
    return len(added)


def _test_title(training_class: TrainingClass, kind: str) -> str:
    label = AssessmentKind(kind).label
    return f"{label} · {training_class.code}"


@transaction.atomic
def class_test_create(
    *,
    actor: Actor,
    training_class: TrainingClass,
    kind: str,
    held_on: dt.date,
    questions: Sequence[Question] | None = None,
    count: int = 10,
) -> Assessment:
    """The pre-test or post-test of a class. Without ``questions``: the post-test repeats the
    pre-test's questions (so that the gain compares like with like), else up to ``count``
    active questions on the class's topics are taken, national and provincial, in bank order."""

    require_change(actor, training_class.area)
    if kind not in (AssessmentKind.PRE, AssessmentKind.POST):
        raise TrainingError(_("Loại bài kiểm tra không hợp lệ."))
    if training_class.assessments.filter(kind=kind).exists():
        raise TrainingError(_("Lớp đã có bài kiểm tra loại này."))
    if questions is None:
        pre = training_class.assessments.filter(kind=AssessmentKind.PRE).first()
        if kind == AssessmentKind.POST and pre is not None:
            questions = [item.question for item in pre.items.select_related("question")]
        else:
            questions = list(
                selectors.questions_for_province(training_class.province_id)
                .filter(topic__in=training_class.topics, is_active=True)
                .order_by("topic", "id")[:count]
            )
    if not questions:
        raise TrainingError(_("Ngân hàng câu hỏi chưa có câu hỏi cho các chuyên đề của lớp."))
    assessment = Assessment.objects.create(
        kind=kind,
        training_class=training_class,
        province_id=training_class.province_id,
        commune_id=training_class.commune_id,
        title=_test_title(training_class, kind),
        held_on=held_on,
    )
    _add_items(assessment, questions, training_class.province_id)
    audit.record(
        actor=actor,
        action="training.test_created",
        obj=assessment,
        after={"kind": kind, "class": training_class.code, "questions": [q.pk for q in questions]},
    )
    return assessment


def _add_items(assessment: Assessment, questions: Sequence[Question], province_id: int) -> None:
    if len({q.pk for q in questions}) != len(questions):
        raise TrainingError(_("Một câu hỏi chỉ được dùng một lần trong bài."))
    if any(q.province_id not in (None, province_id) for q in questions):
        raise TrainingError(_("Câu hỏi phải thuộc ngân hàng chung hoặc của tỉnh."))
    AssessmentItem.objects.bulk_create(
        AssessmentItem(assessment=assessment, question=q, position=i)
        for i, q in enumerate(questions)
    )


@transaction.atomic
def contest_create(
    *,
    actor: Actor,
    province: AdministrativeUnit,
    commune: AdministrativeUnit | None = None,
    title: str,
    held_on: dt.date,
    questions: Sequence[Question],
    is_demo: bool = False,
) -> Assessment:
    """A policy knowledge contest (hội thi tìm hiểu chính sách giảm nghèo)."""
    check_commune(province, commune)
    require_decide(actor, area_unit(province, commune))
    if not questions:
        raise TrainingError(_("Hội thi cần ít nhất một câu hỏi."))
    contest = Assessment.objects.create(
        kind=AssessmentKind.CONTEST,
        province=province,
        commune=commune,
        title=title.strip(),
        held_on=held_on,
        is_demo=is_demo,
    )
    _add_items(contest, questions, province.pk)
    audit.record(
        actor=actor,
        action="training.contest_created",
        obj=contest,
        after={"title": contest.title, "questions": [q.pk for q in questions]},
    )
    return contest


@transaction.atomic
def attempt_record(
    *,
    actor: Actor,
    assessment: Assessment,
    participant: Participant,
    answers: Sequence[int | None],
    submitted_at: dt.datetime | None = None,
) -> Attempt:
    """Record (or correct) a participant's answers and score them against the questions as
    they are now; the score is stored and does not change if a question is edited later."""
    require_change(actor, area_unit(assessment.province, assessment.commune))
    if (
        assessment.training_class_id is not None
        and not Registration.objects.filter(
            training_class_id=assessment.training_class_id, participant=participant
        ).exists()
    ):
        raise TrainingError(_("Người làm bài chưa đăng ký lớp này."))
    if participant.province_id != assessment.province_id:
        raise TrainingError(_("Người làm bài phải thuộc tỉnh tổ chức."))
    items = list(assessment.items.select_related("question").order_by("position"))
    for item, given in zip(items, answers, strict=False):
        if given is not None and not 0 <= given < len(item.question.choices):
            raise TrainingError(_("Có câu trả lời không phải là một phương án của câu hỏi."))
    score = score_answers([item.question.correct for item in items], answers)
    existing = Attempt.objects.select_for_update().filter(
        assessment=assessment, participant=participant
    )
    attempt = existing.first()
    before = audit.snapshot(attempt, ["answers", "score"]) if attempt else None
    if attempt is None:
        attempt = Attempt(
            assessment=assessment,
            participant=participant,
            province_id=assessment.province_id,
            commune_id=assessment.commune_id,
        )
    attempt.answers = list(answers)
    attempt.score = score
    attempt.max_score = len(items)
    attempt.submitted_at = submitted_at or timezone.now()
    attempt.save()
    audit.record(
        actor=actor,
        action="training.attempt_recorded",
        obj=attempt,
        before=before,
        after=audit.snapshot(attempt, ["assessment_id", "participant_id", "answers", "score"]),
    )
    return attempt
