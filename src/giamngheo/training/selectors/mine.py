"""A roster member's own training (issue 11: "Tập huấn của tôi"): the classes they were
registered in, their attendance, tests and certificates.

Training rows are scoped by province and commune, so a collaborator (a village grant) sees
none of them through ``access.scoped``; their OWN rows are reached through their roster entry
instead (``Participant.worker.user``), never anyone else's."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from giamngheo.accounts.types import Viewer, acting_user
from giamngheo.training.models import (
    Attempt,
    ClassSession,
    Participant,
    Registration,
)
from giamngheo.training.scoring import is_completed


@dataclass(frozen=True)
class MyClass:
    registration: Registration
    present: int
    sessions: int
    completed: bool


@dataclass(frozen=True)
class MyTraining:
    participant: Participant | None
    classes: list[MyClass]
    attempts: list[Attempt]


def own_participant(user: Viewer) -> Participant | None:
    account = acting_user(user)
    if account is None:
        return None
    return Participant.objects.filter(worker__user=account).first()


def my_training(user: Viewer) -> MyTraining:
    """The user's own participation (three queries), newest class first."""
    participant = own_participant(user)
    if participant is None:
        return MyTraining(None, [], [])
    sessions = (
        ClassSession.objects.filter(training_class=OuterRef("training_class"))
        .order_by()
        .values("training_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    registrations = (
        participant.registrations.select_related(
            "training_class", "training_class__province", "training_class__commune"
        )
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            sessions=Coalesce(Subquery(sessions), 0),
        )
        .order_by("-training_class__start_date", "-pk")
    )
    classes = [
        MyClass(
            r,
            r.present,
            r.sessions,
            is_completed(r.present, r.sessions, r.training_class.min_attendance_percent),
        )
        for r in registrations
    ]
    attempts = list(
        participant.attempts.select_related("assessment", "assessment__training_class").order_by(
            "-assessment__held_on", "-pk"
        )
    )
    return MyTraining(participant, classes, attempts)


def own_registration(user: Viewer, pk: int) -> Registration | None:
    """The user's own registration ``pk`` (for their certificate), or ``None``."""
    participant = own_participant(user)
    if participant is None:
        return None
    return (
        Registration.objects.select_related(
            "participant", "training_class", "training_class__province", "training_class__commune"
        )
        .filter(pk=pk, participant=participant)
        .first()
    )
