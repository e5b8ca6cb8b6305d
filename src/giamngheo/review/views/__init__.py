"""Pages of the review process. Thin: parse, call a selector or a service, render. A refused
action (a ``DomainError``: ``ReviewError``, ``TransitionRefused``) comes back as a message
explaining why (``lib.views.attempt``) or as the form's error (``lib.views.form_attempt``);
forms render the one form page (``lib.views.form_page``).

One module per part of the process; ``urls.py`` reads them from here."""

from __future__ import annotations

from giamngheo.review.views.applications import (
    application_detail,
    application_from_change,
    application_letter_pdf,
    application_new,
    applications,
    verify,
)
from giamngheo.review.views.decisions import (
    certificate_pdf,
    certificates_issue,
    certificates_pdf,
    decision_detail,
    decision_new,
    decision_pdf,
    province,
    report,
)
from giamngheo.review.views.meetings import (
    meeting_detail,
    meeting_minutes_pdf,
    meeting_new,
    meeting_scan,
    meeting_scan_file,
)
from giamngheo.review.views.postings import (
    complaint_detail,
    complaint_new,
    complaint_recheck,
    complaint_resolve,
    posting_detail,
    posting_new,
    posting_pdf,
)
from giamngheo.review.views.rounds import (
    entry_flag,
    home,
    progress,
    reviewer_add,
    round_consult,
    round_detail,
    round_new,
    round_start,
    round_surveys,
    steering_add,
)

__all__ = [
    "application_detail",
    "application_from_change",
    "application_letter_pdf",
    "application_new",
    "applications",
    "certificate_pdf",
    "certificates_issue",
    "certificates_pdf",
    "complaint_detail",
    "complaint_new",
    "complaint_recheck",
    "complaint_resolve",
    "decision_detail",
    "decision_new",
    "decision_pdf",
    "entry_flag",
    "home",
    "meeting_detail",
    "meeting_minutes_pdf",
    "meeting_new",
    "meeting_scan",
    "meeting_scan_file",
    "posting_detail",
    "posting_new",
    "posting_pdf",
    "progress",
    "province",
    "report",
    "reviewer_add",
    "round_consult",
    "round_detail",
    "round_new",
    "round_start",
    "round_surveys",
    "steering_add",
    "verify",
]
