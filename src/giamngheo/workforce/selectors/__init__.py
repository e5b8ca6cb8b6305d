"""Reads of the workforce, always scoped to what the user may see.

Two kinds of records:

- a worker's own records (roster entry, contracts, plans, activities, reports, evaluations):
  officers and inspectors see those of their areas; a collaborator sees only their own, even
  when their grant is on a whole commune (issue 6: "a collaborator sees only their own plans
  and reports");
- household records (support requests, reports of changes): scoped like the households
  themselves, so a collaborator sees those of the villages they are granted.

Figures (composition, reporting rates) are computed in the database in one grouped query each,
never a query per row.

One module per sub-domain, everything re-exported here so callers write ``selectors.X``:
``scope`` (who sees what), ``people`` (roster, look-ups the services use, units an officer
manages), ``figures`` (composition), ``reporting`` (plans, reports, rates), ``households``
(support requests, household changes, the in-year review's flags).
"""

from __future__ import annotations

from giamngheo.workforce.selectors.figures import (
    Composition,
    CompositionRow,
    composition,
)
from giamngheo.workforce.selectors.households import (
    RequestFilters,
    age_days,
    change_for,
    change_list,
    household_by_code,
    households_flagged_for_review,
    pending_in_year_reviews,
    request_counts,
    request_export_rows,
    request_list,
    request_owners,
)
from giamngheo.workforce.selectors.people import (
    account_named,
    assignable_areas,
    commune_officer_for,
    managed_units,
    roster,
    rules_for,
    shown_phone,
    worker_months,
    worker_of,
)
from giamngheo.workforce.selectors.reporting import (
    LateReport,
    Reporting,
    ReportingRow,
    late_reports,
    month_report,
    plan_with_tasks,
    reporting_rates,
    task_of,
)
from giamngheo.workforce.selectors.scope import (
    PAGE_SIZE,
    SUPERVISING_ROLES,
    changes_visible_to,
    evaluations_visible_to,
    in_area,
    plans_visible_to,
    reports_visible_to,
    request_for,
    requests_visible_to,
    supervision_reach,
    worker_for,
    workers_visible_to,
)

__all__ = [
    "PAGE_SIZE",
    "SUPERVISING_ROLES",
    "Composition",
    "CompositionRow",
    "LateReport",
    "Reporting",
    "ReportingRow",
    "RequestFilters",
    "account_named",
    "age_days",
    "assignable_areas",
    "change_for",
    "change_list",
    "changes_visible_to",
    "commune_officer_for",
    "composition",
    "evaluations_visible_to",
    "household_by_code",
    "households_flagged_for_review",
    "in_area",
    "late_reports",
    "managed_units",
    "month_report",
    "pending_in_year_reviews",
    "plan_with_tasks",
    "plans_visible_to",
    "reporting_rates",
    "reports_visible_to",
    "request_counts",
    "request_export_rows",
    "request_for",
    "request_list",
    "request_owners",
    "requests_visible_to",
    "roster",
    "rules_for",
    "shown_phone",
    "supervision_reach",
    "task_of",
    "worker_for",
    "worker_months",
    "worker_of",
    "workers_visible_to",
]
