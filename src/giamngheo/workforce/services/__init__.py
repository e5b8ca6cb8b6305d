"""Writes on the workforce. Every write goes through here: keyword-only arguments, one
transaction, an access check, and an audit event in the same transaction.

Who may do what (on top of ``accounts.access``):

- the roster, contracts, assignments, statuses, monthly plans, evaluations and a province's
  rules are acts of the managing unit: an officer of the worker's commune or province
  (``access.can_decide_in``);
- a worker's activity log and monthly report: the worker (through their linked account) or an
  officer of their commune;
- support requests and reports of a household's change: anyone who may change data in the
  household's village (``access.can_change_area``: collaborators of that village and officers);
  handling and closing a request is the commune's decision (see ``states.py``).

``actor=None`` is the system (demo loader, tests): no access check.

One module per sub-domain; everything is re-exported here so callers write ``services.X``:

- ``roster``: workers, status history, linked accounts, contracts;
- ``assignments``: communes and villages covered, and the collaborator grants that follow;
- ``reports``: monthly plans and tasks, activities, monthly reports, opening a reporting month;
- ``requests``: household support requests and their workflow;
- ``changes``: household changes flagged for the in-year review;
- ``evaluations``: periodic evaluations;
- ``province_rules``: a province's reporting day and handling times.

The reads the services need (``rules_for``, ``worker_of``, ``commune_officer_for``) live in
``selectors``, the date arithmetic of reporting months in ``periods``; both are re-exported
here for the callers that used them from ``services``.
"""

from __future__ import annotations

from giamngheo.workforce.periods import month_start, next_month, report_due_on
from giamngheo.workforce.selectors import commune_officer_for, rules_for, worker_of
from giamngheo.workforce.services.assignments import assignment_add, assignment_end
from giamngheo.workforce.services.changes import (
    REVIEW_FORMS,
    household_change_dismiss,
    household_change_flag,
    household_change_report,
    household_change_take_up,
)
from giamngheo.workforce.services.evaluations import evaluation_record
from giamngheo.workforce.services.province_rules import province_rule_set
from giamngheo.workforce.services.reports import (
    activity_record,
    plan_copy_previous,
    report_approve,
    report_comment,
    report_expect,
    report_return,
    report_save,
    reports_open_month,
    task_add,
    task_remove,
    task_update,
)
from giamngheo.workforce.services.requests import (
    REQUEST_AUDIT_FIELDS,
    allowed_transitions,
    request_create,
    request_inform,
    request_reassign,
    request_transition,
)
from giamngheo.workforce.services.roster import (
    WORKER_FIELDS,
    WorkerData,
    account_not_manageable_message,
    contract_add,
    worker_create,
    worker_link_user,
    worker_status_change,
    worker_update,
)
from giamngheo.workforce.states import WorkforceError

__all__ = [
    "REQUEST_AUDIT_FIELDS",
    "REVIEW_FORMS",
    "WORKER_FIELDS",
    "WorkerData",
    "WorkforceError",
    "account_not_manageable_message",
    "activity_record",
    "allowed_transitions",
    "assignment_add",
    "assignment_end",
    "commune_officer_for",
    "contract_add",
    "evaluation_record",
    "household_change_dismiss",
    "household_change_flag",
    "household_change_report",
    "household_change_take_up",
    "month_start",
    "next_month",
    "plan_copy_previous",
    "province_rule_set",
    "report_approve",
    "report_comment",
    "report_due_on",
    "report_expect",
    "report_return",
    "report_save",
    "reports_open_month",
    "request_create",
    "request_inform",
    "request_reassign",
    "request_transition",
    "rules_for",
    "task_add",
    "task_remove",
    "task_update",
    "worker_create",
    "worker_link_user",
    "worker_of",
    "worker_status_change",
    "worker_update",
]
