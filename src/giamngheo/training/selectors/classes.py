"""Plans, classes, sessions, participants and registrations a user may see; the
registrations of a class with attendance and completion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.http import Http404

from giamngheo.accounts import access
from giamngheo.accounts.types import Viewer
from giamngheo.areas.models import AdministrativeUnit
from giamngheo.lib.text import search_key
from giamngheo.training.models import (
    Assessment,
    Attempt,
    Attendance,
    ClassSession,
    CostItem,
    Participant,
    Registration,
    TrainingClass,
    TrainingPlan,
)
from giamngheo.training.scoring import is_completed
from giamngheo.training.selectors._scope import (
    NO_VILLAGE,
    SEARCH_LIMIT,
    words_filter,
)
from giamngheo.workforce import selectors as workforce_selectors
from giamngheo.workforce.models import Worker


def plans_visible_to(user: Viewer) -> QuerySet[TrainingPlan]:
    return access.scoped(TrainingPlan.objects.all(), user, **NO_VILLAGE)


def plan_for(user: Viewer, pk: int) -> TrainingPlan:
    return access.get_visible_or_404(
        TrainingPlan.objects.select_related("province", "commune"), user, NO_VILLAGE, pk=pk
    )


def classes_visible_to(user: Viewer) -> QuerySet[TrainingClass]:
    return access.scoped(TrainingClass.objects.all(), user, **NO_VILLAGE)


def class_for(user: Viewer, pk: int) -> TrainingClass:
    return access.get_visible_or_404(
        TrainingClass.objects.select_related("plan", "province", "commune"),
        user,
        NO_VILLAGE,
        pk=pk,
    )


def session_for(user: Viewer, pk: int) -> ClassSession:
    session = ClassSession.objects.select_related("training_class").filter(pk=pk).first()
    if session is None:
        raise Http404
    # Visible only if its class is: the class carries the area columns.
    class_for(user, session.training_class_id)
    return session


def participants_visible_to(user: Viewer) -> QuerySet[Participant]:
    return access.scoped(Participant.objects.all(), user, **NO_VILLAGE)


def participant_for(user: Viewer, pk: int) -> Participant:
    return access.get_visible_or_404(
        Participant.objects.select_related("province", "commune"), user, NO_VILLAGE, pk=pk
    )


def registration_for(user: Viewer, pk: int) -> Registration:
    return access.get_visible_or_404(
        Registration.objects.select_related(
            "participant", "training_class", "training_class__province", "training_class__commune"
        ),
        user,
        NO_VILLAGE,
        pk=pk,
    )


def search_participants(user: Viewer, query: str, limit: int = SEARCH_LIMIT) -> list[Participant]:
    """Participants whose name or organisation contains every word of ``query``, accents and
    case ignored (the stored ``search_name`` is accent-free; trigram index)."""
    if not search_key(query):
        return []
    found = participants_visible_to(user).select_related("commune")
    found = found.filter(words_filter("search_name", query))
    return list(found.order_by("full_name", "id")[:limit])


def attended() -> Exists:
    """True for a registration whose participant attended at least one session."""
    return Exists(Attendance.objects.filter(registration=OuterRef("pk"), present=True))


@dataclass
class RegistrationRow:
    registration: Registration
    present: int
    completed: bool


@dataclass
class ClassRegistrations:
    session_count: int
    rows: list[RegistrationRow]

    @property
    def completed(self) -> int:
        return sum(1 for row in self.rows if row.completed)

    @property
    def participations(self) -> int:
        return sum(1 for row in self.rows if row.present)


def class_registrations(training_class: TrainingClass) -> ClassRegistrations:
    """The registrations of a class with the number of sessions attended (two queries)."""
    session_count = training_class.sessions.count()
    registrations = (
        training_class.registrations.select_related("participant", "participant__commune")
        .annotate(present=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("participant__full_name", "id")
    )
    rows = [
        RegistrationRow(
            registration,
            registration.present,
            is_completed(
                registration.present,
                session_count,
                training_class.min_attendance_percent,
            ),
        )
        for registration in registrations
    ]
    return ClassRegistrations(session_count, rows)


def attendance_grid(training_class: TrainingClass) -> dict[tuple[int, int], bool]:
    """(registration id, session id) → present, for the attendance table of a class."""
    return {
        (registration_id, session_id): present
        for registration_id, session_id, present in Attendance.objects.filter(
            session__training_class=training_class
        ).values_list("registration_id", "session_id", "present")
    }


# -- what the plan and class pages show ---------------------------------------------------------


def plans_of_year(user: Viewer, year: int) -> list[TrainingPlan]:
    """The plans of ``year`` the user may see, with their number of classes."""
    return list(
        plans_visible_to(user)
        .filter(year=year)
        .select_related("province", "commune")
        .annotate(class_count=Count("classes"))
        .order_by("commune__name", "title")
    )


def classes_of_year(user: Viewer, year: int, query: str = "") -> list[TrainingClass]:
    """The classes starting in ``year``, matching every word of ``query``, with the number
    of registrations."""
    classes = classes_visible_to(user).filter(start_date__year=year)
    if query:
        classes = classes.filter(words_filter("search_text", query))
    return list(
        classes.select_related("commune")
        .annotate(registered=Count("registrations"))
        .order_by("start_date", "code")
    )


def plan_classes(user: Viewer, plan: TrainingPlan) -> list[TrainingClass]:
    return list(
        classes_visible_to(user)
        .filter(plan=plan)
        .select_related("commune")
        .annotate(registered=Count("registrations", distinct=True))
        .order_by("start_date", "code")
    )


def plan_cost(user: Viewer, plan: TrainingPlan) -> int:
    """The cost of the plan's classes the user may see, in đồng."""
    total: int | None = (
        classes_visible_to(user)
        .filter(plan=plan)
        .aggregate(total=Sum("cost_items__amount"))["total"]
    )
    return total or 0


def class_communes(user: Viewer, plan: TrainingPlan) -> QuerySet[AdministrativeUnit]:
    """Communes a class of ``plan`` may be held for: the plan's commune, or (a provincial plan)
    the communes where the user may decide."""
    if plan.commune_id is not None:
        return AdministrativeUnit.objects.filter(pk=plan.commune_id)
    return access.decidable_communes(user, province=plan.province)


def class_sessions(training_class: TrainingClass) -> list[ClassSession]:
    return list(training_class.sessions.order_by("number"))


def class_costs(training_class: TrainingClass) -> list[CostItem]:
    return list(training_class.cost_items.order_by("id"))


def class_tests(training_class: TrainingClass) -> dict[str, Assessment]:
    """The class's tests by kind (pre, post), each with its number of attempts (``n``)."""
    return {a.kind: a for a in training_class.assessments.annotate(n=Count("attempts"))}


def cost_item_for(user: Viewer, pk: int) -> CostItem:
    """A cost item of a class the user may see, else 404."""
    item = CostItem.objects.filter(pk=pk).select_related("training_class").first()
    if item is None:
        raise Http404
    class_for(user, item.training_class_id)
    return item


# -- registration, attendance, certificates, participants --------------------------------------


def registered_ids(training_class: TrainingClass) -> set[int]:
    """Ids of the participants registered in the class."""
    return set(training_class.registrations.values_list("participant_id", flat=True))


def registration_candidates(
    user: Viewer, training_class: TrainingClass, query: str
) -> tuple[list[Participant], list[Worker]]:
    """Participants and roster members of the class's province matching ``query``. Roster
    members who already have a participant record are among the participants; the others get
    one when registered."""
    if not query:
        return [], []
    participants = [
        p for p in search_participants(user, query) if p.province_id == training_class.province_id
    ]
    workers = [
        w
        for w in workforce_selectors.roster(user, query=query).filter(
            training_participant__isnull=True
        )[:50]
        if w.province_id == training_class.province_id
    ]
    return participants, workers


def registrations_by_name(training_class: TrainingClass) -> QuerySet[Registration]:
    return training_class.registrations.select_related("participant").order_by(
        "participant__full_name", "id"
    )


def sessions_attended(registration: Registration) -> tuple[int, int]:
    """(sessions attended, sessions of the class), for a certificate."""
    sessions = registration.training_class.sessions.count()
    present = registration.attendance.filter(present=True).count()
    return present, sessions


def recent_participants(user: Viewer, limit: int = SEARCH_LIMIT) -> list[Participant]:
    return list(
        participants_visible_to(user)
        .select_related("commune")
        .order_by("-created_at", "id")[:limit]
    )


@dataclass
class ParticipantHistory:
    registrations: Sequence[Registration]  # each with ``present`` and ``sessions`` annotated
    participations: int  # registrations with at least one session attended


def participant_registrations(participant: Participant) -> ParticipantHistory:
    """The participant's registrations, newest class first, with ``present`` (sessions
    attended) and ``sessions`` (sessions of the class)."""
    rows = list(
        participant.registrations.select_related("training_class")
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            sessions=Count("training_class__sessions", distinct=True),
        )
        .order_by("-training_class__start_date")
    )
    return ParticipantHistory(rows, sum(1 for r in rows if r.present))


def participant_attempts(participant: Participant) -> list[Attempt]:
    return list(participant.attempts.select_related("assessment").order_by("-assessment__held_on"))
