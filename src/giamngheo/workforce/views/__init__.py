"""Workforce pages. Thin: parse, call a selector or a service, render. Objects outside the
user's areas answer 404 (selectors); visible but not changeable answers 403.

``roster``: the roster, a worker's page and the managing unit's forms, composition;
``reports``: a worker's monthly plan, report and activity log, reporting rates;
``households``: support requests and reported changes of households. Forms render the one
form page (``lib.views.form_page``) with breadcrumbs to the worker or the household."""

from __future__ import annotations

from giamngheo.workforce.views.households import (
    change_detail,
    change_dismiss,
    change_list,
    change_new,
    request_detail,
    request_inform,
    request_list,
    request_list_xlsx,
    request_new,
    request_reassign,
    request_transition,
)
from giamngheo.workforce.views.reports import (
    activity_new,
    plan,
    report,
    reporting,
    reporting_open,
)
from giamngheo.workforce.views.roster import (
    assignment_end,
    assignment_new,
    composition,
    composition_xlsx,
    contract_new,
    evaluation_new,
    home,
    roster,
    status_change,
    user_link,
    worker_detail,
    worker_edit,
    worker_new,
)

__all__ = [
    "activity_new",
    "assignment_end",
    "assignment_new",
    "change_detail",
    "change_dismiss",
    "change_list",
    "change_new",
    "composition",
    "composition_xlsx",
    "contract_new",
    "evaluation_new",
    "home",
    "plan",
    "report",
    "reporting",
    "reporting_open",
    "request_detail",
    "request_inform",
    "request_list",
    "request_list_xlsx",
    "request_new",
    "request_reassign",
    "request_transition",
    "roster",
    "status_change",
    "user_link",
    "worker_detail",
    "worker_edit",
    "worker_new",
]
