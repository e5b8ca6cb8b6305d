"""Reads of the training app, always scoped through ``accounts.access``, and the statistics.

Counting definitions (docs/training.md):

- a **participation** (lượt người) is a registration in a class whose participant attended at
  least one session; the same person in three classes is three participations;
- **people** are distinct participants among those participations;
- a registration is **completed** when the participant attended at least the class's
  ``min_attendance_percent`` of its sessions;
- the **year** of a class is the year it starts.

Statistics are a fixed number of set-based queries whatever the number of classes or people.

One module per sub-domain, everything re-exported here so callers write ``selectors.X``:
``classes`` (plans, classes, sessions, participants, registrations), ``assessments``,
``statistics``, ``handbook``; ``_scope`` holds what they share. The arithmetic (completion,
gains) is in ``training.scoring``.
"""

from __future__ import annotations

from giamngheo.training.scoring import ClassGains, GainRow, is_completed
from giamngheo.training.selectors._scope import (
    NO_VILLAGE,
    SEARCH_LIMIT,
    national_or_provincial,
    visible_provinces,
    words_filter,
)
from giamngheo.training.selectors.assessments import (
    assessment_for,
    assessment_items,
    assessments_visible_to,
    attempt_candidates,
    attempt_of,
    class_gains,
    contest_questions,
    contest_ranking,
    contests,
    question_for,
    questions_for_province,
    questions_visible_to,
    search_questions,
)
from giamngheo.training.selectors.classes import (
    ClassRegistrations,
    ParticipantHistory,
    RegistrationRow,
    attendance_grid,
    attended,
    class_communes,
    class_costs,
    class_for,
    class_registrations,
    class_sessions,
    class_tests,
    classes_of_year,
    classes_visible_to,
    cost_item_for,
    participant_attempts,
    participant_for,
    participant_registrations,
    participants_visible_to,
    plan_classes,
    plan_cost,
    plan_for,
    plans_of_year,
    plans_visible_to,
    recent_participants,
    registered_ids,
    registration_candidates,
    registration_for,
    registrations_by_name,
    search_participants,
    session_for,
    sessions_attended,
)
from giamngheo.training.selectors.handbook import (
    handbook_pages,
    page_for,
    page_version,
    page_versions,
    pages_visible_to,
    search_pages,
)
from giamngheo.training.selectors.mine import (
    MyClass,
    MyTraining,
    my_training,
    own_registration,
)
from giamngheo.training.selectors.statistics import (
    AreaRow,
    CategoryRow,
    ClassRow,
    CoverageRow,
    TrainingStatistics,
    roster_visible_to,
    statistics_area,
    training_statistics,
)

__all__ = [
    "NO_VILLAGE",
    "SEARCH_LIMIT",
    "AreaRow",
    "CategoryRow",
    "ClassGains",
    "ClassRegistrations",
    "ClassRow",
    "CoverageRow",
    "GainRow",
    "MyClass",
    "MyTraining",
    "ParticipantHistory",
    "RegistrationRow",
    "TrainingStatistics",
    "assessment_for",
    "assessment_items",
    "assessments_visible_to",
    "attempt_candidates",
    "attempt_of",
    "attendance_grid",
    "attended",
    "class_communes",
    "class_costs",
    "class_for",
    "class_gains",
    "class_registrations",
    "class_sessions",
    "class_tests",
    "classes_of_year",
    "classes_visible_to",
    "contest_questions",
    "contest_ranking",
    "contests",
    "cost_item_for",
    "handbook_pages",
    "is_completed",
    "my_training",
    "national_or_provincial",
    "own_registration",
    "page_for",
    "page_version",
    "page_versions",
    "pages_visible_to",
    "participant_attempts",
    "participant_for",
    "participant_registrations",
    "participants_visible_to",
    "plan_classes",
    "plan_cost",
    "plan_for",
    "plans_of_year",
    "plans_visible_to",
    "question_for",
    "questions_for_province",
    "questions_visible_to",
    "recent_participants",
    "registered_ids",
    "registration_candidates",
    "registration_for",
    "registrations_by_name",
    "roster_visible_to",
    "search_pages",
    "search_participants",
    "search_questions",
    "session_for",
    "sessions_attended",
    "statistics_area",
    "training_statistics",
    "visible_provinces",
    "words_filter",
]
