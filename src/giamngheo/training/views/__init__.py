"""Training pages. Thin: parse the request, call a selector or a service, render. Objects
outside the user's areas answer 404 (selectors); visible objects the user may not change
answer 403.

``plans``: the year's index, plans, classes, sessions, costs; ``participants``: registration,
attendance, certificates, participants; ``assessments``: question bank, tests, contests;
``stats``: statistics and their Excel file; ``handbook``: the policy handbook. Forms render
the one form page (``lib.views.form_page``) with the training navigation above it."""

from __future__ import annotations

from giamngheo.training.views.assessments import (
    assessment_detail,
    attempt_entry,
    class_test_new,
    contest_list,
    contest_new,
    question_edit,
    question_list,
    question_new,
)
from giamngheo.training.views.handbook import (
    handbook_history,
    handbook_index,
    handbook_page,
    handbook_page_edit,
    handbook_page_new,
    handbook_standard,
    handbook_version,
)
from giamngheo.training.views.participants import (
    attendance,
    certificate,
    certificates_issue,
    mine,
    participant_detail,
    participant_list,
    participant_new,
    register,
    unregister,
)
from giamngheo.training.views.plans import (
    class_detail,
    class_edit,
    class_new,
    cost_delete,
    cost_new,
    index,
    plan_detail,
    plan_edit,
    plan_new,
    session_new,
)
from giamngheo.training.views.stats import statistics, statistics_export

__all__ = [
    "assessment_detail",
    "attempt_entry",
    "attendance",
    "certificate",
    "certificates_issue",
    "class_detail",
    "class_edit",
    "class_new",
    "class_test_new",
    "contest_list",
    "contest_new",
    "cost_delete",
    "cost_new",
    "handbook_history",
    "handbook_index",
    "handbook_page",
    "handbook_page_edit",
    "handbook_page_new",
    "handbook_standard",
    "handbook_version",
    "index",
    "mine",
    "participant_detail",
    "participant_list",
    "participant_new",
    "plan_detail",
    "plan_edit",
    "plan_new",
    "question_edit",
    "question_list",
    "question_new",
    "register",
    "session_new",
    "statistics",
    "statistics_export",
    "unregister",
]
