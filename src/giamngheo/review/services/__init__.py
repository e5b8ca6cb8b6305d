"""Writes of the review process (Quyết định 24/2021/QĐ-TTg Art. 3–7), one module per step.

Every function takes keyword-only arguments, runs in one transaction, checks the actor's rights
through ``accounts.access`` (see ``base``), moves states only through the tables of
``review.states`` and records the audit event(s) in the same transaction. Callers import this
package (``from giamngheo.review import services``; ``services.decision_issue(...)``): the
modules are how the code is kept, not an API.

========================  ===========================================================
module                    step (QĐ 24/2021)
========================  ===========================================================
``rounds``                plan, steering committee, reviewers, the list (Art. 4.1)
``entries``               flagged households, Phiếu A screening, B1/B2 surveys (4.1, 4.2)
``meetings``              village meeting, vote, signed minutes (Art. 4.3)
``posting``               public posting (Art. 4.4)
``complaints``            complaints, re-check, result posted (Art. 4.4)
``decision``              recognition decision, statuses through ``registry`` (4.5, 5.2)
``certificates``          certificates with verification codes
``reports``               the commune's report, the province's consolidation (Art. 7)
``applications``          in-year applications and the monthly round (Art. 5)
``average``               average-living-standard households (Art. 2.2, 3, 6)
``administration``        process parameters and the calendar (the admin)
``base``                  the refusal, access checks, round lock, audited moves
========================  ===========================================================

Reads live in ``review.selectors``; pure calculations in ``review.calculations``.
"""

from __future__ import annotations

from giamngheo.registry.services import households_status_set_bulk
from giamngheo.review.calculations import (
    CODE_ALPHABET,
    NEAR_POOR,
    ON_LIST,
    POOR,
    lists_for,
    review_start_for,
    vote_stands,
)
from giamngheo.review.selectors import report_figures
from giamngheo.review.services.administration import (
    calendar_day_delete,
    calendar_day_save,
    rule_value_save,
)
from giamngheo.review.services.applications import (
    application_due,
    application_file,
    application_from_change,
    application_refuse,
)
from giamngheo.review.services.average import (
    average_application_file,
    average_decision_issue,
    average_income_record,
    average_refuse,
    decision_candidates,
)
from giamngheo.review.services.base import (
    BEFORE_AGREEMENT,
    OPEN_COMPLAINT,
    ReviewError,
    close_if_answered,
    consultation_required,
    params,
)
from giamngheo.review.services.certificates import certificates_issue
from giamngheo.review.services.complaints import (
    complaint_file,
    complaint_recheck,
    complaint_resolve,
)
from giamngheo.review.services.decision import decision_issue, round_consult
from giamngheo.review.services.entries import (
    entries_assign,
    entry_add,
    entry_attach_survey,
    entry_screen,
    round_attach_latest_surveys,
)
from giamngheo.review.services.meetings import (
    meeting_create,
    meeting_record_votes,
    meeting_upload_minutes,
)
from giamngheo.review.services.posting import posting_create
from giamngheo.review.services.reports import province_consolidate, report_submit
from giamngheo.review.services.rounds import (
    reviewer_add,
    round_create,
    round_start,
    steering_member_add,
)

__all__ = [
    "BEFORE_AGREEMENT",
    "CODE_ALPHABET",
    "NEAR_POOR",
    "ON_LIST",
    "OPEN_COMPLAINT",
    "POOR",
    "ReviewError",
    "application_due",
    "application_file",
    "application_from_change",
    "application_refuse",
    "average_application_file",
    "average_decision_issue",
    "average_income_record",
    "average_refuse",
    "calendar_day_delete",
    "calendar_day_save",
    "certificates_issue",
    "close_if_answered",
    "complaint_file",
    "complaint_recheck",
    "complaint_resolve",
    "consultation_required",
    "decision_candidates",
    "decision_issue",
    "entries_assign",
    "entry_add",
    "entry_attach_survey",
    "entry_screen",
    "households_status_set_bulk",
    "lists_for",
    "meeting_create",
    "meeting_record_votes",
    "meeting_upload_minutes",
    "params",
    "posting_create",
    "province_consolidate",
    "report_figures",
    "report_submit",
    "review_start_for",
    "reviewer_add",
    "round_attach_latest_surveys",
    "round_consult",
    "round_create",
    "round_start",
    "rule_value_save",
    "steering_member_add",
    "vote_stands",
]
