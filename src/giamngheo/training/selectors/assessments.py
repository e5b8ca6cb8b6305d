"""The question bank, tests and contests a user may see; gains and rankings."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.http import Http404

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.training.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    Attempt,
    Participant,
    Question,
    TrainingClass,
)
from giamngheo.training.scoring import ClassGains, gains_from
from giamngheo.training.selectors._scope import (
    NO_VILLAGE,
    national_or_provincial,
    words_filter,
)
from giamngheo.training.selectors.classes import search_participants


def questions_visible_to(user: Viewer) -> QuerySet[Question]:
    return Question.objects.filter(national_or_provincial(user))


def questions_for_province(province_id: int) -> QuerySet[Question]:
    return Question.objects.filter(Q(province__isnull=True) | Q(province_id=province_id))


def question_for(user: Viewer, pk: int) -> Question:
    question = questions_visible_to(user).filter(pk=pk).first()
    if question is None:
        raise Http404
    return question


def search_questions(user: Viewer, query: str, topic: str | None = None) -> QuerySet[Question]:
    found = questions_visible_to(user)
    if topic:
        found = found.filter(topic=topic)
    return found.filter(words_filter("search_text", query)).order_by("topic", "id")


def assessments_visible_to(user: Viewer) -> QuerySet[Assessment]:
    return access.scoped(Assessment.objects.all(), user, **NO_VILLAGE)


def assessment_for(user: Viewer, pk: int) -> Assessment:
    return access.get_visible_or_404(
        Assessment.objects.select_related("training_class", "province", "commune").prefetch_related(
            "items__question"
        ),
        user,
        NO_VILLAGE,
        pk=pk,
    )


def class_attempts(classes: QuerySet[TrainingClass]) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in Attempt.objects.filter(
            assessment__training_class__in=classes,
            assessment__kind__in=[AssessmentKind.PRE, AssessmentKind.POST],
        ).values(
            "assessment__training_class",
            "assessment__kind",
            "participant",
            "participant__full_name",
            "score",
            "max_score",
        )
    ]


def class_gains(training_class: TrainingClass) -> ClassGains:
    """Pre-test, post-test and gain per participant of a class (one query)."""
    classes = TrainingClass.objects.filter(pk=training_class.pk)
    return gains_from(class_attempts(classes)).get(training_class.pk, ClassGains([]))


def contest_ranking(assessment: Assessment) -> list[Attempt]:
    """Best score first; ties go to the earlier submission."""
    return list(
        assessment.attempts.select_related("participant", "participant__commune").order_by(
            "-score", "submitted_at", "id"
        )
    )


def assessment_items(assessment: Assessment) -> list[AssessmentItem]:
    return list(assessment.items.select_related("question").order_by("position"))


def attempt_candidates(
    user: Viewer, assessment: Assessment, done: set[int], query: str
) -> list[Participant]:
    """Who may still take the test: the class's registered participants (a class test), or
    participants of the province matching ``query`` (a contest); not those in ``done``."""
    if assessment.training_class is not None:
        registrations = assessment.training_class.registrations.select_related("participant")
        return [
            r.participant
            for r in registrations.order_by("participant__full_name")
            if r.participant_id not in done
        ]
    if not query:
        return []
    return [
        p
        for p in search_participants(user, query)
        if p.province_id == assessment.province_id and p.pk not in done
    ]


def attempt_of(assessment: Assessment, participant: Participant) -> Attempt | None:
    return assessment.attempts.filter(participant=participant).first()


def contests(user: Viewer) -> list[Assessment]:
    """Contests the user may see, newest first, with their number of attempts (``n``)."""
    return list(
        assessments_visible_to(user)
        .filter(kind=AssessmentKind.CONTEST)
        .select_related("commune")
        .annotate(n=Count("attempts"))
        .order_by("-held_on", "id")
    )


def contest_questions(province_id: int, topics: list[str], count: int) -> list[Question]:
    """The first ``count`` active questions on ``topics`` for a province's contest."""
    return list(
        questions_for_province(province_id)
        .filter(topic__in=topics, is_active=True)
        .order_by("topic", "id")[:count]
    )
