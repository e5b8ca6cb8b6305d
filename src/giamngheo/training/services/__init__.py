"""Writes of the training app. Every write goes through here: keyword-only arguments, one
transaction, a permission check (``actor=None`` is the system itself: demo, imports, tests) and
an audit event in the same transaction.

Who may do what (decided by ``accounts.access``):

- plans and classes are official acts of the unit that runs them: ``can_decide_in`` (officers);
- registrations, attendance, costs, test results: ``can_change_area`` on the class's unit;
- the question bank and the handbook: national rows by the system administrator only,
  a province's rows by that province's officers (``can_decide_in`` on the province).

One module per sub-domain, everything re-exported here so callers write ``services.X``:
``plans``; ``classes`` (sessions, costs); ``participants`` (registrations, attendance,
certificates); ``assessments`` (question bank, tests, contests, attempts); ``handbook``.
Pure arithmetic (completion, scores, gains) is in ``training.scoring``, the error in
``training.errors``.
"""

from __future__ import annotations

from giamngheo.training.errors import TrainingError
from giamngheo.training.scoring import score_answers
from giamngheo.training.services.assessments import (
    QUESTION_FIELDS,
    attempt_record,
    class_test_create,
    contest_create,
    load_national_questions,
    question_bank_seed,
    question_create,
    question_update,
)
from giamngheo.training.services.classes import (
    CLASS_FIELDS,
    class_create,
    class_update,
    cost_add,
    cost_delete,
    session_add,
)
from giamngheo.training.services.handbook import (
    PAGE_FIELDS,
    PageData,
    handbook_seed,
    load_national_pages,
    page_adapt,
    page_create,
    page_update,
)
from giamngheo.training.services.participants import (
    PARTICIPANT_FIELDS,
    attendance_record,
    certificates_issue,
    participant_create,
    participant_for_worker,
    participant_update,
    register,
    unregister,
)
from giamngheo.training.services.plans import PLAN_FIELDS, plan_create, plan_update

__all__ = [
    "CLASS_FIELDS",
    "PAGE_FIELDS",
    "PARTICIPANT_FIELDS",
    "PLAN_FIELDS",
    "QUESTION_FIELDS",
    "PageData",
    "TrainingError",
    "attempt_record",
    "attendance_record",
    "certificates_issue",
    "class_create",
    "class_test_create",
    "class_update",
    "contest_create",
    "cost_add",
    "cost_delete",
    "handbook_seed",
    "load_national_pages",
    "load_national_questions",
    "page_adapt",
    "page_create",
    "page_update",
    "participant_create",
    "participant_for_worker",
    "participant_update",
    "plan_create",
    "plan_update",
    "question_bank_seed",
    "question_create",
    "question_update",
    "register",
    "score_answers",
    "session_add",
    "unregister",
]
